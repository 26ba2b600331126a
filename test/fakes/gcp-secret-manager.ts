/**
 * A wire-protocol test server for Google Cloud Secret Manager v1 as `@google-cloud/secret-manager`
 * 6 (google-gax 5) sends it in REST mode (`fallback: true`); see research/cloud-sdk-wire.md §3.
 * Plain `node:http` on 127.0.0.1, random port. Also serves the OAuth token endpoint and a GCE
 * metadata server, and checks every bearer token: a self-signed JWT must verify against a key this
 * fake issued (`fake.serviceAccountKey()`), anything else must be a token it handed out.
 */
import {
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  verify,
  type KeyObject,
} from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type GcpFakeMethod =
  | 'createSecret'
  | 'getSecret'
  | 'listSecrets'
  | 'deleteSecret'
  | 'addSecretVersion'
  | 'accessSecretVersion'
  | 'token'
  | 'metadata';

export type GcpFaultKind =
  | 'not-found'
  | 'already-exists'
  | 'throttled'
  | 'permission-denied'
  | 'unauthenticated'
  | 'unavailable'
  | 'internal'
  /** a 502 with an HTML body, as a proxy or load balancer sends it */
  | 'bad-gateway-html'
  /** the socket is destroyed without a response */
  | 'reset'
  /** no response at all (until the client gives up or the fake closes) */
  | 'hang';

export interface GcpFaultOptions {
  /** sent as the Retry-After header */
  retryAfter?: string;
  /** replaces the error message (e.g. to check that SDK text is scrubbed) */
  message?: string;
}

export interface GcpFakeOptions {
  /** largest page the fake returns, whatever the client asks for (default 25000, as the real API) */
  maxPageSize?: number;
  /** answer with `projects/<number>/…` names even when asked by project id, as the real API does (default true) */
  numericProjects?: boolean;
  /** accept requests without a valid bearer token (default false) */
  allowAnonymous?: boolean;
}

export interface LoggedRequest {
  method: GcpFakeMethod | 'unknown';
  httpMethod: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  /** the caller, from the bearer token: service-account email or `metadata-default` */
  identity: string | undefined;
  /** the HTTP status the fake answered with (0 for a reset) */
  status: number;
}

export interface FakeVersion {
  number: number;
  data: Buffer;
  createTime: string;
  state: 'ENABLED' | 'DISABLED' | 'DESTROYED';
}

export interface FakeSecret {
  id: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  createTime: string;
  etag: string;
  versions: FakeVersion[];
}

export interface GcpFakeState {
  /** project number → project id */
  projects: Map<string, string>;
  /** project number → secret id → secret */
  secrets: Map<string, Map<string, FakeSecret>>;
  /** the secrets of a project, by id or number */
  project(projectIdOrNumber: string): Map<string, FakeSecret>;
}

export interface ServiceAccountKey {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
  universe_domain: string;
}

export interface GcpFake {
  url: string;
  host: string;
  port: number;
  log: LoggedRequest[];
  state: GcpFakeState;
  /** the next `times` requests of `method` fail with `kind` */
  failNext(
    method: GcpFakeMethod,
    kind: GcpFaultKind,
    times?: number,
    options?: GcpFaultOptions,
  ): void;
  /** a service-account key file whose JWTs this fake accepts; `token_uri` points at the fake */
  serviceAccountKey(projectId?: string, clientEmail?: string): ServiceAccountKey;
  /** forget secrets, faults and the log (keys stay valid) */
  reset(): void;
  close(): Promise<void>;
}

const STATUS: Record<
  Exclude<GcpFaultKind, 'reset' | 'hang' | 'bad-gateway-html'>,
  [number, string]
> = {
  'not-found': [404, 'NOT_FOUND'],
  'already-exists': [409, 'ALREADY_EXISTS'],
  throttled: [429, 'RESOURCE_EXHAUSTED'],
  'permission-denied': [403, 'PERMISSION_DENIED'],
  unauthenticated: [401, 'UNAUTHENTICATED'],
  unavailable: [503, 'UNAVAILABLE'],
  internal: [500, 'INTERNAL'],
};

const SECRET_ID = /^[A-Za-z0-9_-]{1,255}$/;
const LABEL_KEY = /^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const LABEL_VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;
const ANNOTATION_KEY = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
const MAX_PAYLOAD = 65_536;
const METADATA_TOKEN = 'fake-metadata-token';

class FakeHttpError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly status: string,
    message: string,
  ) {
    super(message);
  }
}

let cachedKeyPair: { privateKey: string; publicKey: KeyObject } | undefined;
function keyPair(): { privateKey: string; publicKey: KeyObject } {
  if (cachedKeyPair === undefined) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    cachedKeyPair = {
      privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKey: createPublicKey(pair.privateKey),
    };
  }
  return cachedKeyPair;
}

/** CRC32C (Castagnoli), as Secret Manager checks `dataCrc32c`. */
export function crc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

export async function startGcpFake(options: GcpFakeOptions = {}): Promise<GcpFake> {
  const maxPageSize = options.maxPageSize ?? 25_000;
  const numericProjects = options.numericProjects ?? true;
  const log: LoggedRequest[] = [];
  const faults: {
    method: GcpFakeMethod;
    kind: GcpFaultKind;
    left: number;
    options: GcpFaultOptions;
  }[] = [];
  /** JWT issuer (client_email) → public key */
  const issuers = new Map<string, KeyObject>();
  /** access token → identity */
  const tokens = new Map<string, string>([[METADATA_TOKEN, 'metadata-default']]);
  const sockets = new Set<Socket>();
  let clock = Date.parse('2025-01-01T00:00:00Z');
  let etagCounter = 0;

  const projects = new Map<string, string>();
  const secrets = new Map<string, Map<string, FakeSecret>>();
  const projectNumber = (idOrNumber: string): string => {
    if (/^\d+$/.test(idOrNumber)) {
      if (!projects.has(idOrNumber)) projects.set(idOrNumber, idOrNumber);
      return idOrNumber;
    }
    for (const [number, id] of projects) if (id === idOrNumber) return number;
    const number = String(100_000_000_000 + projects.size + 1);
    projects.set(number, idOrNumber);
    return number;
  };
  const projectSecrets = (idOrNumber: string): Map<string, FakeSecret> => {
    const number = projectNumber(idOrNumber);
    let map = secrets.get(number);
    if (map === undefined) {
      map = new Map();
      secrets.set(number, map);
    }
    return map;
  };
  const state: GcpFakeState = { projects, secrets, project: projectSecrets };

  const now = (): string => {
    clock += 1000;
    return new Date(clock).toISOString().replace('Z', '000Z');
  };
  const responseProject = (requested: string): string =>
    numericProjects
      ? projectNumber(requested)
      : (projects.get(projectNumber(requested)) ?? requested);
  const secretJson = (project: string, secret: FakeSecret): Record<string, unknown> => ({
    name: `projects/${responseProject(project)}/secrets/${secret.id}`,
    replication: { automatic: {} },
    createTime: secret.createTime,
    labels: secret.labels,
    annotations: secret.annotations,
    etag: secret.etag,
  });

  const identify = (req: IncomingMessage): string | undefined => {
    const header = req.headers.authorization;
    if (header === undefined || !header.startsWith('Bearer ')) return undefined;
    const token = header.slice('Bearer '.length);
    const known = tokens.get(token);
    if (known !== undefined) return known;
    const identity = verifyJwt(token);
    // The SDK reuses its self-signed JWT until it expires: verify each one once.
    if (identity !== undefined) tokens.set(token, identity);
    return identity;
  };
  const verifyJwt = (jwt: string): string | undefined => {
    const [head, payload, signature] = jwt.split('.');
    if (head === undefined || payload === undefined || signature === undefined) return undefined;
    let claims: { iss?: string; exp?: number };
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return undefined;
    }
    const key = claims.iss === undefined ? undefined : issuers.get(claims.iss);
    if (key === undefined) return undefined;
    const signed = verify(
      'RSA-SHA256',
      Buffer.from(`${head}.${payload}`),
      key,
      Buffer.from(signature, 'base64url'),
    );
    return signed ? claims.iss : undefined;
  };

  const takeFault = (method: GcpFakeMethod): (typeof faults)[number] | undefined => {
    const fault = faults.find((f) => f.left > 0 && f.method === method);
    if (fault === undefined) return undefined;
    fault.left -= 1;
    return fault;
  };

  const sendJson = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): number => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=UTF-8',
      'content-length': String(Buffer.byteLength(text)),
      ...headers,
    });
    res.end(text);
    return status;
  };
  const sendError = (
    res: ServerResponse,
    httpStatus: number,
    status: string,
    message: string,
    headers: Record<string, string> = {},
  ): number => {
    const details =
      status === 'RESOURCE_EXHAUSTED'
        ? [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'RATE_LIMIT_EXCEEDED',
              domain: 'googleapis.com',
            },
          ]
        : [];
    return sendJson(
      res,
      httpStatus,
      { error: { code: httpStatus, message, status, details } },
      headers,
    );
  };

  const handleMetadata = (req: IncomingMessage, res: ServerResponse, path: string): number => {
    const headers = { 'metadata-flavor': 'Google' };
    if (req.headers['metadata-flavor'] !== 'Google') return sendJson(res, 403, {}, headers);
    if (path === '/computeMetadata/v1/instance') return sendJson(res, 200, {}, headers);
    if (path === '/computeMetadata/v1/project/project-id') {
      res.writeHead(200, { 'content-type': 'text/plain', ...headers });
      res.end([...projects.values()][0] ?? 'fake-project');
      return 200;
    }
    if (path === '/computeMetadata/v1/instance/service-accounts/default/email') {
      res.writeHead(200, { 'content-type': 'text/plain', ...headers });
      res.end('default@fake-project.iam.gserviceaccount.com');
      return 200;
    }
    if (path === '/computeMetadata/v1/instance/service-accounts/default/token') {
      return sendJson(
        res,
        200,
        { access_token: METADATA_TOKEN, expires_in: 3600, token_type: 'Bearer' },
        headers,
      );
    }
    return sendJson(res, 404, {}, headers);
  };

  const handleToken = (body: unknown, res: ServerResponse): number => {
    const assertion =
      typeof body === 'object' && body !== null
        ? (body as Record<string, unknown>).assertion
        : undefined;
    const identity = typeof assertion === 'string' ? verifyJwt(assertion) : undefined;
    if (identity === undefined) {
      return sendJson(res, 400, {
        error: 'invalid_grant',
        error_description: 'Invalid JWT Signature.',
      });
    }
    const token = `fake-token-${randomUUID()}`;
    tokens.set(token, identity);
    return sendJson(res, 200, { access_token: token, expires_in: 3600, token_type: 'Bearer' });
  };

  const route = (
    httpMethod: string,
    path: string,
  ): { method: GcpFakeMethod; project: string; secret?: string; version?: string } | undefined => {
    const m =
      /^\/v1\/projects\/([^/]+)\/secrets(?:\/([^/:]+))?(?:\/versions\/([^/:]+))?(?::(\w+))?$/.exec(
        path,
      );
    if (m === null) return undefined;
    const [, project = '', secret, version, verb] = m;
    if (secret === undefined && version === undefined && verb === undefined) {
      if (httpMethod === 'GET') return { method: 'listSecrets', project };
      if (httpMethod === 'POST') return { method: 'createSecret', project };
    }
    if (secret !== undefined && version === undefined) {
      if (verb === undefined && httpMethod === 'GET')
        return { method: 'getSecret', project, secret };
      if (verb === undefined && httpMethod === 'DELETE')
        return { method: 'deleteSecret', project, secret };
      if (verb === 'addVersion' && httpMethod === 'POST')
        return { method: 'addSecretVersion', project, secret };
    }
    if (
      secret !== undefined &&
      version !== undefined &&
      verb === 'access' &&
      httpMethod === 'GET'
    ) {
      return { method: 'accessSecretVersion', project, secret, version };
    }
    return undefined;
  };

  const secretOrThrow = (project: string, id: string): FakeSecret => {
    const secret = projectSecrets(project).get(id);
    if (secret === undefined) {
      throw new FakeHttpError(
        404,
        'NOT_FOUND',
        `Secret [projects/${responseProject(project)}/secrets/${id}] not found.`,
      );
    }
    return secret;
  };

  const invalid = (message: string): FakeHttpError =>
    new FakeHttpError(400, 'INVALID_ARGUMENT', message);

  const api = (
    target: NonNullable<ReturnType<typeof route>>,
    query: Record<string, string>,
    body: unknown,
    res: ServerResponse,
  ): number => {
    const { project } = target;
    const input = (typeof body === 'object' && body !== null ? body : {}) as Record<
      string,
      unknown
    >;
    switch (target.method) {
      case 'createSecret': {
        const id = query.secretId ?? '';
        if (!SECRET_ID.test(id)) throw invalid(`Invalid secret id [${id}].`);
        const labels = (input.labels ?? {}) as Record<string, string>;
        const annotations = (input.annotations ?? {}) as Record<string, string>;
        if (Object.keys(labels).length > 64) throw invalid('Too many labels.');
        for (const [key, value] of Object.entries(labels)) {
          if (!LABEL_KEY.test(key) || !LABEL_VALUE.test(value)) {
            throw invalid(`Invalid label [${key}].`);
          }
        }
        let annotationBytes = 0;
        for (const [key, value] of Object.entries(annotations)) {
          if (!ANNOTATION_KEY.test(key)) throw invalid(`Invalid annotation key [${key}].`);
          annotationBytes += Buffer.byteLength(key) + Buffer.byteLength(value);
        }
        if (annotationBytes > 16_384) throw invalid('Annotations exceed 16KiB.');
        const replication = input.replication as Record<string, unknown> | undefined;
        if (replication?.automatic === undefined && replication?.userManaged === undefined) {
          throw invalid('Secret.replication is required.');
        }
        const map = projectSecrets(project);
        if (map.has(id)) {
          throw new FakeHttpError(
            409,
            'ALREADY_EXISTS',
            `Secret [projects/${responseProject(project)}/secrets/${id}] already exists.`,
          );
        }
        etagCounter += 1;
        const secret: FakeSecret = {
          id,
          labels,
          annotations,
          createTime: now(),
          etag: `"${String(etagCounter)}"`,
          versions: [],
        };
        map.set(id, secret);
        return sendJson(res, 200, secretJson(project, secret));
      }
      case 'getSecret':
        return sendJson(res, 200, secretJson(project, secretOrThrow(project, target.secret ?? '')));
      case 'deleteSecret': {
        secretOrThrow(project, target.secret ?? '');
        projectSecrets(project).delete(target.secret ?? '');
        return sendJson(res, 200, {});
      }
      case 'listSecrets': {
        const requested = Number(query.pageSize ?? '0');
        const size = Math.min(requested > 0 ? requested : 25_000, maxPageSize);
        const matches = parseFilter(query.filter ?? '');
        const all = [...projectSecrets(project).values()]
          .filter(matches)
          .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        let offset = 0;
        if (query.pageToken !== undefined && query.pageToken !== '') {
          offset = Number(Buffer.from(query.pageToken, 'base64url').toString('utf8'));
          if (!Number.isInteger(offset) || offset < 0) throw invalid('Invalid page token.');
        }
        const page = all.slice(offset, offset + size);
        const next = offset + size < all.length ? offset + size : undefined;
        return sendJson(res, 200, {
          secrets: page.map((s) => secretJson(project, s)),
          ...(next === undefined
            ? {}
            : { nextPageToken: Buffer.from(String(next)).toString('base64url') }),
          totalSize: all.length,
        });
      }
      case 'addSecretVersion': {
        const secret = secretOrThrow(project, target.secret ?? '');
        const payload = (input.payload ?? {}) as { data?: unknown; dataCrc32c?: unknown };
        const data = Buffer.from(typeof payload.data === 'string' ? payload.data : '', 'base64');
        if (data.length > MAX_PAYLOAD)
          throw invalid('Secret payload data must be no larger than 64KiB.');
        if (payload.dataCrc32c !== undefined && Number(payload.dataCrc32c) !== crc32c(data)) {
          throw invalid('Checksum mismatch.');
        }
        const version: FakeVersion = {
          number: secret.versions.length + 1,
          data,
          createTime: now(),
          state: 'ENABLED',
        };
        secret.versions.push(version);
        return sendJson(res, 200, {
          name: `projects/${responseProject(project)}/secrets/${secret.id}/versions/${String(version.number)}`,
          createTime: version.createTime,
          state: 1,
          replicationStatus: { automatic: {} },
          etag: `"${String(version.number)}"`,
        });
      }
      case 'accessSecretVersion': {
        const id = target.secret ?? '';
        const secret = projectSecrets(project).get(id);
        const version =
          target.version === 'latest'
            ? secret?.versions.at(-1)
            : secret?.versions.find((v) => String(v.number) === target.version);
        if (secret === undefined || version === undefined) {
          throw new FakeHttpError(
            404,
            'NOT_FOUND',
            `Secret [projects/${responseProject(project)}/secrets/${id}] not found or has no versions.`,
          );
        }
        if (version.state !== 'ENABLED') {
          throw new FakeHttpError(
            400,
            'FAILED_PRECONDITION',
            `SecretVersion [projects/${responseProject(project)}/secrets/${id}/versions/${String(version.number)}] is in ${version.state} state.`,
          );
        }
        return sendJson(res, 200, {
          name: `projects/${responseProject(project)}/secrets/${id}/versions/${String(version.number)}`,
          payload: {
            data: version.data.toString('base64'),
            dataCrc32c: String(crc32c(version.data)),
          },
        });
      }
      default:
        throw new FakeHttpError(404, 'NOT_FOUND', 'no such method');
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = decodeURIComponent(url.pathname);
    const query = Object.fromEntries(url.searchParams);
    const raw = await readBody(req);
    const httpMethod = req.method ?? 'GET';
    let body: unknown = undefined;
    const type = req.headers['content-type'] ?? '';
    if (raw.length > 0 && type.includes('json')) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        body = raw.toString('utf8');
      }
    } else if (raw.length > 0 && type.includes('x-www-form-urlencoded')) {
      body = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
    }
    const target = route(httpMethod, path);
    const method: LoggedRequest['method'] = path.startsWith('/computeMetadata/')
      ? 'metadata'
      : path === '/token'
        ? 'token'
        : (target?.method ?? 'unknown');
    const identity = identify(req);
    const entry: LoggedRequest = {
      method,
      httpMethod,
      path,
      query,
      body,
      headers: { ...req.headers },
      identity,
      status: 0,
    };
    log.push(entry);

    const fault = method === 'unknown' ? undefined : takeFault(method);
    if (fault !== undefined) {
      if (fault.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      if (fault.kind === 'hang') return;
      const headers: Record<string, string> =
        fault.options.retryAfter === undefined ? {} : { 'retry-after': fault.options.retryAfter };
      if (fault.kind === 'bad-gateway-html') {
        res.writeHead(502, { 'content-type': 'text/html', ...headers });
        res.end(`<html><body>${fault.options.message ?? '502 Bad Gateway'}</body></html>`);
        entry.status = 502;
        return;
      }
      const [httpStatus, status] = STATUS[fault.kind];
      entry.status = sendError(
        res,
        httpStatus,
        status,
        fault.options.message ?? `fake ${status.toLowerCase().replaceAll('_', ' ')}`,
        headers,
      );
      return;
    }

    if (method === 'metadata') {
      entry.status = handleMetadata(req, res, path);
      return;
    }
    if (method === 'token') {
      entry.status = handleToken(body, res);
      return;
    }
    if (target === undefined) {
      entry.status = sendError(res, 404, 'NOT_FOUND', `no route for ${httpMethod} ${path}`);
      return;
    }
    if (identity === undefined && options.allowAnonymous !== true) {
      entry.status = sendError(
        res,
        401,
        'UNAUTHENTICATED',
        'Request is missing required authentication credential.',
      );
      return;
    }
    try {
      entry.status = api(target, query, body, res);
    } catch (error) {
      if (error instanceof FakeHttpError) {
        entry.status = sendError(res, error.httpStatus, error.status, error.message);
        return;
      }
      throw error;
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        sendError(res, 500, 'INTERNAL', `fake bug: ${String(error)}`);
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${String(port)}`;

  return {
    url,
    host: '127.0.0.1',
    port,
    log,
    state,
    failNext(method, kind, times = 1, faultOptions = {}) {
      faults.push({ method, kind, left: times, options: faultOptions });
    },
    serviceAccountKey(projectId = 'tsds-test-project', clientEmail) {
      const { privateKey, publicKey } = keyPair();
      const email = clientEmail ?? `tsds-test@${projectId}.iam.gserviceaccount.com`;
      issuers.set(email, publicKey);
      projectNumber(projectId);
      return {
        type: 'service_account',
        project_id: projectId,
        private_key_id: randomUUID().replaceAll('-', ''),
        private_key: privateKey,
        client_email: email,
        client_id: '100000000000000000001',
        auth_uri: `${url}/o/oauth2/auth`,
        token_uri: `${url}/token`,
        universe_domain: 'googleapis.com',
      };
    },
    reset() {
      secrets.clear();
      faults.length = 0;
      log.length = 0;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The subset of the list filter syntax the store uses: terms joined by spaces or AND, each
 * `labels.KEY=VALUE`, `labels.KEY:VALUE` (value may be double-quoted) or `labels.KEY:*`. Anything
 * else is INVALID_ARGUMENT, as the real API answers a filter it cannot parse.
 */
function parseFilter(filter: string): (secret: FakeSecret) => boolean {
  const terms = filter
    .split(/\s+(?:AND\s+)?/)
    .map((t) => t.trim())
    .filter((t) => t !== '' && t !== 'AND');
  const checks = terms.map((term) => {
    const m = /^labels\.([\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]*)([=:])(?:"([^"]*)"|([^\s"]*))$/u.exec(
      term,
    );
    if (m === null) throw new FakeHttpError(400, 'INVALID_ARGUMENT', `Invalid filter [${filter}].`);
    const [, key = '', op, quoted, bare] = m;
    const value = quoted ?? bare ?? '';
    return (secret: FakeSecret): boolean => {
      const actual = secret.labels[key];
      if (actual === undefined) return false;
      if (op === ':' && value === '*') return true;
      return op === '=' ? actual === value : actual.includes(value);
    };
  });
  return (secret) => checks.every((check) => check(secret));
}
