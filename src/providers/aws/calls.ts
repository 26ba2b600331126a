import { randomUUID } from 'node:crypto';
import type * as SdkModule from '@aws-sdk/client-secrets-manager';
import type {
  ListSecretsResponse,
  SecretsManagerClient,
  Tag,
} from '@aws-sdk/client-secrets-manager';
import { failureError, type CliError } from '../../errors.js';
import { withRetry, type RetryPolicy } from '../../io/retry.js';
import {
  classifyAwsError,
  isExists,
  isNotFound,
  isScheduledForDeletion,
  toCliError,
} from './errors.js';
import type { AwsTarget } from './target.js';

export type Sdk = typeof SdkModule;

/** What a read by exact name found. */
export type Current =
  { state: 'found'; arn: string; value: string } | { state: 'missing' } | { state: 'scheduled' };

/** The outcome of a call whose expected failures are answers, not errors. */
export type Outcome = 'done' | 'exists' | 'missing' | 'scheduled';

/**
 * The Secrets Manager calls the store makes, each under the one retry policy, each failure a
 * CliError scrubbed of the value. Names are resolved exactly: lookups use the friendly name
 * (never a partial ARN, which AWS misreads for names ending in `-` plus six characters, like
 * `acme-shared-DOMAIN`), every answer's Name is checked, and writes after a lookup address the
 * complete ARN it returned.
 */
export class AwsCalls {
  constructor(
    private readonly sdk: Sdk,
    private readonly client: SecretsManagerClient,
    private readonly target: AwsTarget,
    private readonly env: string,
    private readonly retry: RetryPolicy,
  ) {}

  async read(name: string): Promise<Current> {
    const out = await this.request(`reading ${name}`, () =>
      this.client.send(new this.sdk.GetSecretValueCommand({ SecretId: name })),
    );
    if (out === 'missing' || out === 'scheduled') return { state: out };
    if (out === 'exists') throw this.unexpected(name);
    const arn = this.checkResolved(name, out.Name, out.ARN);
    if (out.SecretString === undefined) {
      throw failureError(
        'SECRET_NOT_TEXT',
        `${name} in aws holds a binary value; this tool reads and writes text values only`,
      );
    }
    return { state: 'found', arn, value: out.SecretString };
  }

  /** The complete ARN and deletion state; undefined when there is no such secret. */
  async describe(name: string): Promise<{ arn: string; scheduled: boolean } | undefined> {
    const out = await this.request(`describing ${name}`, () =>
      this.client.send(new this.sdk.DescribeSecretCommand({ SecretId: name })),
    );
    if (out === 'missing') return undefined;
    if (typeof out === 'string') throw this.unexpected(name);
    return {
      arn: this.checkResolved(name, out.Name, out.ARN),
      scheduled: out.DeletedDate !== undefined,
    };
  }

  async create(name: string, value: string, tags: Tag[]): Promise<Outcome> {
    // One token for every attempt: a retried call that did land makes no second version.
    const token = randomUUID();
    const out = await this.request(
      `creating ${name}`,
      () =>
        this.client.send(
          new this.sdk.CreateSecretCommand({
            Name: name,
            SecretString: value,
            ClientRequestToken: token,
            Tags: tags,
          }),
        ),
      value,
    );
    return typeof out === 'string' ? out : 'done';
  }

  async put(arn: string, name: string, value: string): Promise<void> {
    const token = randomUUID();
    const out = await this.request(
      `writing ${name}`,
      () =>
        this.client.send(
          new this.sdk.PutSecretValueCommand({
            SecretId: arn,
            SecretString: value,
            ClientRequestToken: token,
          }),
        ),
      value,
    );
    if (typeof out === 'string') throw this.unexpected(name);
  }

  async tag(arn: string, name: string, tags: Tag[]): Promise<void> {
    const out = await this.request(`tagging ${name}`, () =>
      this.client.send(new this.sdk.TagResourceCommand({ SecretId: arn, Tags: tags })),
    );
    if (typeof out === 'string') throw this.unexpected(name);
  }

  async restore(arn: string, name: string): Promise<void> {
    const out = await this.request(`restoring ${name}`, () =>
      this.client.send(new this.sdk.RestoreSecretCommand({ SecretId: arn })),
    );
    if (typeof out === 'string') throw this.unexpected(name);
  }

  async delete(arn: string, name: string, force: boolean): Promise<Outcome> {
    const out = await this.request(`deleting ${name}`, () =>
      this.client.send(
        new this.sdk.DeleteSecretCommand(
          force
            ? { SecretId: arn, ForceDeleteWithoutRecovery: true }
            : { SecretId: arn, RecoveryWindowInDays: 7 },
        ),
      ),
    );
    return typeof out === 'string' ? out : 'done';
  }

  async listPage(
    what: string,
    filters: { Key: 'tag-key' | 'tag-value'; Values: string[] }[],
    token: string | undefined,
  ): Promise<ListSecretsResponse> {
    const out = await this.request(what, () =>
      this.client.send(
        new this.sdk.ListSecretsCommand({
          MaxResults: 100,
          Filters: filters,
          ...(token === undefined ? {} : { NextToken: token }),
        }),
      ),
    );
    if (typeof out === 'string') throw failureError('PROVIDER_ERROR', `aws: ${what}: ${out}`);
    return out;
  }

  /**
   * One SDK call under the retry policy. Not-found, already-exists and scheduled-for-deletion
   * come back as answers; every other failure becomes a CliError scrubbed of `value`.
   */
  private async request<T>(
    what: string,
    call: () => Promise<T>,
    value?: string,
  ): Promise<T | Exclude<Outcome, 'done'>> {
    try {
      return await withRetry(`aws: ${what}`, call, classifyAwsError, this.retry);
    } catch (error) {
      if (isNotFound(error)) return 'missing';
      if (isExists(error)) return 'exists';
      if (isScheduledForDeletion(error)) return 'scheduled';
      throw this.fail(error, what, value);
    }
  }

  fail(error: unknown, what: string, value?: string): CliError {
    return toCliError(error, {
      what,
      env: this.env,
      region: this.target.region,
      endpoint: this.target.endpoint,
      identity: this.target.identity,
      ...(value === undefined ? {} : { value }),
    });
  }

  private unexpected(name: string): CliError {
    return failureError(
      'PROVIDER_ERROR',
      `aws changed ${name} while this command was working on it; run the command again`,
    );
  }

  /** Refuses to act on a secret other than the one named: resolution is exact or nothing. */
  private checkResolved(
    name: string,
    gotName: string | undefined,
    arn: string | undefined,
  ): string {
    if (gotName !== name || arn === undefined) {
      throw failureError(
        'PROVIDER_ERROR',
        `aws answered a request for ${name} with ${gotName ?? 'an unnamed secret'}; nothing was changed`,
      );
    }
    return arn;
  }
}
