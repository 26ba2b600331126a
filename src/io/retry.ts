import { failureError } from '../errors.js';

/**
 * The one retry policy of every store (SPEC §9.5): SDK retries are off, so throttling and
 * transient failures are retried here only, up to 5 attempts with exponential backoff from 250 ms
 * and full jitter, honouring Retry-After, at most 30 s in all. TSDEVSTACK_RETRY_BASE_MS lowers the
 * base delay for tests.
 */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxTotalMs: number;
  /** injectable for tests: resolves after `ms` */
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export type RetryVerdict =
  /** not retryable: rethrow as is */
  | { retry: false }
  /** throttled or transient; `afterMs` from Retry-After when the provider sent one */
  | { retry: true; afterMs?: number; reason: string };

export function retryPolicyFromEnv(env: Readonly<Record<string, string | undefined>>): RetryPolicy {
  const base = Number(env.TSDEVSTACK_RETRY_BASE_MS);
  return {
    maxAttempts: 5,
    baseDelayMs:
      Number.isFinite(base) && base >= 0 && env.TSDEVSTACK_RETRY_BASE_MS !== '' ? base : 250,
    maxTotalMs: 30_000,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
  };
}

/**
 * Runs `operation`, retrying while `classify` says so. When the attempts or the time budget run
 * out, fails with RETRIES_EXHAUSTED (exit 3) naming what was tried and the last reason.
 */
export async function withRetry<T>(
  what: string,
  operation: () => Promise<T>,
  classify: (error: unknown) => RetryVerdict,
  policy: RetryPolicy,
): Promise<T> {
  let waited = 0;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      const verdict = classify(error);
      if (!verdict.retry) throw error;
      const backoff = policy.random() * policy.baseDelayMs * 2 ** (attempt - 1);
      const delay = Math.max(verdict.afterMs ?? 0, backoff);
      if (attempt >= policy.maxAttempts || waited + delay > policy.maxTotalMs) {
        throw failureError(
          'RETRIES_EXHAUSTED',
          `${what}: gave up after ${String(attempt)} attempt${attempt === 1 ? '' : 's'} (${verdict.reason})`,
          'The provider is throttling or unavailable. Wait a little and run the command again; it resumes where it stopped.',
          error,
        );
      }
      waited += delay;
      await policy.sleep(delay);
    }
  }
}

/** Seconds or an HTTP date, as in a Retry-After header; undefined when absent or unreadable. */
export function parseRetryAfter(
  value: string | null | undefined,
  now = Date.now(),
): number | undefined {
  if (value === undefined || value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
