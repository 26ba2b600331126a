import type { DatabaseType } from './config.js';

const SCHEMES: Record<DatabaseType, string> = {
  postgresql: 'postgresql',
  mysql: 'mysql',
  mongodb: 'mongodb',
};

/** `<scheme>://<user>:<password>@localhost:<port>/<database>`, credentials percent-encoded. */
export function buildDatabaseUrl(
  type: DatabaseType,
  username: string,
  password: string,
  port: number,
  database: string,
): string {
  const user = encodeURIComponent(username);
  const pass = encodeURIComponent(password);
  return `${SCHEMES[type]}://${user}:${pass}@localhost:${port}/${database}`;
}

/** The percent-decoded credentials of a database URL, or undefined when it does not parse as one. */
export function readDatabaseCredentials(
  url: string,
): { username: string; password: string } | undefined {
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^:@/]*):([^@/]*)@/i.exec(url);
  if (!match) return undefined;
  try {
    return {
      username: decodeURIComponent(match[1] ?? ''),
      password: decodeURIComponent(match[2] ?? ''),
    };
  } catch {
    return undefined;
  }
}
