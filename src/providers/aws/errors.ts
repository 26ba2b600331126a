import { scrubSecretText } from '../../core/scrub.js';
import { CliError, ExitCode, failureError } from '../../errors.js';
import { parseRetryAfter, type RetryVerdict } from '../../io/retry.js';

/** The parts of an SDK (or network) error this store looks at. */
interface AwsErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
]);
const TRANSIENT = new Set([
  'InternalServiceError',
  'InternalFailure',
  'ServiceUnavailable',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);
const CONNECTION = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);
const DENIED = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'InvalidClientTokenId',
  'ExpiredTokenException',
  'ExpiredToken',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
]);

function shape(error: unknown): AwsErrorShape {
  return typeof error === 'object' && error !== null ? error : {};
}

function nameOf(error: unknown): string {
  const name = shape(error).name;
  return typeof name === 'string' ? name : '';
}

function messageOf(error: unknown): string {
  const message = shape(error).message;
  return typeof message === 'string' ? message : String(error);
}

export function isNotFound(error: unknown): boolean {
  return nameOf(error) === 'ResourceNotFoundException';
}

export function isExists(error: unknown): boolean {
  return nameOf(error) === 'ResourceExistsException';
}

/** get, put and create on a name scheduled for deletion fail this way (research §2.3). */
export function isScheduledForDeletion(error: unknown): boolean {
  return (
    nameOf(error) === 'InvalidRequestException' &&
    /(marked|scheduled) for deletion/i.test(messageOf(error))
  );
}

/** The retry classifier: throttling, 429, 5xx and connection resets; Retry-After honoured. */
export function classifyAwsError(error: unknown): RetryVerdict {
  const { $metadata, $response, code } = shape(error);
  const name = nameOf(error);
  const status = $metadata?.httpStatusCode;
  const afterMs = parseRetryAfter($response?.headers?.['retry-after']);
  const retry = (reason: string): RetryVerdict =>
    afterMs === undefined ? { retry: true, reason } : { retry: true, reason, afterMs };
  if (THROTTLING.has(name) || status === 429) return retry(`throttled: ${name || 'HTTP 429'}`);
  if (TRANSIENT.has(name) || (status !== undefined && status >= 500)) {
    return retry(
      `${name || 'server error'}${status === undefined ? '' : ` (HTTP ${String(status)})`}`,
    );
  }
  if (typeof code === 'string' && CONNECTION.has(code)) return retry(`connection failed: ${code}`);
  return { retry: false };
}

export interface FailureContext {
  /** e.g. `writing acme-shared-DOMAIN` */
  what: string;
  env: string;
  region: string;
  endpoint: string | undefined;
  identity: string;
  /** the value being written, scrubbed from every message */
  value?: string;
}

/** Any failure of an SDK call as a CliError whose text never contains the value. */
export function toCliError(error: unknown, context: FailureContext): CliError {
  if (error instanceof CliError) {
    return new CliError({
      code: error.code,
      message: scrubValue(error.message, context.value),
      hint: error.hint,
      exitCode: error.exitCode,
      cause: safeCause(error.cause, context.value),
    });
  }
  const name = nameOf(error);
  const detail = `${name === '' ? '' : `${name}: `}${scrubValue(messageOf(error), context.value)}`;
  const cause = safeCause(error, context.value);
  const where = `environment "${context.env}" (aws ${context.region})`;

  if (DENIED.has(name) || shape(error).$metadata?.httpStatusCode === 403) {
    // AWS names the caller in AccessDenied messages; that beats our guess from the config.
    const seen = /\barn:aws[\w-]*:(?:iam|sts)::\d{12}:[^\s,]+/.exec(messageOf(error))?.[0];
    const identity = seen === undefined ? context.identity : `${seen} (${context.identity})`;
    return new CliError({
      code: 'PERMISSION_DENIED',
      message: `aws refused ${context.what} for ${identity} in ${where}: ${detail}`,
      hint: /Expired/.test(name)
        ? 'The session token has expired: refresh the credentials (for example `aws sso login`) and run the command again.'
        : /Unrecognized|Signature|ClientTokenId|Authentication/.test(name)
          ? `AWS does not accept these credentials: check the access key and secret key for "${context.env}" in .tsdevstack/.credentials.aws.json, or the AWS environment variables and profile.`
          : 'Grant this identity the Secrets Manager actions it needs (GetSecretValue, CreateSecret, PutSecretValue, DescribeSecret, ListSecrets, TagResource, DeleteSecret, RestoreSecret) on the project secrets, or use another identity.',
      exitCode: ExitCode.failure,
      cause,
    });
  }
  if (name === 'CredentialsProviderError') {
    return failureError(
      'CREDENTIALS_MISSING',
      `no AWS credentials found for ${where}: ${detail}`,
      `Add "${context.env}" to .tsdevstack/.credentials.aws.json, or set AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or AWS_PROFILE.`,
      cause,
    );
  }
  const code = shape(error).code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND') {
    return failureError(
      'PROVIDER_UNREACHABLE',
      `aws could not be reached for ${context.what} in ${where}${context.endpoint === undefined ? '' : ` at ${context.endpoint}`}: ${detail}`,
      'Check the network and the endpoint (AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_ENDPOINT_URL, or "endpoint" in the credentials file).',
      cause,
    );
  }
  return failureError(
    'PROVIDER_ERROR',
    `aws failed ${context.what} in ${where}: ${detail}`,
    undefined,
    cause,
  );
}

/**
 * The text with every occurrence of the value (as is, JSON-escaped, and each longer line of it)
 * replaced. A short value cannot be replaced without mangling ordinary words, so a text that
 * contains one is withheld entirely.
 */
export function scrubValue(text: string, value: string | undefined): string {
  return scrubSecretText(text, [value]);
}

/** The error to keep as `cause` (shown with --debug): the original unless it holds the value. */
function safeCause(error: unknown, value: string | undefined): unknown {
  if (value === undefined || value === '' || error === undefined) return error;
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const text = `${messageOf(error)}\n${stack}`;
  if (scrubValue(text, value) === text) return error;
  const safe = new Error(scrubValue(messageOf(error), value));
  safe.name = nameOf(error) || 'Error';
  return safe;
}
