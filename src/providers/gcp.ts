import type { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import {
  checkSecretLimits,
  cloudSecretName,
  PROVIDER_LIMITS,
  secretExistsError,
} from '../core/cloud-naming.js';
import { failureError, usageError } from '../errors.js';
import { withRetry } from '../io/retry.js';
import { connectGcp, resolveGcpTarget, type GcpTarget } from './gcp/connection.js';
import { classifyGcpFailure, GcpFailure, toGcpCliError, toGcpFailure } from './gcp/errors.js';
import { crc32c, gcpSecretMetadata, listedSecret, projectFilter } from './gcp/metadata.js';
import type { StoreOptions } from './registry.js';
import type {
  ListedSecret,
  RemoveAction,
  SecretRef,
  SecretStore,
  SetAction,
  SetOptions,
} from './secret-store.js';

/**
 * Per call: the SDK's own retries off (SPEC §9.5; by default AccessSecretVersion retries at a 2 s
 * initial delay), so withRetry is the only policy. gax 5 skips its retry wrapper for
 * `retry: null`; `maxRetries: 0` would crash on methods with no retry settings. (A per-call
 * `timeout` would be ignored in REST mode: the request timeout lives in connection.ts.)
 */
const CALL = { retry: null } as const;
const PAGE_SIZE = 500;
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export async function createGcpStore(options: StoreOptions): Promise<SecretStore> {
  const target = resolveGcpTarget(options);
  const client = await connectGcp(target);
  return new GcpStore(options, target, client);
}

class GcpStore implements SecretStore {
  readonly provider = 'gcp';
  readonly description: string;
  private readonly parent: string;

  constructor(
    private readonly options: StoreOptions,
    private readonly target: GcpTarget,
    private readonly client: SecretManagerServiceClient,
  ) {
    this.parent = `projects/${target.projectId}`;
    const via = target.endpoint === undefined ? '' : ` via ${target.endpoint.origin}`;
    this.description = `gcp (project ${target.projectId}${via})`;
  }

  async list(): Promise<ListedSecret[]> {
    const what = `listing the secrets of ${this.options.project}`;
    const filter = projectFilter(this.options.project);
    const found: ListedSecret[] = [];
    try {
      let pageToken: string | undefined;
      do {
        const request = { parent: this.parent, pageSize: PAGE_SIZE, pageToken, filter };
        const [secrets, next] = await this.call(what, () =>
          this.client.listSecrets(request, { ...CALL, autoPaginate: false }),
        );
        for (const secret of secrets) {
          const listed = listedSecret(this.options.project, secret);
          if (listed !== undefined) found.push(listed);
        }
        pageToken = next?.pageToken ?? undefined;
      } while (pageToken !== undefined && pageToken !== '');
    } catch (error) {
      throw await this.fail(error, what);
    }
    return found;
  }

  async get(ref: SecretRef): Promise<string | undefined> {
    const name = this.secretName(ref, undefined);
    try {
      return await this.readLatest(name, ref);
    } catch (error) {
      throw await this.fail(error, `reading ${this.describe(ref)}`);
    }
  }

  async set(ref: SecretRef, value: string, options: SetOptions): Promise<SetAction> {
    const name = this.secretName(ref, value);
    const what = `writing ${this.describe(ref)}`;
    try {
      const current = await this.readLatest(name, ref);
      if (current === value) return 'unchanged';
      if (current !== undefined && !options.overwrite) {
        throw secretExistsError(ref, this.options.env);
      }
      if (current === undefined) {
        const { labels, annotations } = gcpSecretMetadata(this.options.project, ref, options.kind);
        const request = {
          parent: this.parent,
          secretId: name,
          secret: { replication: { automatic: {} }, labels, annotations },
        };
        try {
          await this.call(what, () => this.client.createSecret(request, CALL));
        } catch (error) {
          if (!(error instanceof GcpFailure && error.kind === 'already-exists')) throw error;
          // Either an earlier run stopped between create and add (no version yet: adding it is
          // all that is left), or another run created it since we looked: then its value wins
          // unless --overwrite, exactly as if it had been there first.
          const raced = await this.readLatest(name, ref);
          if (raced === value) return 'unchanged';
          if (raced !== undefined && !options.overwrite) {
            throw secretExistsError(ref, this.options.env);
          }
        }
      }
      const data = Buffer.from(value, 'utf8');
      const request = {
        parent: `${this.parent}/secrets/${name}`,
        payload: { data, dataCrc32c: crc32c(data) },
      };
      await this.call(what, () => this.client.addSecretVersion(request, CALL), [value]);
      return current === undefined ? 'created' : 'updated';
    } catch (error) {
      throw await this.fail(error, what);
    }
  }

  async remove(ref: SecretRef): Promise<RemoveAction | undefined> {
    const name = this.secretName(ref, undefined);
    try {
      // GCP has no soft delete: the secret and all its versions go at once.
      const request = { name: `${this.parent}/secrets/${name}` };
      await this.call(`removing ${this.describe(ref)}`, () =>
        this.client.deleteSecret(request, CALL),
      );
      return 'deleted';
    } catch (error) {
      if (error instanceof GcpFailure && error.kind === 'not-found') return undefined;
      throw await this.fail(error, `removing ${this.describe(ref)}`);
    }
  }

  /** The latest version's value; undefined when the secret does not exist or has no version. */
  private async readLatest(name: string, ref: SecretRef): Promise<string | undefined> {
    const request = { name: `${this.parent}/secrets/${name}/versions/latest` };
    let version;
    try {
      [version] = await this.call(`reading ${this.describe(ref)}`, () =>
        this.client.accessSecretVersion(request, CALL),
      );
    } catch (error) {
      if (error instanceof GcpFailure && error.kind === 'not-found') return undefined;
      throw error;
    }
    const payload = version.payload;
    const data =
      typeof payload?.data === 'string'
        ? Buffer.from(payload.data, 'base64')
        : (payload?.data ?? new Uint8Array());
    // int64 arrives as a string; CRC32C fits in 32 bits, so Number() is exact.
    const expected = payload?.dataCrc32c;
    if (expected !== undefined && expected !== null && Number(expected) !== crc32c(data)) {
      throw failureError(
        'GCP_CHECKSUM_MISMATCH',
        `${this.describe(ref)}: the value read from GCP does not match its CRC32C checksum`,
        'Run the command again; if it persists, the stored version is damaged.',
      );
    }
    try {
      return UTF8.decode(data);
    } catch {
      throw failureError(
        'SECRET_NOT_UTF8',
        `${this.describe(ref)}: the value stored in GCP is not valid UTF-8`,
        'Set it again with cloud-secrets:set.',
      );
    }
  }

  /** An SDK call under the one retry policy; failures leave as scrubbed GcpFailures. */
  private call<T>(
    what: string,
    operation: () => Promise<T>,
    values: readonly string[] = [],
  ): Promise<T> {
    const confidential = [...values, ...this.target.confidential];
    return withRetry(
      what,
      async () => {
        try {
          return await operation();
        } catch (error) {
          throw toGcpFailure(error, confidential);
        }
      },
      classifyGcpFailure,
      this.options.retry,
    );
  }

  /**
   * The error to throw: CliErrors as they are, SDK failures as CliErrors naming the environment
   * and identity; anything else is a bug in this adapter and stays as it is (cli.ts says so).
   */
  private async fail(error: unknown, what: string): Promise<unknown> {
    if (!(error instanceof GcpFailure)) return error;
    return toGcpCliError(error, what, {
      env: this.options.env,
      projectId: this.target.projectId,
      endpoint: this.target.endpoint?.origin ?? 'https://secretmanager.googleapis.com',
      identity: await this.identity(error),
    });
  }

  /** The service-account email: from the credentials entry, else asked of the SDK when it matters. */
  private async identity(error: GcpFailure): Promise<string | undefined> {
    if (this.target.identity !== undefined) return this.target.identity;
    if (error.kind !== 'permission-denied' && error.kind !== 'unauthenticated') return undefined;
    const lookup = this.client.auth.getCredentials().then(
      (credentials) => credentials.client_email,
      () => undefined,
    );
    const timeout = new Promise<undefined>((resolve) => {
      setTimeout(() => resolve(undefined), 1000).unref();
    });
    return Promise.race([lookup, timeout]);
  }

  /** The GCP secret id, with the name (and value) checked against GCP's limits before any request. */
  private secretName(ref: SecretRef, value: string | undefined): string {
    const name = cloudSecretName('gcp', this.options.project, ref);
    const nameProblem = checkSecretLimits('gcp', name, undefined);
    if (nameProblem !== undefined) {
      throw usageError(
        'NAME_INVALID',
        nameProblem,
        'Keys and service names may use letters, digits, "_" and "-".',
      );
    }
    const valueProblem = value === undefined ? undefined : checkSecretLimits('gcp', name, value);
    if (valueProblem === undefined) return name;
    throw value === ''
      ? usageError(
          'VALUE_EMPTY',
          `${this.describe(ref)}: ${valueProblem}`,
          'Give a value; to delete the secret, use cloud-secrets:remove.',
        )
      : usageError(
          'VALUE_TOO_LARGE',
          `${this.describe(ref)}: ${valueProblem}`,
          `Store a smaller value (at most ${String(PROVIDER_LIMITS.gcp.maxValueBytes)} bytes of UTF-8).`,
        );
  }

  private describe(ref: SecretRef): string {
    return `${ref.scope}/${ref.key}`;
  }
}
