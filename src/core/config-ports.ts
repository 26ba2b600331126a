import type { ServiceConfig } from './config.js';
import type { DatabaseType } from './config-schema.js';
import type { Entry, Found } from './config-checks.js';

export const DATABASE_BASE_PORTS: Readonly<Record<DatabaseType, number>> = {
  postgresql: 5432,
  mysql: 3306,
  mongodb: 27017,
};

/**
 * The database port of each `hasDatabase` service, by name (SPEC §4): its explicit
 * `databasePort`, else — in config order — the lowest port at or above its type's base port
 * (5432 / 3306 / 27017) that no explicit `databasePort` holds and no earlier service got.
 */
export function assignDatabasePorts(services: readonly ServiceConfig[]): Map<string, number> {
  const ports = new Map<string, number>();
  databasePortsInOrder(services).forEach((port, i) => {
    const service = services[i];
    if (port !== undefined && service) ports.set(service.name, port);
  });
  return ports;
}

type DatabaseFields = Pick<ServiceConfig, 'hasDatabase' | 'databaseType' | 'databasePort'>;

export function databasePortsInOrder(services: readonly DatabaseFields[]): (number | undefined)[] {
  const explicit = new Set(
    services.flatMap((s) =>
      s.hasDatabase && s.databasePort !== undefined ? [s.databasePort] : [],
    ),
  );
  const taken = new Set<number>();
  return services.map((s) => {
    if (!s.hasDatabase) return undefined;
    let port = s.databasePort ?? DATABASE_BASE_PORTS[s.databaseType];
    if (s.databasePort === undefined) while (explicit.has(port) || taken.has(port)) port++;
    taken.add(port);
    return port;
  });
}

/**
 * Service ports and database ports share one namespace: both are published on localhost, so
 * an explicit `databasePort` equal to any service's port is an error, and so is a service port
 * that a database gets automatically (SPEC §4 does not skip service ports when assigning).
 */
export function checkPorts(entries: Entry[], issues: Found[], warnings: Found[]): void {
  const portOwners = new Map<number, Entry>();
  for (const entry of entries) {
    const at = (field: string) => ['services', entry.index, field];
    if (entry.type === 'worker' && entry.port !== undefined) {
      warnings.push({ at: at('port'), message: 'ignored: a worker has no port; remove it' });
      entry.port = undefined;
    }
    if (entry.type !== undefined && entry.type !== 'worker' && entry.raw.port == null) {
      issues.push({
        at: at('port'),
        message: `required for type "${entry.type}": add a free port from 1 to 65535`,
      });
    }
    if (!entry.hasDatabase && entry.databasePort !== undefined) {
      warnings.push({
        at: at('databasePort'),
        message: 'ignored: the service has no database; remove it or set "hasDatabase": true',
      });
      entry.databasePort = undefined;
    }
    if (entry.port === undefined) continue;
    const first = portOwners.get(entry.port);
    if (first === undefined) portOwners.set(entry.port, entry);
    else
      issues.push({
        at: at('port'),
        message: `${entry.port} is already the port of ${first.label}; ports must be unique`,
      });
  }
  const databaseOwners = new Map<number, Entry>();
  for (const entry of entries) {
    const port = entry.databasePort;
    if (port === undefined) continue;
    const at = ['services', entry.index, 'databasePort'];
    const first = databaseOwners.get(port);
    const service = portOwners.get(port);
    if (first === undefined) databaseOwners.set(port, entry);
    else
      issues.push({
        at,
        message: `${port} is already the databasePort of ${first.label}; each database needs its own port`,
      });
    if (service !== undefined) {
      issues.push({
        at,
        message: `${port} is also the port of ${service === entry ? 'this service' : service.label}; a database needs a port of its own`,
      });
    }
  }
  databasePortsInOrder(entries).forEach((port, i) => {
    const entry = entries[i];
    const service = port === undefined ? undefined : portOwners.get(port);
    if (entry === undefined || entry.databasePort !== undefined || service === undefined) return;
    const self = service === entry;
    issues.push({
      at: ['services', service.index, 'port'],
      message: `${port} is also the database port ${self ? 'this service' : entry.label} gets automatically (the first free one from ${DATABASE_BASE_PORTS[entry.databaseType]}); pick another port, or set ${self ? 'its' : "that service's"} databasePort`,
    });
  });
}
