import { scrubSecretText } from '../../core/scrub.js';
import { CliError, failureError } from '../../errors.js';
import { parseRetryAfter, type RetryVerdict } from '../../io/retry.js';

/** gRPC status names as Secret Manager puts them in `error.status`, and their codes. */
const GRPC_CODES: Record<string, number> = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
};

/** https://cloud.google.com/apis/design/errors: the gRPC code a bare HTTP status stands for. */
const HTTP_TO_GRPC: Record<number, number> = {
  400: 3,
  401: 16,
  403: 7,
  404: 5,
  409: 6,
  429: 8,
  499: 1,
  500: 13,
  501: 12,
  503: 14,
  504: 4,
};

function grpcCodeFromHttp(status: number): number {
  return HTTP_TO_GRPC[status] ?? (status >= 500 ? 14 : 2);
}

/**
 * A non-2xx reply, decoded by the patched auth fetch (see connection.ts) instead of google-gax 5,
 * which in REST mode hands back a GaxiosError whose `code` is the HTTP status. Carries the gRPC
 * code, the HTTP status and Retry-After, and survives a non-JSON body (a proxy's HTML 502).
 */
export class GcpApiError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly httpStatus: number,
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
    this.name = 'GcpApiError';
  }

  static async fromResponse(response: {
    status: number;
    headers: { get(name: string): string | null };
    arrayBuffer(): Promise<ArrayBuffer>;
  }): Promise<GcpApiError> {
    const text = new TextDecoder().decode(
      await response.arrayBuffer().catch(() => new ArrayBuffer(0)),
    );
    let status: string | undefined;
    let message = text.replace(/\s+/g, ' ').trim().slice(0, 300);
    try {
      const body = JSON.parse(text) as { error?: { status?: unknown; message?: unknown } };
      if (typeof body.error?.status === 'string') status = body.error.status;
      if (typeof body.error?.message === 'string') message = body.error.message;
    } catch {
      // not JSON: keep the (trimmed) text
    }
    const code =
      status !== undefined && status in GRPC_CODES
        ? (GRPC_CODES[status] ?? 2)
        : grpcCodeFromHttp(response.status);
    const label = status ?? `HTTP ${String(response.status)}`;
    return new GcpApiError(
      `${label}: ${message || '(no message)'}`,
      code,
      response.status,
      parseRetryAfter(response.headers.get('retry-after')),
    );
  }
}

export type GcpFailureKind =
  | 'not-found'
  | 'already-exists'
  | 'throttled'
  | 'transient'
  | 'connection'
  | 'unreachable'
  | 'permission-denied'
  | 'unauthenticated'
  | 'other';

/**
 * Any error of an SDK call, normalised and scrubbed: no request config, no payload, no value in
 * the text. The store only ever rethrows these (or CliErrors built from them), so a secret value
 * cannot ride along in an error's `cause`.
 */
export class GcpFailure extends Error {
  constructor(
    message: string,
    readonly kind: GcpFailureKind,
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
    this.name = 'GcpFailure';
  }
}

const RESET_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH']);

function kindOf(grpc: number | undefined, http: number | undefined): GcpFailureKind {
  if (grpc === 5 || (grpc === undefined && http === 404)) return 'not-found';
  if (grpc === 6 || (grpc === undefined && http === 409)) return 'already-exists';
  if (grpc === 8 || (grpc === undefined && http === 429)) return 'throttled';
  if (grpc === 7 || (grpc === undefined && http === 403)) return 'permission-denied';
  if (grpc === 16 || (grpc === undefined && http === 401)) return 'unauthenticated';
  // UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED, INTERNAL (HTTP 500) and any other 5xx are transient.
  if (grpc === 14 || grpc === 4 || grpc === 10 || grpc === 13) return 'transient';
  if (http !== undefined && http >= 500 && http !== 501) return 'transient';
  return 'other';
}

/** Node's network error code, looked for on the error and its causes (gaxios wraps fetch's). */
function networkCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 4; depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (RESET_CODES.has(code) || UNREACHABLE_CODES.has(code))) {
      return code;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Provider text without any secret (see scrubSecretText). */
export function scrub(text: string, secrets: readonly string[]): string {
  return scrubSecretText(text, secrets);
}

export function toGcpFailure(error: unknown, secrets: readonly string[]): GcpFailure {
  if (error instanceof GcpFailure) return error;
  const raw = error instanceof Error ? error.message : String(error);
  const message = scrub(raw, secrets).slice(0, 500);
  if (error instanceof GcpApiError) {
    return new GcpFailure(message, kindOf(error.code, error.httpStatus), error.retryAfterMs);
  }
  const net = networkCode(error);
  if (net !== undefined) {
    // gaxios says `request to <the whole URL> failed, reason: socket hang up`: keep the reason.
    const reason = /reason: (.*)$/s.exec(message)?.[1] ?? message;
    const kind = RESET_CODES.has(net) ? 'connection' : 'unreachable';
    return new GcpFailure(reason.includes(net) ? reason : `${reason} (${net})`, kind, undefined);
  }
  // A GoogleError (code 0-16), or a GaxiosError (`code` or `status` the HTTP status) should the
  // fetch patch ever not be in the path, e.g. a token endpoint refusing the key.
  const { code, status, response } = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    status?: unknown;
    response?: { status?: unknown };
  };
  const grpc = typeof code === 'number' && code < 100 ? code : undefined;
  const httpCandidate =
    typeof status === 'number' ? status : typeof code === 'number' ? code : response?.status;
  const http =
    typeof httpCandidate === 'number' && httpCandidate >= 100 ? httpCandidate : undefined;
  let kind = kindOf(grpc, http);
  // No usable credentials: none found (ADC), refused by the token endpoint, or a private key
  // OpenSSL cannot read.
  const unusable =
    /default credentials|invalid_grant|invalid_client/i.test(raw) ||
    (typeof code === 'string' && code.startsWith('ERR_OSSL'));
  if (kind === 'other' && unusable) kind = 'unauthenticated';
  return new GcpFailure(message, kind, undefined);
}

/** The one retry policy's view of a GcpFailure: throttling, transient errors and resets retry. */
export function classifyGcpFailure(error: unknown): RetryVerdict {
  if (!(error instanceof GcpFailure)) return { retry: false };
  switch (error.kind) {
    case 'throttled':
      return { retry: true, afterMs: error.retryAfterMs, reason: `throttled: ${error.message}` };
    case 'transient':
      return { retry: true, afterMs: error.retryAfterMs, reason: `unavailable: ${error.message}` };
    case 'connection':
      return { retry: true, reason: `connection lost: ${error.message}` };
    default:
      return { retry: false };
  }
}

export interface GcpErrorContext {
  env: string;
  projectId: string;
  endpoint: string;
  /** the service-account email, when known */
  identity: string | undefined;
}

/** Any error leaving the store, as a CliError (exit 3) that names the environment and identity. */
export function toGcpCliError(error: unknown, what: string, context: GcpErrorContext): CliError {
  if (error instanceof CliError) return error;
  const failure = error instanceof GcpFailure ? error : toGcpFailure(error, []);
  const cause = new Error(failure.message);
  const who = context.identity ?? 'the default credentials (ADC)';
  const where = `GCP project ${context.projectId} (environment ${context.env})`;
  switch (failure.kind) {
    case 'permission-denied':
      return failureError(
        'PERMISSION_DENIED',
        `${what}: permission denied for ${who} on ${where}: ${failure.message}`,
        `Grant ${who} the Secret Manager Admin role (roles/secretmanager.admin) on ${context.projectId}, or check the ${context.env} entry of .tsdevstack/.credentials.gcp.json.`,
        cause,
      );
    case 'unauthenticated':
      return failureError(
        'AUTHENTICATION_FAILED',
        `${what}: could not authenticate as ${who} to ${where}: ${failure.message}`,
        `Check the ${context.env} entry of .tsdevstack/.credentials.gcp.json (a service-account key as downloaded), or run: gcloud auth application-default login`,
        cause,
      );
    case 'unreachable':
      return failureError(
        'PROVIDER_UNREACHABLE',
        `${what}: cannot reach GCP Secret Manager at ${context.endpoint}: ${failure.message}`,
        'Check the network, or GCP_SECRET_MANAGER_ENDPOINT / the endpoint in the credentials entry.',
        cause,
      );
    default:
      return failureError(
        'PROVIDER_ERROR',
        `${what}: GCP Secret Manager failed for ${where}: ${failure.message}`,
        undefined,
        cause,
      );
  }
}
