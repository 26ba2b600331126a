import type { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { usageError } from '../../errors.js';
import { importSdk, type StoreOptions } from '../registry.js';
import { GcpApiError } from './errors.js';

export interface GcpEndpoint {
  protocol: 'http' | 'https';
  host: string;
  port: number;
  /** for messages: `http://127.0.0.1:8085` */
  origin: string;
}

/** Where and as whom the store talks to Secret Manager; resolved before any request. */
export interface GcpTarget {
  projectId: string;
  /** the service-account email, when the credentials entry names it */
  identity: string | undefined;
  /** undefined: Google's own endpoint */
  endpoint: GcpEndpoint | undefined;
  /** the credentials entry without our own fields, passed to the SDK as `credentials` */
  credentials: Record<string, unknown> | undefined;
  /** GOOGLE_APPLICATION_CREDENTIALS from the store's environment, when there is no entry */
  keyFilename: string | undefined;
  /** strings that must never appear in an error (the private key) */
  confidential: string[];
}

const PROJECT_ID = /^[a-z0-9][a-z0-9.:-]{0,99}$/;

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

function parseEndpoint(raw: string, source: string): GcpEndpoint {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(
      'GCP_ENDPOINT_INVALID',
      `${source} is not a URL: ${raw}`,
      'Use the form https://HOST[:PORT] (or http://127.0.0.1:PORT for a local emulator).',
    );
  }
  const protocol =
    url.protocol === 'https:' ? 'https' : url.protocol === 'http:' ? 'http' : undefined;
  if (
    protocol === undefined ||
    (url.pathname !== '/' && url.pathname !== '') ||
    url.search !== '' ||
    url.username !== ''
  ) {
    throw usageError(
      'GCP_ENDPOINT_INVALID',
      `${source} must be http(s)://HOST[:PORT] with no path: ${raw}`,
      'Use the form https://HOST[:PORT] (or http://127.0.0.1:PORT for a local emulator).',
    );
  }
  if (protocol === 'http' && !isLoopback(url.hostname)) {
    throw usageError(
      'INSECURE_ENDPOINT',
      `${source} uses plain http:// for ${url.hostname}; plain http is accepted only for loopback addresses`,
      'Use https://, or 127.0.0.1 / ::1 / localhost for a local emulator.',
    );
  }
  // The port must reach the SDK on its own: in REST mode its default 443 overrides a `host:port`.
  const port = url.port === '' ? (protocol === 'https' ? 443 : 80) : Number(url.port);
  return { protocol, host: url.hostname, port, origin: url.origin };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function resolveGcpTarget(options: StoreOptions): GcpTarget {
  const entry = options.credentials;
  const env = options.processEnv;
  const where = `the ${options.env} entry of .tsdevstack/.credentials.gcp.json`;

  let credentials: Record<string, unknown> | undefined;
  if (entry !== undefined) {
    // `region` and `endpoint` are ours; the rest is the service-account key as downloaded.
    const key = Object.fromEntries(
      Object.entries(entry).filter(([field]) => field !== 'region' && field !== 'endpoint'),
    );
    for (const field of ['client_email', 'private_key'] as const) {
      if (text(key[field]) === undefined && (key.type ?? 'service_account') === 'service_account') {
        throw usageError(
          'GCP_CREDENTIALS_INVALID',
          `${where} has no ${field}`,
          'Paste the service-account key JSON as downloaded from the Cloud console into that entry.',
        );
      }
    }
    credentials = key;
  }

  const projectId =
    text(entry?.project_id) ?? text(env.GCP_PROJECT_ID) ?? text(env.GOOGLE_CLOUD_PROJECT);
  if (projectId === undefined) {
    throw usageError(
      'GCP_PROJECT_MISSING',
      entry === undefined
        ? 'no GCP project: set GCP_PROJECT_ID (or GOOGLE_CLOUD_PROJECT)'
        : `${where} has no project_id, and GCP_PROJECT_ID is not set`,
      'Use the service-account key JSON as downloaded (it carries project_id), or set GCP_PROJECT_ID.',
    );
  }
  if (!PROJECT_ID.test(projectId)) {
    throw usageError('GCP_PROJECT_INVALID', `"${projectId}" is not a GCP project id`);
  }

  const envEndpoint = text(env.GCP_SECRET_MANAGER_ENDPOINT);
  const entryEndpoint = text(entry?.endpoint);
  const endpoint =
    envEndpoint !== undefined
      ? parseEndpoint(envEndpoint, 'GCP_SECRET_MANAGER_ENDPOINT')
      : entryEndpoint !== undefined
        ? parseEndpoint(entryEndpoint, `endpoint in ${where}`)
        : undefined;

  const privateKey = text(entry?.private_key);
  return {
    projectId,
    identity: text(entry?.client_email),
    endpoint,
    credentials,
    keyFilename: entry === undefined ? text(env.GOOGLE_APPLICATION_CREDENTIALS) : undefined,
    confidential: privateKey === undefined ? [] : [privateKey],
  };
}

interface FetchResponse {
  ok: boolean;
  status: number;
  headers: Headers;
  arrayBuffer(): Promise<ArrayBuffer>;
}
type AuthFetch = (input: unknown, init?: Record<string, unknown>) => Promise<FetchResponse>;

/**
 * Two fixes on the auth client's fetch, which gax uses for every REST call:
 * - google-gax 5 lets gaxios throw on any non-2xx reply, so errors arrive as GaxiosError with
 *   `code` = HTTP status (research §3.3; fixed only in gax 6, Node 22). Accept every status and
 *   turn a non-2xx reply into a GcpApiError here: that also keeps Retry-After, which gax's own
 *   decoding drops, and survives a non-JSON body.
 * - A request timeout. gax's per-call deadline never reaches the request in REST mode, and
 *   gaxios's `timeout` is AbortSignal.any(signal, AbortSignal.timeout()), which on Node 20 stops
 *   firing once the garbage collector runs. A plain timer covers the whole exchange instead, body
 *   included (read here), so a server that stops answering cannot hang the command.
 */
function patchAuthFetch(auth: unknown, timeoutMs: number): void {
  const target = auth as { fetch: AuthFetch };
  const original = target.fetch.bind(target);
  target.fetch = async (input, init = {}) => {
    const controller = new AbortController();
    const outer = init.signal instanceof AbortSignal ? init.signal : undefined;
    const cancel = (): void => controller.abort(outer?.reason);
    if (outer?.aborted === true) cancel();
    outer?.addEventListener('abort', cancel, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const response = await original(input, {
        ...init,
        signal: controller.signal,
        validateStatus: () => true,
        // Secret Manager never redirects; following one would resend the bearer token elsewhere.
        redirect: 'error',
        maxRedirects: 0,
      });
      if (!response.ok) throw await GcpApiError.fromResponse(response);
      // Fine for the unary RPCs this store makes; a server-streaming RPC would need the stream.
      const body = await response.arrayBuffer();
      return new Response(response.status === 204 ? null : body, {
        status: response.status,
        headers: response.headers,
      });
    } catch (error) {
      if (!timedOut) throw error;
      throw Object.assign(new Error(`no response within ${String(timeoutMs)} ms`), {
        code: 'ETIMEDOUT',
      });
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', cancel);
    }
  };
}

/** How long one request may take before it counts as a lost connection (and is retried). */
export const REQUEST_TIMEOUT_MS = 30_000;

export async function connectGcp(
  target: GcpTarget,
  requestTimeoutMs = REQUEST_TIMEOUT_MS,
): Promise<SecretManagerServiceClient> {
  const sdk = await importSdk('gcp', () => import('@google-cloud/secret-manager'));
  const { endpoint } = target;
  const client = new sdk.SecretManagerServiceClient({
    // REST always, so the tests (against a plain-HTTP fake) cover what ships.
    fallback: true,
    projectId: target.projectId,
    ...(target.credentials === undefined ? {} : { credentials: target.credentials }),
    ...(target.keyFilename === undefined ? {} : { keyFilename: target.keyFilename }),
    ...(endpoint === undefined
      ? {}
      : { apiEndpoint: endpoint.host, port: endpoint.port, protocol: endpoint.protocol }),
  });
  patchAuthFetch(client.auth, requestTimeoutMs);
  return client;
}
