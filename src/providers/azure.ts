import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { secretExistsError, secretMetadata, SHARED_SCOPE } from '../core/cloud-naming.js';
import { failureError } from '../errors.js';
import { withRetry } from '../io/retry.js';
import {
  azureCliError,
  classifyAzureFailure,
  isDeletedButRecoverable,
  isForbidden,
  isNotFound,
  toAzureFailure,
} from './azure/failure.js';
import { observeIdentity } from './azure/identity.js';
import { AzureNames } from './azure/names.js';
import { loadAzureSdk, type SecretClient, type TokenCredential } from './azure/sdk.js';
import { resolveAzureTarget, type AzureTarget } from './azure/target.js';
import type { StoreOptions } from './registry.js';
import type {
  ListedSecret,
  RemoveAction,
  RemoveOptions,
  SecretRef,
  SecretStore,
  SetAction,
  SetOptions,
} from './secret-store.js';

/** Key Vault pages hold at most 25 secrets. */
const PAGE_SIZE = 25;
/** How long a soft delete or a recovery may take before we stop waiting. */
const POLL_LIMIT_MS = 120_000;

/** Azure Key Vault (SPEC §9.1): names map `_` to `-`, metadata and the original key in tags. */
export async function createAzureStore(options: StoreOptions): Promise<SecretStore> {
  const target = resolveAzureTarget(options);
  const sdk = await loadAzureSdk();
  const identity = observeIdentity(target);
  const base: TokenCredential =
    target.credential.kind === 'client-secret'
      ? new sdk.identity.ClientSecretCredential(
          target.credential.tenantId,
          target.credential.clientId,
          target.credential.clientSecret,
        )
      : new sdk.identity.DefaultAzureCredential();
  const client = new sdk.keyVault.SecretClient(target.vaultUrl, identity.wrap(base), {
    // SPEC §9.5: the one retry policy is ours.
    retryOptions: { maxRetries: 0 },
    // Without a per-request timeout a stalled vault hangs the command forever; a timeout is then
    // retried like a lost connection, within the retry policy's bounds.
    additionalPolicies: [
      { policy: requestTimeoutPolicy(requestTimeoutMs(options)), position: 'perCall' },
    ],
    ...(target.loopback
      ? { allowInsecureConnection: true, disableChallengeResourceVerification: true }
      : {}),
  });
  return new AzureStore(options, target, client, identity.describe);
}

/** 30 s, or TSDEVSTACK_REQUEST_TIMEOUT_MS (tests). */
function requestTimeoutMs(options: StoreOptions): number {
  const ms = Number(options.processEnv.TSDEVSTACK_REQUEST_TIMEOUT_MS);
  return Number.isInteger(ms) && ms > 0 ? ms : 30_000;
}

function requestTimeoutPolicy(timeoutMs: number): PipelinePolicy {
  return {
    name: 'tsdevstackRequestTimeout',
    sendRequest: (request, next) => {
      request.timeout = timeoutMs;
      return next(request);
    },
  };
}

class AzureStore implements SecretStore {
  readonly provider = 'azure';
  readonly description: string;
  private readonly names: AzureNames;
  private readonly pollIntervalMs: number;

  constructor(
    private readonly options: StoreOptions,
    private readonly target: AzureTarget,
    private readonly client: SecretClient,
    private readonly identity: () => string,
  ) {
    this.description = `azure (${target.vaultUrl})`;
    this.names = new AzureNames(options.project);
    this.pollIntervalMs = Math.min(1000, Math.max(1, options.retry.baseDelayMs * 2));
  }

  async list(): Promise<ListedSecret[]> {
    // The SDK's mapped pages drop their continuation token, so a failed page restarts the list.
    let listed: ListedSecret[];
    try {
      listed = await this.call('list secrets', async () => {
        const found: ListedSecret[] = [];
        const pages = this.client.listPropertiesOfSecrets().byPage({ maxPageSize: PAGE_SIZE });
        for await (const page of pages) {
          for (const properties of page) {
            const secret = this.names.fromTags(properties.name, properties.tags ?? {});
            if (secret) found.push({ ...secret, updatedAt: properties.updatedOn ?? null });
          }
        }
        return found;
      });
    } catch (error) {
      throw this.cliError('list secrets', error);
    }
    for (const secret of listed) this.names.remember(secret.name, secret);
    return listed;
  }

  async get(ref: SecretRef): Promise<string | undefined> {
    const name = this.names.nameOf(ref);
    const secret = await this.read(name);
    if (!secret) return undefined;
    this.names.claim(ref, secret.properties.name, secret.properties.tags);
    return secret.value ?? '';
  }

  async set(ref: SecretRef, value: string, options: SetOptions): Promise<SetAction> {
    const name = this.names.nameOf(ref, value);
    const current = await this.read(name);
    if (current) {
      this.names.claim(ref, current.properties.name, current.properties.tags);
      if (current.value === value) return 'unchanged';
      if (!options.overwrite) {
        throw secretExistsError(ref, this.options.env);
      }
    }
    const tags = secretMetadata(this.options.project, ref, options.kind);
    const write = (): Promise<unknown> =>
      this.call(`write ${name}`, () => this.client.setSecret(name, value, { tags }), [value]);
    try {
      await write();
    } catch (error) {
      if (!isDeletedButRecoverable(error)) throw this.cliError(`write ${name}`, error);
      await this.recover(ref, name);
      await write().catch((e: unknown) => {
        throw this.cliError(`write ${name}`, e);
      });
      this.names.remember(name, ref);
      return 'restored';
    }
    this.names.remember(name, ref);
    return current ? 'updated' : 'created';
  }

  async remove(ref: SecretRef, options: RemoveOptions): Promise<RemoveAction | undefined> {
    const name = this.names.nameOf(ref);
    const current = await this.read(name);
    if (current) {
      this.names.claim(ref, current.properties.name, current.properties.tags);
      await this.softDelete(name);
      this.names.forget(name);
      if (!options.purge) return 'deleted';
    } else {
      // Already soft-deleted: --purge still purges it (the way out when recovery is refused).
      if (!options.purge) return undefined;
      const deleted = await this.call(`read deleted ${name}`, () =>
        this.client.getDeletedSecret(name),
      ).catch((error: unknown) => {
        if (isNotFound(error)) return undefined;
        throw this.cliError(`read deleted ${name}`, error);
      });
      if (!deleted) return undefined;
      this.names.claim(ref, deleted.properties.name, deleted.properties.tags);
    }
    await this.call(`purge ${name}`, () => this.client.purgeDeletedSecret(name)).catch(
      (error: unknown) => {
        // A vault without soft delete has nothing left to purge.
        if (!isNotFound(error)) throw this.cliError(`purge ${name}`, error);
      },
    );
    return 'purged';
  }

  private async read(name: string) {
    try {
      return await this.call(`read ${name}`, () => this.client.getSecret(name));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw this.cliError(`read ${name}`, error);
    }
  }

  /** Soft delete, then wait until the vault lists it as deleted (a purge needs that). */
  private async softDelete(name: string): Promise<void> {
    let accepted = false;
    await this.call(`delete ${name}`, async () => {
      const resumeFrom = accepted
        ? JSON.stringify({ state: { name, isStarted: true } })
        : undefined;
      try {
        const poller = await this.client.beginDeleteSecret(name, {
          intervalInMs: this.pollIntervalMs,
          ...(resumeFrom ? { resumeFrom } : {}),
        });
        accepted = true;
        await poller.pollUntilDone({ abortSignal: AbortSignal.timeout(POLL_LIMIT_MS) });
      } catch (error) {
        // The DELETE went through and only its first status poll failed: poll on the next attempt.
        if ((error as { request?: { method?: string } }).request?.method === 'GET') accepted = true;
        throw error;
      }
    }).catch((error: unknown) => {
      if (!isNotFound(error)) throw this.cliError(`delete ${name}`, error);
    });
  }

  private async recover(ref: SecretRef, name: string): Promise<void> {
    try {
      await this.call(`recover ${name}`, async () => {
        const poller = await this.client.beginRecoverDeletedSecret(name, {
          intervalInMs: this.pollIntervalMs,
        });
        await poller.pollUntilDone({ abortSignal: AbortSignal.timeout(POLL_LIMIT_MS) });
      });
    } catch (error) {
      if (!isForbidden(error)) throw this.cliError(`recover ${name}`, error);
      const service = ref.scope === SHARED_SCOPE ? '' : ` --service ${ref.scope}`;
      throw failureError(
        'SECRET_SOFT_DELETED',
        `${ref.key} (${ref.scope}) is soft-deleted in Key Vault ${this.target.vaultUrl} as ${name}, and ${this.identity()} may not recover it`,
        `To reuse the name, purge the deleted secret: npx tsdevstack-secrets cloud-secrets:remove ${ref.key}${service} --env ${this.options.env} --provider azure --purge (or: az keyvault secret purge --vault-name ${this.target.vaultName} --name ${name})`,
        error,
      );
    }
  }

  /** One SDK call under the retry policy; failures arrive scrubbed (`values` and the client secret). */
  private call<T>(what: string, operation: () => Promise<T>, values: string[] = []): Promise<T> {
    const secrets =
      this.target.credential.kind === 'client-secret'
        ? [...values, this.target.credential.clientSecret]
        : values;
    return withRetry(
      `azure: ${what}`,
      async () => {
        try {
          return await operation();
        } catch (error) {
          throw toAzureFailure(error, secrets);
        }
      },
      classifyAzureFailure,
      this.options.retry,
    );
  }

  private cliError(what: string, error: unknown): Error {
    return azureCliError(error, {
      what,
      env: this.options.env,
      vaultUrl: this.target.vaultUrl,
      identity: this.identity,
    });
  }
}
