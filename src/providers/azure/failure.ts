import { scrubSecretText } from '../../core/scrub.js';
import { CliError, failureError } from '../../errors.js';
import { parseRetryAfter, type RetryVerdict } from '../../io/retry.js';

/**
 * An SDK failure reduced to what the adapter decides on, with its text scrubbed of values. The
 * SDK's RestError is not kept, not even as a cause: its non-enumerable `request` holds the PUT
 * body, i.e. the secret value.
 */
export class AzureFailure extends Error {
  override readonly name = 'AzureFailure';
  constructor(
    message: string,
    readonly details: {
      status?: number;
      /** `error.code` of the body, e.g. SecretNotFound, Conflict, Forbidden */
      code?: string;
      /** `error.innererror.code`, e.g. ObjectIsDeletedButRecoverable */
      innerCode?: string;
      /** a socket error code (ECONNRESET, ENOTFOUND …) */
      network?: string;
      retryAfterMs?: number;
      /** the credential could not produce a token */
      credential?: boolean;
      /** the poll deadline passed */
      timeout?: boolean;
    },
  ) {
    super(message);
  }
}

const RETRYABLE_NETWORK = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);
/** 409s that clear by themselves: a purge or a recovery still running (research §4.4). */
const TRANSIENT_CONFLICTS = new Set(['ObjectIsBeingDeleted', 'ObjectIsBeingRecovered']);
const CREDENTIAL_ERRORS = new Set([
  'CredentialUnavailableError',
  'AuthenticationError',
  'AggregateAuthenticationError',
  'AuthenticationRequiredError',
]);

interface RestErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  statusCode?: unknown;
  details?: { error?: { innerError?: { code?: unknown } } };
  response?: { headers?: { get(name: string): string | undefined } };
}

/** Provider text without any secret (see scrubSecretText), capped in length. */
export function scrub(text: string, secrets: readonly string[]): string {
  const out = scrubSecretText(text, secrets);
  return out.length > 400 ? `${out.slice(0, 400)}…` : out;
}

/** Reduces whatever the SDK threw; CliErrors pass through. */
export function toAzureFailure(error: unknown, secrets: readonly string[]): Error {
  if (error instanceof CliError || error instanceof AzureFailure) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as RestErrorLike;
  const name = typeof e.name === 'string' ? e.name : '';
  const code = typeof e.code === 'string' ? e.code : undefined;
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const rawMessage = typeof e.message === 'string' ? e.message : String(error);

  if (CREDENTIAL_ERRORS.has(name)) {
    return new AzureFailure(scrub(firstLines(rawMessage), secrets), { credential: true });
  }
  if (name === 'AbortError') return new AzureFailure('the operation timed out', { timeout: true });
  if (
    status === undefined &&
    code !== undefined &&
    /^E[A-Z_]+$|^UND_ERR|^REQUEST_SEND_ERROR$/.test(code)
  ) {
    return new AzureFailure(`network error ${code}`, { network: code });
  }
  const inner = e.details?.error?.innerError?.code;
  // A parse error's message quotes the response body, which for a get is the value itself.
  const message =
    code === 'PARSE_ERROR' ? 'the response could not be parsed' : scrub(rawMessage, secrets);
  return new AzureFailure(message, {
    status,
    code,
    innerCode: typeof inner === 'string' ? inner : undefined,
    retryAfterMs: retryAfterMs(e),
  });
}

function firstLines(text: string): string {
  return text.split('\n').slice(0, 6).join('\n');
}

function retryAfterMs(e: RestErrorLike): number | undefined {
  const headers = e.response?.headers;
  if (!headers) return undefined;
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const ms = Number(headers.get(name));
    if (headers.get(name) !== undefined && Number.isFinite(ms)) return Math.max(0, ms);
  }
  return parseRetryAfter(headers.get('retry-after'));
}

/** The retry policy's question (SPEC §9.5): 429, 408, 5xx, resets, and the self-clearing 409s. */
export function classifyAzureFailure(error: unknown): RetryVerdict {
  if (!(error instanceof AzureFailure)) return { retry: false };
  const { status, network, innerCode, retryAfterMs: afterMs } = error.details;
  if (network !== undefined) {
    return RETRYABLE_NETWORK.has(network)
      ? { retry: true, reason: `connection error ${network}` }
      : { retry: false };
  }
  if (status === 429) return { retry: true, afterMs, reason: 'HTTP 429 throttled' };
  if (
    status === 408 ||
    (status !== undefined && status >= 500 && status !== 501 && status !== 505)
  ) {
    return { retry: true, afterMs, reason: `HTTP ${String(status)}` };
  }
  if (status === 409 && innerCode !== undefined && TRANSIENT_CONFLICTS.has(innerCode)) {
    return { retry: true, afterMs, reason: `HTTP 409 ${innerCode}` };
  }
  return { retry: false };
}

export function isNotFound(error: unknown): boolean {
  return error instanceof AzureFailure && error.details.status === 404;
}

export function isDeletedButRecoverable(error: unknown): boolean {
  return (
    error instanceof AzureFailure &&
    error.details.status === 409 &&
    error.details.innerCode === 'ObjectIsDeletedButRecoverable'
  );
}

export function isForbidden(error: unknown): boolean {
  return error instanceof AzureFailure && error.details.status === 403;
}

export interface FailureContext {
  /** what was attempted, e.g. `write acme-shared-KEY` */
  what: string;
  env: string;
  vaultUrl: string;
  /** who the vault saw, e.g. `application 1111…`, when known */
  identity: () => string;
}

/** The CliError a user acts on (exit 3): permission, reachability, timeout, or the provider's text. */
export function azureCliError(error: unknown, context: FailureContext): CliError {
  if (error instanceof CliError) return error;
  const where = `Key Vault ${context.vaultUrl} (environment "${context.env}")`;
  if (!(error instanceof AzureFailure)) {
    return failureError('PROVIDER_ERROR', `azure: ${context.what} failed at ${where}`);
  }
  const { status, code, innerCode, network, credential, timeout } = error.details;
  if (credential) {
    return failureError(
      'AUTHENTICATION_FAILED',
      `azure: could not get a token for ${where} with ${context.identity()}: ${error.message}`,
      'Check the service principal in .tsdevstack/.credentials.azure.json, or sign in (az login) / configure a managed identity for DefaultAzureCredential.',
      error,
    );
  }
  if (status === 401 || status === 403) {
    return failureError(
      'PERMISSION_DENIED',
      `azure: ${context.identity()} may not ${context.what} in ${where} (HTTP ${String(status)}${innerCode ? ` ${innerCode}` : ''}): ${error.message}`,
      'Grant this identity the "Key Vault Secrets Officer" role on the vault (or an access policy with get, list, set, delete, recover and purge on secrets).',
      error,
    );
  }
  if (network !== undefined) {
    return failureError(
      'PROVIDER_UNREACHABLE',
      `azure: cannot reach ${where} (${network})`,
      'Check the vault name or URL and your network connection.',
      error,
    );
  }
  if (timeout) {
    return failureError(
      'PROVIDER_TIMEOUT',
      `azure: ${context.what} did not finish in time in ${where}`,
      'Key Vault is still working on it; run the command again in a minute.',
      error,
    );
  }
  const label = [status === undefined ? undefined : `HTTP ${String(status)}`, code, innerCode]
    .filter(Boolean)
    .join(' ');
  return failureError(
    'PROVIDER_ERROR',
    `azure: ${context.what} failed in ${where}${label ? ` (${label})` : ''}: ${error.message}`,
    undefined,
    error,
  );
}
