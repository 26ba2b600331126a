import { Socket } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { secretMetadata } from '../src/core/cloud-naming.js';
import { CliError } from '../src/errors.js';
import type { RetryPolicy } from '../src/io/retry.js';
import { createAzureStore } from '../src/providers/azure.js';
import { openStore, type StoreOptions } from '../src/providers/registry.js';
import type { SecretRef, SecretStore, SetOptions } from '../src/providers/secret-store.js';
import { startAzureFake, type AzureFake, type AzureFakeOptions } from './fakes/azure-key-vault.js';
import { describeStoreContract } from './support/store-contract.js';

const CREATE: SetOptions = { kind: 'user', overwrite: false };
const OVERWRITE: SetOptions = { kind: 'user', overwrite: true };
const APP_ID = '0a0b0c0d-1111-2222-3333-444455556666';
const IDENTITY_HEADER = 'azure-store-test-identity-header';
const shared = (key: string): SecretRef => ({ key, scope: 'shared' });

/**
 * The real credential chain, narrowed to managed identity (App Service flavour) served by the fake:
 * DefaultAzureCredential reads these from process.env, so they are set for the whole file. Every
 * fake accepts the same identity header and every fake's tokens (MSAL caches tokens process-wide).
 */
const IDENTITY_ENV = {
  AZURE_TOKEN_CREDENTIALS: 'ManagedIdentityCredential',
  IDENTITY_HEADER,
  IDENTITY_ENDPOINT: '',
};
const savedEnv: Record<string, string | undefined> = {};

let fake: AzureFake;
const extraFakes: AzureFake[] = [];

/**
 * No real network, ever: every socket this process opens must go to loopback. A connection
 * elsewhere (IMDS at 169.254.169.254, login.microsoftonline.com) is refused and recorded.
 */
const outbound: string[] = [];
// eslint-disable-next-line @typescript-eslint/unbound-method -- restored in afterAll, called with apply
const realConnect = Socket.prototype.connect;
function guardedConnect(this: Socket, ...args: unknown[]): Socket {
  const first: unknown = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  const options = (typeof first === 'object' && first !== null ? first : {}) as {
    host?: string;
    port?: unknown;
  };
  // connect(port, host?) or connect({ host, port }); a Unix socket path has neither
  const host =
    typeof first === 'number'
      ? typeof args[1] === 'string'
        ? args[1]
        : 'localhost'
      : options.port !== undefined || options.host !== undefined
        ? (options.host ?? 'localhost')
        : undefined;
  if (host !== undefined && !['127.0.0.1', 'localhost', '::1'].includes(host)) {
    outbound.push(host);
    this.destroy(new Error(`test guard: connection to ${host} refused`));
    return this;
  }
  return (realConnect as (...a: unknown[]) => Socket).apply(this, args);
}

beforeAll(async () => {
  Socket.prototype.connect = guardedConnect;
  fake = await startAzureFake({ identityHeader: IDENTITY_HEADER, appId: APP_ID });
  for (const [name, value] of Object.entries({
    ...IDENTITY_ENV,
    IDENTITY_ENDPOINT: fake.identityEndpoint,
  })) {
    savedEnv[name] = process.env[name];
    process.env[name] = value;
  }
});

afterAll(async () => {
  Socket.prototype.connect = realConnect;
  expect(outbound, 'non-loopback connections').toEqual([]);
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await Promise.all([fake, ...extraFakes].map((f) => f.close()));
});

/** Records the waits the retry policy asks for; the sleeps themselves are instant. */
function recordingRetry(overrides: Partial<RetryPolicy> = {}): RetryPolicy & { waits: number[] } {
  const waits: number[] = [];
  return {
    maxAttempts: 5,
    baseDelayMs: 2,
    maxTotalMs: 30_000,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    ...overrides,
    waits,
  };
}

function storeOptions(vault: AzureFake, overrides: Partial<StoreOptions> = {}): StoreOptions {
  return {
    project: 'acme-shop',
    env: 'dev',
    root: '/nonexistent-project-root',
    credentials: undefined,
    processEnv: { AZURE_KEYVAULT_URL: vault.url },
    retry: recordingRetry(),
    ...overrides,
  };
}

async function startExtraFake(options: AzureFakeOptions): Promise<AzureFake> {
  const extra = await startAzureFake({
    identityHeader: IDENTITY_HEADER,
    appId: APP_ID,
    ...options,
  });
  extraFakes.push(extra);
  return extra;
}

async function refusalOf(promise: Promise<unknown>): Promise<CliError> {
  const outcome = await promise.then(
    () => new Error('expected a refusal, but the call succeeded'),
    (error: unknown) => error,
  );
  if (!(outcome instanceof CliError)) throw outcome;
  return outcome;
}

/** Everything an error could show: message, hint, JSON, and a deep inspect of the cause chain. */
function everythingIn(error: unknown): string {
  return [
    String(error),
    (error as CliError).hint ?? '',
    JSON.stringify(error),
    inspect(error, { depth: 20, showHidden: true }),
  ].join('\n');
}

const vaultRequests = (vault: AzureFake) => vault.log.filter((r) => r.op !== 'token');

// First in the file, while MSAL's process-wide token cache is still empty.
describe('azure store: the real challenge flow', () => {
  beforeEach(() => fake.state.reset());

  it('a credential that gets no token is AUTHENTICATION_FAILED (exit 3), naming the environment', async () => {
    fake.failNext('token', 'forbidden');
    const store = await createAzureStore(storeOptions(fake));
    const error = await refusalOf(store.get(shared('ANY')));
    expect({ code: error.code, exitCode: error.exitCode }).toEqual({
      code: 'AUTHENTICATION_FAILED',
      exitCode: 3,
    });
    expect(error.message).toContain('environment "dev"');
    expect(error.message).toContain('ManagedIdentityCredential');
    expect(vaultRequests(fake).map((r) => r.status)).toEqual([401]);
  });

  it('answers the 401 challenge with a managed-identity token from the default chain', async () => {
    const store = await createAzureStore(storeOptions(fake));
    expect(store.description).toBe(`azure (${fake.url})`);
    expect(await store.set(shared('STRIPE_API_KEY'), 'sk_test_challenge', CREATE)).toBe('created');

    const [token] = fake.log.filter((r) => r.op === 'token');
    expect(token).toMatchObject({ method: 'GET', path: '/msi/token', status: 200 });
    expect(token?.query).toMatchObject({
      'api-version': '2019-08-01',
      resource: 'https://vault.azure.net',
    });
    const requests = vaultRequests(fake);
    // without a token first, challenged; then the same read with the token; then the write
    expect(requests.map((r) => [r.method, r.op, r.status, r.authorized])).toEqual([
      ['GET', 'get', 401, false],
      ['GET', 'get', 404, true],
      ['PUT', 'set', 200, true],
    ]);
    expect(requests[0]?.path).toBe('/secrets/acme-shop-shared-STRIPE-API-KEY/');
    expect(requests.every((r) => r.query['api-version'] === '2025-07-01')).toBe(true);
    expect(fake.state.value('acme-shop-shared-STRIPE-API-KEY')).toBe('sk_test_challenge');
    expect(fake.state.tags('acme-shop-shared-STRIPE-API-KEY')).toEqual(
      secretMetadata('acme-shop', shared('STRIPE_API_KEY'), 'user'),
    );
  });

  it("the fake: a new client's first PUT arrives without its body, and is resent whole", async () => {
    const { SecretClient } = await import('@azure/keyvault-secrets');
    const response = await fetch(`${fake.identityEndpoint}?api-version=2019-08-01&resource=x`, {
      headers: { 'X-IDENTITY-HEADER': IDENTITY_HEADER },
    });
    const { access_token: token } = (await response.json()) as { access_token: string };
    const client = new SecretClient(
      fake.url,
      { getToken: () => Promise.resolve({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) },
      { allowInsecureConnection: true, disableChallengeResourceVerification: true },
    );
    await client.setSecret('direct', 'direct-value');
    expect(
      vaultRequests(fake).map((r) => [r.op, r.status, r.authorized, r.bodyLength > 0]),
    ).toEqual([
      ['set', 401, false, false],
      ['set', 200, true, true],
    ]);
    expect(fake.state.value('DIRECT')).toBe('direct-value');
  });
});

describeStoreContract(
  'azure (real SDK and credential chain, against the wire-protocol fake)',
  async () => {
    fake.state.reset();
    return {
      store: await openStore('azure', storeOptions(fake)),
      otherProject: await openStore('azure', storeOptions(fake, { project: 'other-shop' })),
      requestCount: () => fake.log.length,
      cleanup: () => {
        fake.state.reset();
        return Promise.resolve();
      },
    };
  },
);

describe('azure store: names, tags and listing', () => {
  let store: SecretStore;
  beforeEach(async () => {
    fake.state.reset();
    store = await createAzureStore(storeOptions(fake));
  });

  it('refuses a key differing only in case from an original-tool secret (no original-key tag)', async () => {
    fake.state.seed('acme-shop-shared-LEG2-KEY', 'legacy-value', {
      'project-name': 'acme-shop',
      'service-name': 'shared',
      'managed-by': 'tsdevstack',
      'secret-type': 'user',
    });
    const refusal = await refusalOf(store.remove(shared('leg2_key'), {}));
    expect(refusal).toMatchObject({ code: 'SECRET_NAME_COLLISION', exitCode: 2 });
    await expect(
      store.set(shared('leg2_key'), 'x', { kind: 'user', overwrite: true }),
    ).rejects.toMatchObject({
      code: 'SECRET_NAME_COLLISION',
    });
    expect(fake.state.value('acme-shop-shared-LEG2-KEY')).toBe('legacy-value');
    // the key the legacy name really stands for still works
    expect(await store.get(shared('LEG2_KEY'))).toBe('legacy-value');
  });

  it('lists across several pages (absolute nextLink), filtering on project-name client-side', async () => {
    const paged = await startExtraFake({ pageSize: 2 });
    const pagedStore = await createAzureStore(storeOptions(paged));
    const ours = ['ONE', 'TWO', 'THREE', 'FOUR', 'FIVE'].map((k) => shared(`KEY_${k}`));
    for (const ref of ours) {
      paged.state.seed(`acme-shop-shared-${ref.key.replaceAll('_', '-')}`, `v-${ref.key}`, {
        ...secretMetadata('acme-shop', ref, 'framework'),
      });
    }
    paged.state.seed(
      'other-shop-shared-KEY-ONE',
      'theirs',
      secretMetadata('other-shop', shared('KEY_ONE'), 'user'),
    );
    paged.state.seed('unrelated-secret', 'not ours');
    // made by the original tool: no original-key tag, mapped back from the name
    paged.state.seed('acme-shop-auth-service-DB-AUTH-PASSWORD', 'legacy', {
      'project-name': 'acme-shop',
      'service-name': 'auth-service',
      'managed-by': 'tsdevstack',
      'secret-type': 'framework',
    });
    paged.log.length = 0;

    const listed = await pagedStore.list();
    expect(listed.map((s) => `${s.scope}/${s.key}`).sort()).toEqual(
      ['auth-service/DB_AUTH_PASSWORD', ...ours.map((r) => `shared/${r.key}`)].sort(),
    );
    const legacy = listed.find((s) => s.scope === 'auth-service');
    expect(legacy).toMatchObject({
      name: 'acme-shop-auth-service-DB-AUTH-PASSWORD',
      kind: 'framework',
    });
    expect(listed.every((s) => s.updatedAt instanceof Date)).toBe(true);
    // 8 secrets in pages of 2: 4 authorized list requests (after one challenge), no value reads
    const lists = paged.log.filter((r) => r.op === 'list' && r.authorized);
    expect(lists).toHaveLength(4);
    expect(lists.slice(1).every((r) => r.query.$skiptoken !== undefined)).toBe(true);
    expect(paged.log.filter((r) => r.op === 'get')).toEqual([]);
    expect(JSON.stringify(listed)).not.toContain('v-KEY_ONE');
  });

  it('maps _ to - in the name and keeps the key in the original-key tag', async () => {
    await store.set({ key: 'DB_AUTH_SERVICE_PASSWORD', scope: 'auth-service' }, 'pw-1', {
      kind: 'framework',
      overwrite: false,
    });
    expect(fake.state.names()).toEqual(['acme-shop-auth-service-DB-AUTH-SERVICE-PASSWORD']);
    expect(fake.state.tags('acme-shop-auth-service-DB-AUTH-SERVICE-PASSWORD')).toEqual({
      'project-name': 'acme-shop',
      'service-name': 'auth-service',
      'managed-by': 'tsdevstack',
      'secret-type': 'framework',
      'original-key': 'DB_AUTH_SERVICE_PASSWORD',
    });
  });

  it('an identical value writes no new version', async () => {
    await store.set(shared('SAME'), 'same-1', CREATE);
    expect(await store.set(shared('SAME'), 'same-1', OVERWRITE)).toBe('unchanged');
    expect(fake.state.versionCount('acme-shop-shared-SAME')).toBe(1);
    expect(fake.log.filter((r) => r.op === 'set')).toHaveLength(1);
  });

  it('two keys that map to one Azure name are refused (exit 2), before any write', async () => {
    expect(await store.set(shared('a_b'), 'lower-value', CREATE)).toBe('created');

    // A fresh store learns it from the vault: one read, no write.
    const fresh = await createAzureStore(storeOptions(fake));
    fake.log.length = 0;
    const error = await refusalOf(fresh.set(shared('A_B'), 'upper-value', OVERWRITE));
    expect({ code: error.code, exitCode: error.exitCode }).toEqual({
      code: 'SECRET_NAME_COLLISION',
      exitCode: 2,
    });
    expect(error.message).toContain('a_b');
    expect(error.message).toContain('A_B');
    expect(fake.log.filter((r) => r.op === 'set')).toEqual([]);

    // A store that has seen the name refuses with no request at all, for every operation.
    for (const known of [store, fresh]) {
      fake.log.length = 0;
      for (const attempt of [
        known.set(shared('A_B'), 'upper-value', OVERWRITE),
        known.get(shared('A_B')),
        known.remove(shared('A_B'), { purge: true }),
      ]) {
        expect((await refusalOf(attempt)).code).toBe('SECRET_NAME_COLLISION');
      }
      expect(fake.log).toEqual([]);
    }
    // So does one that has listed the vault.
    const listing = await createAzureStore(storeOptions(fake));
    await listing.list();
    fake.log.length = 0;
    expect((await refusalOf(listing.set(shared('A_B'), 'x-value', CREATE))).code).toBe(
      'SECRET_NAME_COLLISION',
    );
    expect(fake.log).toEqual([]);
    expect(fake.state.value('acme-shop-shared-a-b')).toBe('lower-value');
  });

  it('refuses what Azure cannot store before any request: over 25,000 bytes, over 127 characters', async () => {
    fake.log.length = 0;
    const large = await refusalOf(store.set(shared('BIG'), 'é'.repeat(12_501), CREATE));
    expect({ code: large.code, exitCode: large.exitCode }).toEqual({
      code: 'VALUE_TOO_LARGE',
      exitCode: 2,
    });
    const long = await refusalOf(store.get(shared('K'.repeat(118))));
    expect({ code: long.code, exitCode: long.exitCode }).toEqual({
      code: 'NAME_INVALID',
      exitCode: 2,
    });
    expect(fake.log).toEqual([]);
  });
});

describe('azure store: soft delete, recovery and purge', () => {
  let store: SecretStore;
  beforeEach(async () => {
    fake.state.reset();
    store = await createAzureStore(storeOptions(fake));
  });

  it('remove soft-deletes (deleted); set on the soft-deleted name recovers it, then writes (restored)', async () => {
    await store.set(shared('PHOENIX'), 'first-life', CREATE);
    expect(await store.remove(shared('PHOENIX'), {})).toBe('deleted');
    expect(fake.state.isSoftDeleted('acme-shop-shared-PHOENIX')).toBe(true);
    expect(await store.get(shared('PHOENIX'))).toBeUndefined();

    fake.log.length = 0;
    expect(await store.set(shared('PHOENIX'), 'second-life', CREATE)).toBe('restored');
    expect(await store.get(shared('PHOENIX'))).toBe('second-life');
    expect(fake.log.map((r) => `${r.op} ${r.status}`)).toEqual([
      'get 404', // does it exist?
      'set 409', // ObjectIsDeletedButRecoverable
      'get 404', // the recover poller checks first
      'recover 200',
      'get 200', // recovered
      'set 200',
      'get 200', // the test's read
    ]);
  });

  it('recovery refused: exit 3 with the command that purges it; that command frees the name', async () => {
    await store.set({ key: 'API_KEY', scope: 'offers-service' }, 'old-value', CREATE);
    await store.remove({ key: 'API_KEY', scope: 'offers-service' }, {});
    fake.failNext('recover', 'forbidden');
    const error = await refusalOf(
      store.set({ key: 'API_KEY', scope: 'offers-service' }, 'new-value', CREATE),
    );
    expect({ code: error.code, exitCode: error.exitCode }).toEqual({
      code: 'SECRET_SOFT_DELETED',
      exitCode: 3,
    });
    expect(error.message).toContain('acme-shop-offers-service-API-KEY');
    expect(error.message).toContain(`application ${APP_ID}`);
    expect(error.hint).toContain(
      'cloud-secrets:remove API_KEY --service offers-service --env dev --provider azure --purge',
    );
    expect(error.hint).toContain('az keyvault secret purge --vault-name 127');

    // The suggested command: remove --purge of a soft-deleted name purges it.
    expect(await store.remove({ key: 'API_KEY', scope: 'offers-service' }, { purge: true })).toBe(
      'purged',
    );
    expect(fake.state.isSoftDeleted('acme-shop-offers-service-API-KEY')).toBe(false);
    expect(await store.set({ key: 'API_KEY', scope: 'offers-service' }, 'new-value', CREATE)).toBe(
      'created',
    );
  });

  it('remove with purge waits for the soft delete, purges, and the name is reusable despite purge lag', async () => {
    const lagging = await startExtraFake({ deleteLagPolls: 3, purgeLagRequests: 2 });
    const retry = recordingRetry();
    const lagStore = await createAzureStore(storeOptions(lagging, { retry }));
    await lagStore.set(shared('GONE'), 'value-1', CREATE);
    lagging.log.length = 0;

    expect(await lagStore.remove(shared('GONE'), { purge: true })).toBe('purged');
    expect(lagging.log.map((r) => `${r.op} ${r.status}`)).toEqual([
      'get 200',
      'delete 200',
      'getDeleted 404',
      'getDeleted 404',
      'getDeleted 404',
      'getDeleted 200',
      'purge 204',
    ]);
    expect(await lagStore.remove(shared('GONE'), { purge: true })).toBeUndefined();

    // Purging is asynchronous in Key Vault: 409 ObjectIsBeingDeleted is retried.
    lagging.log.length = 0;
    expect(await lagStore.set(shared('GONE'), 'value-2', CREATE)).toBe('created');
    expect(lagging.log.filter((r) => r.op === 'set').map((r) => r.status)).toEqual([409, 409, 200]);
    expect(retry.waits).toHaveLength(2);
  });

  it('a failed status poll after an accepted delete is polled again, not deleted again', async () => {
    await store.set(shared('ONCE'), 'value-1', CREATE);
    fake.failNext('getDeleted', 'throttle');
    expect(await store.remove(shared('ONCE'), { purge: true })).toBe('purged');
    expect(fake.log.filter((r) => r.op === 'delete')).toHaveLength(1);
    expect(fake.state.names()).toEqual([]);
  });

  it('remove of a missing key is undefined, with or without purge', async () => {
    expect(await store.remove(shared('NEVER'), {})).toBeUndefined();
    expect(await store.remove(shared('NEVER'), { purge: true })).toBeUndefined();
  });
});

describe('azure store: failures', () => {
  let store: SecretStore;
  let retry: RetryPolicy & { waits: number[] };
  beforeEach(async () => {
    fake.state.reset();
    retry = recordingRetry();
    store = await createAzureStore(storeOptions(fake, { retry }));
    await store.set(shared('KEY'), 'the-value', CREATE);
    fake.log.length = 0;
  });

  it.each([
    ['throttle', 'HTTP 429 with Retry-After: 0'],
    ['throttle-bare', 'HTTP 429 without Retry-After (the SDK alone would not retry it)'],
    ['unavailable', 'HTTP 503'],
    ['reset', 'a connection reset'],
  ] as const)('retries %s (%s) and succeeds', async (kind, _what) => {
    fake.failNext('get', kind, 2);
    expect(await store.get(shared('KEY'))).toBe('the-value');
    expect(fake.log.filter((r) => r.op === 'get')).toHaveLength(3);
    expect(retry.waits).toHaveLength(2);
  });

  it('gives up after 5 attempts (RETRIES_EXHAUSTED, exit 3): the SDK itself never retries', async () => {
    fake.failNext('set', 'unavailable', 10);
    const error = await refusalOf(store.set(shared('KEY'), 'next-value', OVERWRITE));
    expect({ code: error.code, exitCode: error.exitCode }).toEqual({
      code: 'RETRIES_EXHAUSTED',
      exitCode: 3,
    });
    expect(error.message).toContain('5 attempts');
    expect(fake.log.filter((r) => r.op === 'set')).toHaveLength(5);
    expect(everythingIn(error)).not.toContain('next-value');

    fake.log.length = 0;
    const once = await createAzureStore(
      storeOptions(fake, { retry: recordingRetry({ maxAttempts: 1 }) }),
    );
    fake.failNext('*', 'throttle', 10);
    expect((await refusalOf(once.get(shared('KEY')))).code).toBe('RETRIES_EXHAUSTED');
    expect(fake.log.filter((r) => r.authorized)).toHaveLength(1);
  });

  it('permission denied (403): exit 3 naming the environment and the identity', async () => {
    fake.failNext('set', 'forbidden');
    const error = await refusalOf(store.set(shared('KEY'), 'next-value', OVERWRITE));
    expect({ code: error.code, exitCode: error.exitCode }).toEqual({
      code: 'PERMISSION_DENIED',
      exitCode: 3,
    });
    expect(error.message).toContain('environment "dev"');
    expect(error.message).toContain(`application ${APP_ID}`);
    expect(error.hint).toContain('Key Vault Secrets Officer');
    expect(fake.log.filter((r) => r.op === 'set')).toHaveLength(1);
  });

  it('a token the vault rejects (401 after the challenge) is permission denied, not retried', async () => {
    fake.failNext('get', 'unauthorized', 5);
    const error = await refusalOf(store.get(shared('KEY')));
    expect({ code: error.code, exitCode: error.exitCode }).toEqual({
      code: 'PERMISSION_DENIED',
      exitCode: 3,
    });
    expect(retry.waits).toEqual([]);
  });

  it("never shows a value, even when the provider's error text repeats the request", async () => {
    fake.failNext('set', 'echo');
    const error = await refusalOf(store.set(shared('KEY'), 'sup3r-s3cret-"value"', OVERWRITE));
    expect({ code: error.code, exitCode: error.exitCode }).toEqual({
      code: 'PROVIDER_ERROR',
      exitCode: 3,
    });
    expect(error.message).toContain('[redacted]');
    expect(everythingIn(error)).not.toContain('sup3r-s3cret');
  });
});

describe('azure store: vault and credentials', () => {
  const open = (overrides: Partial<StoreOptions>) =>
    refusalOf(createAzureStore({ ...storeOptions(fake), ...overrides }));

  it('needs a vault (exit 2), and accepts plain http only for loopback', async () => {
    expect((await open({ processEnv: {} })).code).toBe('AZURE_VAULT_MISSING');
    const insecure = await open({ processEnv: { AZURE_KEYVAULT_URL: 'http://vault.example.com' } });
    expect({ code: insecure.code, exitCode: insecure.exitCode }).toEqual({
      code: 'INSECURE_ENDPOINT',
      exitCode: 2,
    });
    expect((await open({ processEnv: { AZURE_KEYVAULT_NAME: 'no_underscores' } })).code).toBe(
      'AZURE_VAULT_INVALID',
    );
  });

  it('builds the URL from vaultName; the environment overrides the credentials file', async () => {
    const fromName = await createAzureStore({
      ...storeOptions(fake),
      processEnv: {},
      credentials: { vaultName: 'acme-dev-kv' },
    });
    expect(fromName.description).toBe('azure (https://acme-dev-kv.vault.azure.net)');
    const overridden = await createAzureStore({
      ...storeOptions(fake),
      credentials: { vaultUrl: 'https://acme-prod-kv.vault.azure.net/' },
    });
    expect(overridden.description).toBe(`azure (${fake.url})`);
  });

  it('a partial service principal in the credentials file is exit 2 naming the missing field', async () => {
    const error = await open({ credentials: { clientId: 'abc', clientSecret: 'shh-secret' } });
    expect({ code: error.code, exitCode: error.exitCode }).toEqual({
      code: 'AZURE_CREDENTIALS_INCOMPLETE',
      exitCode: 2,
    });
    expect(error.message).toContain('tenantId of "dev"');
    expect(everythingIn(error)).not.toContain('shh-secret');
  });
});

afterEach(() => {
  // a fault a test did not consume must not leak into the next one
  fake.state.reset();
});
