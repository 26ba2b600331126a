/**
 * A wire-protocol test server for Azure Key Vault secrets (REST API 2025-07-01, what
 * `@azure/keyvault-secrets` 4.11 speaks), plus the App Service managed-identity token endpoint so
 * `DefaultAzureCredential` authenticates against it from env alone (research/cloud-sdk-wire.md §4).
 * Loopback only, random port. Behaviour the adapter depends on is modelled on the real service:
 * the 401 bearer challenge, case-insensitive names, upsert with versions, soft delete with
 * recovery and purge, absolute `nextLink` paging, and error bodies with `innererror` codes.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type AzureOp =
  'token' | 'set' | 'get' | 'list' | 'delete' | 'getDeleted' | 'purge' | 'recover' | 'other';

export type FaultKind =
  /** 429 with `Retry-After: 0` */
  | 'throttle'
  /** 429 without any Retry-After header (the SDK itself would not retry this) */
  | 'throttle-bare'
  /** 503 */
  | 'unavailable'
  /** 403 Forbidden, as for a missing role assignment or access policy */
  | 'forbidden'
  /** 401 with a challenge even though the token is valid */
  | 'unauthorized'
  /** the socket is destroyed before any response (ECONNRESET on the client) */
  | 'reset'
  /** 400 whose message repeats the request body, to prove the adapter scrubs values */
  | 'echo';

export interface LoggedRequest {
  method: string;
  /** the decoded path, e.g. `/secrets/acme-shared-KEY/` */
  path: string;
  op: AzureOp;
  query: Record<string, string>;
  /** a bearer token was sent and accepted */
  authorized: boolean;
  bodyLength: number;
  status: number;
}

export interface AzureFakeOptions {
  /** largest page of a list, whatever `maxresults` asks (the real service caps at 25) */
  pageSize?: number;
  /** the tenant named in the 401 challenge */
  tenant?: string;
  /** the value the managed-identity endpoint expects in `X-IDENTITY-HEADER` */
  identityHeader?: string;
  /** the `appid` claim of issued tokens: the identity the adapter can name in errors */
  appId?: string;
  /** answer `GET /deletedsecrets/{n}` with 404 this many times after each delete (poll lag) */
  deleteLagPolls?: number;
  /** after a purge, refuse this many PUTs of the name with 409 ObjectIsBeingDeleted */
  purgeLagRequests?: number;
  /** vault without soft delete: DELETE removes at once and returns no recoveryId */
  softDelete?: boolean;
}

interface Version {
  version: string;
  value: string;
  contentType: string | undefined;
  tags: Record<string, string>;
  created: number;
  updated: number;
}

interface Entry {
  /** the name as first created; lookups are case-insensitive */
  name: string;
  versions: Version[];
  deleted?: { deletedDate: number; scheduledPurgeDate: number; pollLag: number };
}

export interface AzureFakeState {
  /** create or add a version directly, without a request (e.g. a secret of the original tool) */
  seed(name: string, value: string, tags?: Record<string, string>): void;
  /** the latest value of a live secret */
  value(name: string): string | undefined;
  tags(name: string): Record<string, string> | undefined;
  versionCount(name: string): number;
  /** live secrets' names */
  names(): string[];
  isSoftDeleted(name: string): boolean;
  /** soft-delete directly, without a request */
  softDelete(name: string): void;
  /** forget every secret, fault and log entry */
  reset(): void;
}

export interface AzureFake {
  /** the vault URL, `http://127.0.0.1:PORT` */
  url: string;
  /** `IDENTITY_ENDPOINT` for the managed-identity credential */
  identityEndpoint: string;
  identityHeader: string;
  log: LoggedRequest[];
  /** the next `times` requests for `op` (or any, with '*') fail with `kind` */
  failNext(op: AzureOp | '*', kind: FaultKind, times?: number): void;
  state: AzureFakeState;
  close(): Promise<void>;
}

const API_VERSION_REQUIRED = /^\d{4}-\d{2}-\d{2}(-preview)?$|^\d+\.\d+$/;
const NAME = /^[0-9A-Za-z-]{1,127}$/;
const MAX_VALUE_BYTES = 25 * 1024;

/**
 * Tokens any fake in this process issued. Shared because MSAL caches managed-identity tokens in a
 * static store: a second fake in the same test process receives the first one's token.
 */
const issuedTokens = new Set<string>();

export async function startAzureFake(options: AzureFakeOptions = {}): Promise<AzureFake> {
  const tenant = options.tenant ?? '72f988bf-0000-0000-0000-00000000fake';
  const identityHeader = options.identityHeader ?? randomBytes(8).toString('hex');
  const appId = options.appId ?? '11111111-2222-3333-4444-555555555555';
  const pageSize = options.pageSize ?? 25;
  const softDeleteEnabled = options.softDelete ?? true;

  const secrets = new Map<string, Entry>();
  const purgeLag = new Map<string, number>();
  const faults: { op: AzureOp | '*'; kind: FaultKind; left: number }[] = [];
  const log: LoggedRequest[] = [];
  let url = '';

  const now = (): number => Math.floor(Date.now() / 1000);
  const find = (name: string): Entry | undefined => secrets.get(name.toLowerCase());
  const live = (name: string): Entry | undefined => {
    const entry = find(name);
    return entry && !entry.deleted ? entry : undefined;
  };
  const latest = (entry: Entry): Version => entry.versions[entry.versions.length - 1]!;

  function addVersion(name: string, body: Partial<Version>): Entry {
    const entry = find(name) ?? { name, versions: [] };
    const t = now();
    entry.versions.push({
      version: randomBytes(16).toString('hex'),
      value: body.value ?? '',
      contentType: body.contentType,
      tags: body.tags ?? {},
      created: t,
      updated: t,
    });
    secrets.set(name.toLowerCase(), entry);
    return entry;
  }

  function attributes(version: Version): Record<string, unknown> {
    return {
      enabled: true,
      created: version.created,
      updated: version.updated,
      recoveryLevel: softDeleteEnabled ? 'Recoverable+Purgeable' : 'Purgeable',
      recoverableDays: softDeleteEnabled ? 90 : 0,
    };
  }

  function bundle(entry: Entry, withValue: boolean): Record<string, unknown> {
    const version = latest(entry);
    return {
      ...(withValue ? { value: version.value } : {}),
      id: `${url}/secrets/${entry.name}/${version.version}`,
      ...(version.contentType === undefined ? {} : { contentType: version.contentType }),
      attributes: attributes(version),
      tags: version.tags,
    };
  }

  function deletedBundle(entry: Entry): Record<string, unknown> {
    return {
      ...bundle(entry, false),
      recoveryId: `${url}/deletedsecrets/${entry.name}`,
      deletedDate: entry.deleted?.deletedDate,
      scheduledPurgeDate: entry.deleted?.scheduledPurgeDate,
    };
  }

  function issueToken(): { token: string; expiresOn: number } {
    const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const expiresOn = now() + 3600;
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({
      aud: 'https://vault.azure.net',
      tid: tenant,
      appid: appId,
      oid: appId,
      exp: expiresOn,
      jti: randomBytes(8).toString('hex'),
    })}.fake`;
    issuedTokens.add(token);
    return { token, expiresOn };
  }

  function takeFault(op: AzureOp): FaultKind | undefined {
    const index = faults.findIndex((f) => f.left > 0 && (f.op === op || f.op === '*'));
    if (index < 0) return undefined;
    const fault = faults[index]!;
    fault.left -= 1;
    if (fault.left === 0) faults.splice(index, 1);
    return fault.kind;
  }

  function classify(method: string, segments: string[]): AzureOp {
    const [collection, name, extra] = segments;
    if (collection === 'msi') return 'token';
    if (collection === 'secrets') {
      if (name === undefined) return method === 'GET' ? 'list' : 'other';
      if (method === 'PUT' && extra === undefined) return 'set';
      if (method === 'GET') return 'get';
      if (method === 'DELETE') return 'delete';
    }
    if (collection === 'deletedsecrets' && name !== undefined) {
      if (method === 'GET') return 'getDeleted';
      if (method === 'DELETE') return 'purge';
      if (method === 'POST' && extra === 'recover') return 'recover';
    }
    return 'other';
  }

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'InternalError', message: String(error) } }));
    });
  });

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestUrl = new URL(req.url ?? '/', url);
    // `/secrets/n/` (latest version) keeps its trailing empty segment; `/secrets` has no name.
    const segments = requestUrl.pathname.split('/').slice(1).map(decodeURIComponent);
    if (segments[1] === '') segments.splice(1);
    const method = req.method ?? 'GET';
    const op = classify(method, segments);
    const query = Object.fromEntries(requestUrl.searchParams);
    const body = await readBody(req);
    const entry: LoggedRequest = {
      method,
      path: decodeURIComponent(requestUrl.pathname),
      op,
      query,
      authorized: false,
      bodyLength: Buffer.byteLength(body),
      status: 0,
    };
    log.push(entry);

    const send = (
      status: number,
      payload?: unknown,
      headers: Record<string, string> = {},
    ): void => {
      entry.status = status;
      const text = payload === undefined ? '' : JSON.stringify(payload);
      res.writeHead(status, {
        ...(text === '' ? {} : { 'content-type': 'application/json; charset=utf-8' }),
        'x-ms-request-id': randomBytes(8).toString('hex'),
        ...headers,
      });
      res.end(text);
    };
    const fail = (status: number, code: string, message: string, inner?: string): void => {
      send(status, { error: { code, message, ...(inner ? { innererror: { code: inner } } : {}) } });
    };

    if (op === 'token') {
      if (req.headers['x-identity-header'] !== identityHeader) {
        fail(401, 'Unauthorized', 'X-IDENTITY-HEADER is missing or wrong');
        return;
      }
      const fault = takeFault('token');
      if (fault === 'forbidden') {
        fail(400, 'invalid_request', 'Identity not found');
        return;
      }
      const { token, expiresOn } = issueToken();
      send(200, {
        access_token: token,
        expires_on: String(expiresOn),
        resource: query.resource,
        token_type: 'Bearer',
      });
      return;
    }

    // The SDK's first request goes out without a token and without its body: challenge it.
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
    if (token === undefined || !issuedTokens.has(token)) {
      send(
        401,
        {
          error: {
            code: 'Unauthorized',
            message: 'AKV10000: Request is missing a Bearer or PoP token.',
          },
        },
        {
          'www-authenticate': `Bearer authorization="https://login.microsoftonline.com/${tenant}", resource="https://vault.azure.net"`,
        },
      );
      return;
    }
    entry.authorized = true;

    const apiVersion = query['api-version'];
    if (apiVersion === undefined || !API_VERSION_REQUIRED.test(apiVersion)) {
      fail(400, 'BadParameter', 'The api-version query parameter is missing or invalid.');
      return;
    }

    const fault = takeFault(op);
    switch (fault) {
      case 'throttle':
        send(
          429,
          {
            error: {
              code: 'Throttled',
              message: 'Request was not processed because too many requests were received.',
            },
          },
          { 'retry-after': '0' },
        );
        return;
      case 'throttle-bare':
        fail(
          429,
          'Throttled',
          'Request was not processed because too many requests were received.',
        );
        return;
      case 'unavailable':
        fail(503, 'ServiceUnavailable', 'The service is temporarily unavailable.');
        return;
      case 'forbidden':
        fail(
          403,
          'Forbidden',
          `The user, group or application 'appid=${appId}' does not have the permission this operation needs on this key vault.`,
          'ForbiddenByRbac',
        );
        return;
      case 'unauthorized':
        send(
          401,
          { error: { code: 'Unauthorized', message: 'AKV10032: Invalid issuer.' } },
          {
            'www-authenticate': `Bearer authorization="https://login.microsoftonline.com/${tenant}", resource="https://vault.azure.net"`,
          },
        );
        return;
      case 'reset':
        entry.status = -1;
        req.socket.destroy();
        return;
      case 'echo':
        fail(400, 'BadParameter', `The request body ${body} is not valid.`);
        return;
      case undefined:
        break;
    }

    const [collection, name = '', extra] = segments;
    if (name !== '' && !NAME.test(name)) {
      fail(400, 'BadParameter', `The secret name '${name}' is invalid.`);
      return;
    }

    switch (op) {
      case 'set': {
        let parsed: { value?: unknown; tags?: unknown; contentType?: unknown };
        try {
          parsed = JSON.parse(body) as typeof parsed;
        } catch {
          fail(400, 'BadParameter', 'The request body is not valid JSON.');
          return;
        }
        if (typeof parsed.value !== 'string') {
          fail(400, 'BadParameter', 'Property value is required.');
          return;
        }
        if (Buffer.byteLength(parsed.value) > MAX_VALUE_BYTES) {
          fail(400, 'BadParameter', 'The secret value exceeds the maximum size.');
          return;
        }
        const lag = purgeLag.get(name.toLowerCase()) ?? 0;
        if (lag > 0) {
          purgeLag.set(name.toLowerCase(), lag - 1);
          fail(
            409,
            'Conflict',
            `Secret ${name} is currently being deleted and cannot be re-created; retry later.`,
            'ObjectIsBeingDeleted',
          );
          return;
        }
        if (find(name)?.deleted) {
          fail(
            409,
            'Conflict',
            `Secret ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.`,
            'ObjectIsDeletedButRecoverable',
          );
          return;
        }
        const created = addVersion(name, {
          value: parsed.value,
          tags: (parsed.tags ?? {}) as Record<string, string>,
          contentType: typeof parsed.contentType === 'string' ? parsed.contentType : undefined,
        });
        send(200, bundle(created, true));
        return;
      }
      case 'get': {
        const found = live(name);
        const version =
          extra === undefined || extra === ''
            ? found && latest(found)
            : found?.versions.find((v) => v.version === extra);
        if (!found || !version) {
          fail(
            404,
            'SecretNotFound',
            `A secret with (name/id) ${name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command.`,
          );
          return;
        }
        send(200, {
          ...bundle(found, false),
          value: version.value,
          id: `${url}/secrets/${found.name}/${version.version}`,
        });
        return;
      }
      case 'list': {
        const requested = Number(query.maxresults ?? pageSize);
        const size = Math.max(
          1,
          Math.min(pageSize, Number.isFinite(requested) ? requested : pageSize),
        );
        const skip = Number(query.$skiptoken ?? 0);
        const all = [...secrets.values()]
          .filter((e) => !e.deleted)
          .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
        // listed ids name the secret, not a version
        const page = all
          .slice(skip, skip + size)
          .map((e) => ({ ...bundle(e, false), id: `${url}/secrets/${e.name}` }));
        const next = skip + size < all.length ? skip + size : undefined;
        send(200, {
          value: page,
          nextLink:
            next === undefined
              ? null
              : `${url}/secrets?api-version=${apiVersion}&$skiptoken=${String(next)}&maxresults=${String(size)}`,
        });
        return;
      }
      case 'delete': {
        const found = live(name);
        if (!found) {
          fail(
            404,
            'SecretNotFound',
            `A secret with (name/id) ${name} was not found in this key vault.`,
          );
          return;
        }
        if (!softDeleteEnabled) {
          secrets.delete(name.toLowerCase());
          send(200, bundle(found, false));
          return;
        }
        found.deleted = {
          deletedDate: now(),
          scheduledPurgeDate: now() + 90 * 86_400,
          pollLag: options.deleteLagPolls ?? 0,
        };
        send(200, deletedBundle(found));
        return;
      }
      case 'getDeleted': {
        const found = find(name);
        if (!found?.deleted || found.deleted.pollLag > 0) {
          if (found?.deleted) found.deleted.pollLag -= 1;
          fail(404, 'SecretNotFound', `Deleted Secret not found: ${name}`);
          return;
        }
        send(200, deletedBundle(found));
        return;
      }
      case 'purge': {
        const found = find(name);
        if (!found?.deleted) {
          fail(404, 'SecretNotFound', `Deleted Secret not found: ${name}`);
          return;
        }
        secrets.delete(name.toLowerCase());
        if (options.purgeLagRequests) purgeLag.set(name.toLowerCase(), options.purgeLagRequests);
        send(204);
        return;
      }
      case 'recover': {
        const found = find(name);
        if (!found?.deleted) {
          fail(404, 'SecretNotFound', `Deleted Secret not found: ${name}`);
          return;
        }
        delete found.deleted;
        send(200, bundle(found, false));
        return;
      }
      default:
        fail(400, 'BadParameter', `Unsupported request ${method} /${collection ?? ''}`);
    }
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  url = `http://127.0.0.1:${String(port)}`;

  const state: AzureFakeState = {
    seed: (name, value, tags = {}) => {
      addVersion(name, { value, tags });
    },
    value: (name) => {
      const entry = live(name);
      return entry && latest(entry).value;
    },
    tags: (name) => {
      const entry = live(name);
      return entry && latest(entry).tags;
    },
    versionCount: (name) => find(name)?.versions.length ?? 0,
    names: () => [...secrets.values()].filter((e) => !e.deleted).map((e) => e.name),
    isSoftDeleted: (name) => Boolean(find(name)?.deleted),
    softDelete: (name) => {
      const entry = find(name);
      if (entry) entry.deleted = { deletedDate: now(), scheduledPurgeDate: now(), pollLag: 0 };
    },
    reset: () => {
      secrets.clear();
      purgeLag.clear();
      faults.length = 0;
      log.length = 0;
    },
  };

  return {
    url,
    identityEndpoint: `${url}/msi/token`,
    identityHeader,
    log,
    failNext: (op, kind, times = 1) => {
      faults.push({ op, kind, left: times });
    },
    state,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
