// A wire-protocol test server for AWS Secrets Manager (AWS JSON 1.1), driven by the real SDK in
// tests. It models what the store relies on and what tends to go wrong: scheduled deletion,
// exact name resolution (complete ARNs, partial ARNs, and the "name ending in -XXXXXX" trap),
// prefix-matching list filters, echoing validation errors, throttling and other faults.
// Signatures are never checked. See research/cloud-sdk-wire.md §2.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type AwsOperation =
  | 'CreateSecret'
  | 'PutSecretValue'
  | 'GetSecretValue'
  | 'DescribeSecret'
  | 'ListSecrets'
  | 'DeleteSecret'
  | 'RestoreSecret'
  | 'TagResource';

/**
 * - `throttle`: ThrottlingException (HTTP 400, or `status: 429`), optional Retry-After
 * - `accessDenied`: AccessDeniedException naming the caller's (fake) IAM identity
 * - `expiredToken`: ExpiredTokenException
 * - `internal`: InternalServiceError, HTTP 500
 * - `reset`: the connection is destroyed without a response
 * - `validation`: ValidationException echoing the request's SecretString, as AWS does
 */
export type FaultKind =
  'throttle' | 'accessDenied' | 'expiredToken' | 'internal' | 'reset' | 'validation';

export interface FaultOptions {
  /** HTTP status for `throttle` (400 as AWS sends it, or 429) */
  status?: number;
  /** a Retry-After header value */
  retryAfter?: string;
}

export interface LoggedRequest {
  op: string;
  body: Record<string, unknown>;
  /** the access key id from the SigV4 Authorization header */
  accessKeyId: string | undefined;
}

export interface FakeSecret {
  name: string;
  arn: string;
  tags: { Key: string; Value: string }[];
  versions: { id: string; value: string; created: number }[];
  createdDate: number;
  lastChangedDate: number;
  /** set while scheduled for deletion */
  deletedDate: number | undefined;
}

export interface SeedOptions {
  tags?: Record<string, string>;
  /** the six characters AWS appends to the ARN; random when omitted */
  arnSuffix?: string;
  /** seed it as already scheduled for deletion */
  scheduledForDeletion?: boolean;
}

export interface AwsFakeOptions {
  /** the largest ListSecrets page this fake returns (AWS caps MaxResults at 100) */
  pageSize?: number;
  region?: string;
  accountId?: string;
}

class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const NAME_PATTERN = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SUFFIX_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const notFound = () =>
  new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
const markedForDeletion = () =>
  new AwsError(
    'InvalidRequestException',
    "You can't perform this operation on the secret because it was marked for deletion.",
  );

export class AwsFakeState {
  /** by name; force-deleted secrets are gone, scheduled ones stay with `deletedDate` */
  readonly secrets = new Map<string, FakeSecret>();
  pageSize: number;

  constructor(
    readonly region: string,
    readonly accountId: string,
    pageSize: number,
  ) {
    this.pageSize = pageSize;
  }

  /** Stores a secret directly, e.g. one the original tool made (no `original-key` tag). */
  seed(name: string, value: string, options: SeedOptions = {}): FakeSecret {
    const secret = this.create(name, value, tagList(options.tags ?? {}), options.arnSuffix);
    if (options.scheduledForDeletion === true) secret.deletedDate = now();
    return secret;
  }

  /** the current value, or undefined; scheduled secrets still have one */
  value(name: string): string | undefined {
    return this.secrets.get(name)?.versions.at(-1)?.value;
  }

  reset(): void {
    this.secrets.clear();
  }

  create(name: string, value: string, tags: FakeSecret['tags'], arnSuffix?: string): FakeSecret {
    const suffix =
      arnSuffix ?? [...randomBytes(6)].map((b) => SUFFIX_CHARS[b % SUFFIX_CHARS.length]).join('');
    const t = now();
    const secret: FakeSecret = {
      name,
      arn: `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${name}-${suffix}`,
      tags,
      versions: [{ id: randomUUID(), value, created: t }],
      createdDate: t,
      lastChangedDate: t,
      deletedDate: undefined,
    };
    this.secrets.set(name, secret);
    return secret;
  }

  /**
   * A SecretId as AWS resolves it: a friendly name exactly (a name that includes the ARN suffix
   * is not found); a complete ARN exactly; a partial ARN (no suffix) when it matches exactly one
   * secret — except that a partial ARN ending in `-` plus six characters is taken as a complete
   * ARN, the documented trap of names like `acme-shared-DOMAIN`.
   */
  resolve(secretId: unknown): FakeSecret | undefined {
    if (typeof secretId !== 'string')
      throw new AwsError('InvalidParameterException', 'SecretId is required.');
    if (!secretId.startsWith('arn:')) return this.secrets.get(secretId);
    const all = [...this.secrets.values()];
    const complete = all.find((s) => s.arn === secretId);
    if (complete !== undefined || /-[A-Za-z0-9]{6}$/.test(secretId)) return complete;
    const partial = all.filter((s) => s.arn.slice(0, -7) === secretId);
    if (partial.length > 1) {
      throw new AwsError(
        'InvalidParameterException',
        'The partial ARN matches more than one secret.',
      );
    }
    return partial[0];
  }
}

export interface AwsFake {
  url: string;
  state: AwsFakeState;
  log: LoggedRequest[];
  /** Makes the next `times` requests of `op` ('*' for any) fail with `kind`. */
  failNext(op: AwsOperation | '*', kind: FaultKind, times?: number, options?: FaultOptions): void;
  /** the logged requests of one operation */
  requests(op: AwsOperation): LoggedRequest[];
  /** Forgets every secret, logged request and pending fault. */
  reset(): void;
  close(): Promise<void>;
}

interface PendingFault {
  op: string;
  kind: FaultKind;
  remaining: number;
  options: FaultOptions;
}

export async function startAwsFake(options: AwsFakeOptions = {}): Promise<AwsFake> {
  const state = new AwsFakeState(
    options.region ?? 'us-east-1',
    options.accountId ?? '123456789012',
    options.pageSize ?? 100,
  );
  const log: LoggedRequest[] = [];
  const faults: PendingFault[] = [];

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      send(
        res,
        500,
        { __type: 'InternalServiceError', message: String(error) },
        'InternalServiceError',
      );
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.startsWith('secretsmanager.') ? target.slice('secretsmanager.'.length) : '';
    const accessKeyId = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
    let body: Record<string, unknown>;
    try {
      body = raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
    } catch {
      return sendError(res, new AwsError('SerializationException', 'Invalid JSON body.'));
    }
    log.push({ op, body, accessKeyId });
    if (req.method !== 'POST' || req.url !== '/' || op === '') {
      return sendError(
        res,
        new AwsError('UnknownOperationException', `Unknown operation ${target}`),
      );
    }

    const fault = faults.find((f) => f.remaining > 0 && (f.op === '*' || f.op === op));
    if (fault !== undefined) {
      fault.remaining -= 1;
      return sendFault(req, res, fault, body, accessKeyId, op);
    }
    try {
      send(res, 200, dispatch(op, body));
    } catch (error) {
      if (error instanceof AwsError) return sendError(res, error);
      throw error;
    }
  }

  function sendFault(
    req: IncomingMessage,
    res: ServerResponse,
    fault: PendingFault,
    body: Record<string, unknown>,
    accessKeyId: string | undefined,
    op: string,
  ): void {
    if (fault.options.retryAfter !== undefined)
      res.setHeader('retry-after', fault.options.retryAfter);
    const identity = `arn:aws:iam::${state.accountId}:user/${accessKeyId ?? 'anonymous'}`;
    switch (fault.kind) {
      case 'reset':
        req.socket.destroy();
        return;
      case 'throttle':
        return sendError(
          res,
          new AwsError('ThrottlingException', 'Rate exceeded', fault.options.status ?? 400),
        );
      case 'accessDenied':
        return sendError(
          res,
          new AwsError(
            'AccessDeniedException',
            `User: ${identity} is not authorized to perform: secretsmanager:${op} on resource: ${text(body.SecretId ?? body.Name ?? '*')} because no identity-based policy allows the secretsmanager:${op} action`,
          ),
        );
      case 'expiredToken':
        return sendError(
          res,
          new AwsError(
            'ExpiredTokenException',
            'The security token included in the request is expired',
          ),
        );
      case 'internal':
        return sendError(
          res,
          new AwsError('InternalServiceError', 'An internal error occurred.', 500),
        );
      case 'validation':
        return sendError(
          res,
          new AwsError(
            'ValidationException',
            `1 validation error detected: Value '${text(body.SecretString ?? '')}' at 'secretString' failed to satisfy constraint: Member must satisfy the service's rules`,
          ),
        );
    }
  }

  function dispatch(op: string, body: Record<string, unknown>): unknown {
    switch (op) {
      case 'CreateSecret':
        return createSecret(body);
      case 'PutSecretValue':
        return putSecretValue(body);
      case 'GetSecretValue': {
        const secret = live(body.SecretId);
        const version = secret.versions.at(-1)!;
        return {
          ARN: secret.arn,
          Name: secret.name,
          VersionId: version.id,
          SecretString: version.value,
          VersionStages: ['AWSCURRENT'],
          CreatedDate: version.created,
        };
      }
      case 'DescribeSecret': {
        const secret = state.resolve(body.SecretId);
        if (secret === undefined) throw notFound();
        return describe(secret);
      }
      case 'ListSecrets':
        return listSecrets(body);
      case 'DeleteSecret':
        return deleteSecret(body);
      case 'RestoreSecret': {
        const secret = state.resolve(body.SecretId);
        if (secret === undefined) throw notFound();
        secret.deletedDate = undefined;
        secret.lastChangedDate = now();
        return { ARN: secret.arn, Name: secret.name };
      }
      case 'TagResource': {
        const secret = live(body.SecretId);
        for (const tag of (body.Tags ?? []) as FakeSecret['tags']) {
          secret.tags = [...secret.tags.filter((t) => t.Key !== tag.Key), tag];
        }
        secret.lastChangedDate = now();
        return {};
      }
      default:
        throw new AwsError('UnknownOperationException', `Unknown operation ${op}`);
    }
  }

  function live(secretId: unknown): FakeSecret {
    const secret = state.resolve(secretId);
    if (secret === undefined) throw notFound();
    if (secret.deletedDate !== undefined) throw markedForDeletion();
    return secret;
  }

  function checkValue(body: Record<string, unknown>): string {
    const value = body.SecretString;
    if (typeof value !== 'string' || value === '' || Buffer.byteLength(value) > 65_536) {
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value '${text(value)}' at 'secretString' failed to satisfy constraint: Member must have length between 1 and 65536`,
      );
    }
    return value;
  }

  function createSecret(body: Record<string, unknown>): unknown {
    const name = body.Name;
    if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
      throw new AwsError('ValidationException', `Invalid name: ${text(name)}`);
    }
    const value = checkValue(body);
    const existing = state.secrets.get(name);
    if (existing?.deletedDate !== undefined) {
      throw new AwsError(
        'InvalidRequestException',
        "You can't create this secret because a secret with this name is already scheduled for deletion.",
      );
    }
    if (existing !== undefined) {
      throw new AwsError(
        'ResourceExistsException',
        `The operation failed because the secret ${name} already exists.`,
      );
    }
    const secret = state.create(name, value, (body.Tags ?? []) as FakeSecret['tags']);
    if (typeof body.ClientRequestToken === 'string')
      secret.versions[0]!.id = body.ClientRequestToken;
    return { ARN: secret.arn, Name: secret.name, VersionId: secret.versions[0]!.id };
  }

  function putSecretValue(body: Record<string, unknown>): unknown {
    const secret = live(body.SecretId);
    const value = checkValue(body);
    const token =
      typeof body.ClientRequestToken === 'string' ? body.ClientRequestToken : randomUUID();
    const same = secret.versions.find((v) => v.id === token);
    if (same !== undefined && same.value !== value) {
      throw new AwsError(
        'ResourceExistsException',
        'A version with this ClientRequestToken already exists with a different value.',
      );
    }
    if (same === undefined) {
      secret.versions.push({ id: token, value, created: now() });
      secret.lastChangedDate = now();
    }
    return { ARN: secret.arn, Name: secret.name, VersionId: token, VersionStages: ['AWSCURRENT'] };
  }

  function deleteSecret(body: Record<string, unknown>): unknown {
    const force = body.ForceDeleteWithoutRecovery === true;
    const window = body.RecoveryWindowInDays;
    if (force && window !== undefined) {
      throw new AwsError(
        'InvalidParameterException',
        "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
      );
    }
    if (window !== undefined && (typeof window !== 'number' || window < 7 || window > 30)) {
      throw new AwsError(
        'InvalidParameterException',
        'The RecoveryWindowInDays value must be between 7 and 30 days.',
      );
    }
    const secret = state.resolve(body.SecretId);
    if (secret === undefined) {
      // AWS answers a forced delete of a missing secret with success, not ResourceNotFound.
      if (force) return { Name: text(body.SecretId), DeletionDate: now() };
      throw notFound();
    }
    if (force) {
      state.secrets.delete(secret.name);
      return { ARN: secret.arn, Name: secret.name, DeletionDate: now() };
    }
    if (secret.deletedDate !== undefined) throw markedForDeletion();
    secret.deletedDate = now();
    return {
      ARN: secret.arn,
      Name: secret.name,
      DeletionDate: secret.deletedDate + (typeof window === 'number' ? window : 30) * 86_400,
    };
  }

  function listSecrets(body: Record<string, unknown>): unknown {
    const maxResults = body.MaxResults ?? 100;
    if (typeof maxResults !== 'number' || maxResults < 1 || maxResults > 100) {
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value '${text(maxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100`,
      );
    }
    const filters = (body.Filters ?? []) as { Key: string; Values: string[] }[];
    const matching = [...state.secrets.values()]
      .filter((s) => body.IncludePlannedDeletion === true || s.deletedDate === undefined)
      .filter((s) => filters.every((f) => f.Values.some((v) => matchesFilter(s, f.Key, v))));
    const start = typeof body.NextToken === 'string' ? decodeToken(body.NextToken) : 0;
    const end = start + Math.min(maxResults, state.pageSize);
    return {
      SecretList: matching.slice(start, end).map(describe),
      ...(end < matching.length
        ? { NextToken: Buffer.from(`page:${String(end)}`).toString('base64') }
        : {}),
    };
  }

  function describe(secret: FakeSecret): unknown {
    return {
      ARN: secret.arn,
      Name: secret.name,
      Tags: secret.tags,
      CreatedDate: secret.createdDate,
      LastChangedDate: secret.lastChangedDate,
      ...(secret.deletedDate === undefined ? {} : { DeletedDate: secret.deletedDate }),
      VersionIdsToStages: Object.fromEntries(
        secret.versions.map((v, i) => [
          v.id,
          i === secret.versions.length - 1 ? ['AWSCURRENT'] : [],
        ]),
      ),
    };
  }

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });

  return {
    url: `http://127.0.0.1:${String(port)}`,
    state,
    log,
    failNext(op, kind, times = 1, faultOptions = {}) {
      faults.push({ op, kind, remaining: times, options: faultOptions });
    },
    requests: (op) => log.filter((r) => r.op === op),
    reset() {
      state.reset();
      log.length = 0;
      faults.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** AWS list filters match by prefix (case-sensitive for names and tags); `!` negates. */
function matchesFilter(secret: FakeSecret, key: string, value: string): boolean {
  const negate = value.startsWith('!');
  const prefix = negate ? value.slice(1) : value;
  let hit: boolean;
  switch (key) {
    case 'name':
      hit = secret.name.startsWith(prefix);
      break;
    case 'tag-key':
      hit = secret.tags.some((t) => t.Key.startsWith(prefix));
      break;
    case 'tag-value':
      hit = secret.tags.some((t) => t.Value.startsWith(prefix));
      break;
    default:
      throw new AwsError('InvalidParameterException', `Unsupported filter key ${key}`);
  }
  return negate ? !hit : hit;
}

function decodeToken(token: string): number {
  const match = /^page:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'));
  if (match === null)
    throw new AwsError('InvalidNextTokenException', 'The NextToken value is invalid.');
  return Number(match[1]);
}

function tagList(tags: Record<string, string>): FakeSecret['tags'] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** A request field as AWS would quote it in a message. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function now(): number {
  return Date.now() / 1000;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendError(res: ServerResponse, error: AwsError): void {
  send(res, error.status, { __type: error.code, message: error.message }, error.code);
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/x-amz-json-1.1');
  res.setHeader('x-amzn-requestid', randomUUID());
  if (errorType !== undefined) res.setHeader('x-amzn-errortype', errorType);
  res.end(text);
}
