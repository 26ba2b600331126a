import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { secretMetadata } from '../src/core/cloud-naming.js';
import { CliError } from '../src/errors.js';
import type { RetryPolicy } from '../src/io/retry.js';
import { createAwsStore } from '../src/providers/aws.js';
import { openStore, type StoreOptions } from '../src/providers/registry.js';
import type { SecretRef, SecretStore, SetOptions } from '../src/providers/secret-store.js';
import { startAwsFake, type AwsFake } from './fakes/aws-secrets-manager.js';
import { describeStoreContract } from './support/store-contract.js';

const CREATE: SetOptions = { kind: 'user', overwrite: false };
const OVERWRITE: SetOptions = { kind: 'user', overwrite: true };
const ACCESS_KEY = 'AKIAFAKETESTKEY00001';
const shared = (key: string): SecretRef => ({ key, scope: 'shared' });

let fake: AwsFake;
/** every backoff the retry policy asked for, in ms (the sleeps themselves are instant) */
let sleeps: number[] = [];

const retry: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 2,
  maxTotalMs: 30_000,
  sleep: (ms) => {
    sleeps.push(ms);
    return Promise.resolve();
  },
  random: () => 1,
};

function storeOptions(overrides: Partial<StoreOptions> = {}): StoreOptions {
  return {
    project: 'acme',
    env: 'staging',
    root: '/nonexistent-project-root',
    credentials: {
      accessKeyId: ACCESS_KEY,
      secretAccessKey: 'fake-secret-access-key',
      accountId: '123456789012',
    },
    // Only the fake on 127.0.0.1: a region, an endpoint, static keys, and no instance metadata.
    processEnv: {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: fake.url,
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    retry,
    ...overrides,
  };
}

async function refusalOf(promise: Promise<unknown>): Promise<CliError> {
  const outcome = await promise.then(
    () => new Error('expected a refusal, but the call succeeded'),
    (error: unknown) => error,
  );
  if (!(outcome instanceof CliError)) throw outcome;
  return outcome;
}

/** The text a user (or --debug) could see of an error, causes included. */
function visibleText(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    parts.push(e.message, e.stack ?? '', e instanceof CliError ? (e.hint ?? '') : '');
  }
  return parts.join('\n');
}

beforeAll(async () => {
  fake = await startAwsFake({ pageSize: 10 });
});

afterAll(async () => {
  await fake.close();
});

describe('aws store: client set-up', () => {
  it("does not print the SDK's Node-version warning", async () => {
    const previous = process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    delete process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    const warn = vi.spyOn(process, 'emitWarning');
    try {
      const store = await createAwsStore(storeOptions());
      expect(await store.list()).toEqual([]);
      const printed = warn.mock.calls.map((call) => String(call[0]));
      expect(printed.filter((w) => w.includes('NodeVersionSupportWarning'))).toEqual([]);
    } finally {
      warn.mockRestore();
      if (previous === undefined)
        delete process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
      else process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = previous;
      fake.reset();
    }
  });

  it('signs with the static keys of the credentials entry and names the region', async () => {
    const store = await openStore('aws', storeOptions());
    expect(store.provider).toBe('aws');
    expect(store.description).toBe(`aws (us-east-1, ${fake.url})`);
    await store.get(shared('ANYTHING'));
    expect(fake.log.map((r) => r.accessKeyId)).toEqual([ACCESS_KEY]);
    fake.reset();
  });

  it('takes the endpoint from the credentials entry when no endpoint variable is set', async () => {
    const store = await createAwsStore(
      storeOptions({
        credentials: {
          accessKeyId: ACCESS_KEY,
          secretAccessKey: 'fake-secret-access-key',
          region: 'eu-west-1',
          endpoint: fake.url,
        },
        processEnv: { AWS_EC2_METADATA_DISABLED: 'true' },
      }),
    );
    expect(store.description).toBe(`aws (eu-west-1, ${fake.url})`);
    expect(await store.get(shared('ANYTHING'))).toBeUndefined();
    expect(fake.requests('GetSecretValue')).toHaveLength(1);
    fake.reset();
  });

  it('refuses plain http to a host that is not loopback, and a missing region (exit 2)', async () => {
    for (const endpoint of [
      'http://secrets.example.com',
      'http://10.0.0.8:4566',
      'ftp://127.0.0.1',
    ]) {
      const error = await refusalOf(
        createAwsStore(
          storeOptions({ processEnv: { AWS_ENDPOINT_URL: endpoint, AWS_REGION: 'us-east-1' } }),
        ),
      );
      expect({ endpoint, code: error.code, exitCode: error.exitCode }).toEqual({
        endpoint,
        code: 'INSECURE_ENDPOINT',
        exitCode: 2,
      });
    }
    const noRegion = await refusalOf(
      createAwsStore(storeOptions({ processEnv: { AWS_ENDPOINT_URL: fake.url } })),
    );
    expect({ code: noRegion.code, exitCode: noRegion.exitCode }).toEqual({
      code: 'AWS_REGION_MISSING',
      exitCode: 2,
    });
    expect(noRegion.message).toContain('"staging"');
    // https anywhere, and http to any loopback spelling, are accepted (nothing is sent yet)
    for (const endpoint of [
      'https://secretsmanager.example.com',
      'http://localhost:1',
      'http://[::1]:1',
    ]) {
      await expect(
        createAwsStore(
          storeOptions({ processEnv: { AWS_ENDPOINT_URL: endpoint, AWS_REGION: 'us-east-1' } }),
        ),
      ).resolves.toBeDefined();
    }
    expect(fake.log).toEqual([]);
  });
});

describeStoreContract('aws (real SDK against the wire-protocol fake)', async () => {
  fake.reset();
  return {
    store: await openStore('aws', storeOptions()),
    // `acme` is a prefix of `acme-shop`: AWS tag filters match by prefix, so this proves the
    // client-side check of the project tag.
    otherProject: await openStore('aws', storeOptions({ project: 'acme-shop' })),
    requestCount: () => fake.log.length,
    cleanup: () => Promise.resolve(fake.reset()),
  };
});

describe('aws store against the fake', () => {
  let store: SecretStore;

  beforeAll(async () => {
    store = await createAwsStore(storeOptions());
  });

  afterEach(() => {
    fake.reset();
    sleeps = [];
  });

  describe('list', () => {
    it('follows every page (3 requests for 28 matches at 10 a page) and keeps only this project', async () => {
      for (let i = 0; i < 24; i += 1) {
        const key = `KEY_${String(i).padStart(2, '0')}`;
        fake.state.seed(`acme-shared-${key}`, `value-${key}`, {
          tags: secretMetadata('acme', shared(key), i % 2 === 0 ? 'framework' : 'user'),
        });
      }
      for (const key of ['A', 'B', 'C']) {
        fake.state.seed(`acme-shop-shared-${key}`, 'theirs', {
          tags: secretMetadata('acme-shop', shared(key), 'user'),
        });
      }
      fake.state.seed('unrelated-secret', 'x', { tags: { team: 'payments' } });
      // right name, but tagged for project `acme2`, which the `acme` tag-value prefix also matches
      fake.state.seed('acme-shared-IMPOSTOR', 'x', {
        tags: secretMetadata('acme2', shared('IMPOSTOR'), 'user'),
      });

      const listed = await store.list();

      const pages = fake.requests('ListSecrets');
      expect(pages).toHaveLength(3);
      expect(pages.map((p) => p.body.NextToken === undefined)).toEqual([true, false, false]);
      for (const page of pages) {
        expect(page.body.MaxResults).toBe(100);
        expect(page.body.Filters).toEqual([
          { Key: 'tag-key', Values: ['project-name'] },
          { Key: 'tag-value', Values: ['acme'] },
        ]);
      }
      expect(listed.map((s) => s.key)).toEqual(
        Array.from({ length: 24 }, (_, i) => `KEY_${String(i).padStart(2, '0')}`),
      );
      expect(listed[0]).toMatchObject({ key: 'KEY_00', scope: 'shared', kind: 'framework' });
      expect(listed[1]).toMatchObject({ name: 'acme-shared-KEY_01', kind: 'user' });
      expect(listed[0]?.updatedAt).toBeInstanceOf(Date);
      expect(JSON.stringify(listed)).not.toContain('value-KEY');
    });

    it("maps the original tool's secrets (no original-key tag) back by name, and leaves out scheduled ones", async () => {
      const legacy = (scope: string): Record<string, string> => ({
        'project-name': 'acme',
        'service-name': scope,
        'managed-by': 'tsdevstack',
        'secret-type': 'framework',
      });
      fake.state.seed('acme-shared-JWT_SECRET', 'jwt', { tags: legacy('shared') });
      fake.state.seed('acme-auth-service-DATABASE_URL', 'pg', { tags: legacy('auth-service') });
      fake.state.seed('acme-shared-GONE', 'gone', {
        tags: secretMetadata('acme', shared('GONE'), 'user'),
        scheduledForDeletion: true,
      });
      expect(
        (await store.list()).map(({ scope, key, kind, name }) => ({ scope, key, kind, name })),
      ).toEqual([
        { scope: 'shared', key: 'JWT_SECRET', kind: 'framework', name: 'acme-shared-JWT_SECRET' },
        {
          scope: 'auth-service',
          key: 'DATABASE_URL',
          kind: 'framework',
          name: 'acme-auth-service-DATABASE_URL',
        },
      ]);
    });
  });

  describe('retries (the one policy; the SDK makes one attempt per call)', () => {
    it('a throttled read succeeds on the third attempt', async () => {
      await store.set(shared('BUSY'), 'busy-value-1', CREATE);
      fake.log.length = 0;
      fake.failNext('GetSecretValue', 'throttle', 2);
      expect(await store.get(shared('BUSY'))).toBe('busy-value-1');
      expect(fake.requests('GetSecretValue')).toHaveLength(3);
      expect(sleeps).toEqual([2, 4]);
    });

    it('retries a 429, a 500 and a reset connection, honouring Retry-After', async () => {
      fake.failNext('CreateSecret', 'throttle', 1, { status: 429, retryAfter: '1' });
      fake.failNext('CreateSecret', 'internal', 1);
      fake.failNext('CreateSecret', 'reset', 1);
      expect(await store.set(shared('FLAKY'), 'flaky-value-1', CREATE)).toBe('created');
      const creates = fake.requests('CreateSecret');
      expect(creates).toHaveLength(4);
      // one idempotency token for every attempt of one write
      expect(new Set(creates.map((r) => r.body.ClientRequestToken)).size).toBe(1);
      expect(sleeps[0]).toBe(1000);
      expect(fake.state.value('acme-shared-FLAKY')).toBe('flaky-value-1');
    });

    it('gives up after 5 attempts with RETRIES_EXHAUSTED (exit 3)', async () => {
      fake.failNext('ListSecrets', 'throttle', 50);
      const error = await refusalOf(store.list());
      expect({ code: error.code, exitCode: error.exitCode }).toEqual({
        code: 'RETRIES_EXHAUSTED',
        exitCode: 3,
      });
      expect(error.message).toContain('5 attempts');
      expect(error.message).toContain('ThrottlingException');
      expect(fake.requests('ListSecrets')).toHaveLength(5);
    });

    it('does not retry a refusal', async () => {
      fake.failNext('GetSecretValue', 'accessDenied', 50);
      await refusalOf(store.get(shared('X')));
      expect(fake.requests('GetSecretValue')).toHaveLength(1);
      expect(sleeps).toEqual([]);
    });
  });

  describe('permission denied', () => {
    it('names the identity and the environment (exit 3), and never the value', async () => {
      await store.set(shared('LOCKED'), 'old-locked-value', CREATE);
      fake.failNext('PutSecretValue', 'accessDenied');
      const error = await refusalOf(
        store.set(shared('LOCKED'), 'new-locked-value-9f8e7d', OVERWRITE),
      );
      expect({ code: error.code, exitCode: error.exitCode }).toEqual({
        code: 'PERMISSION_DENIED',
        exitCode: 3,
      });
      expect(error.message).toContain('environment "staging"');
      expect(error.message).toContain(`arn:aws:iam::123456789012:user/${ACCESS_KEY}`);
      expect(error.message).toContain('acme-shared-LOCKED');
      expect(error.hint).toContain('PutSecretValue');
      expect(visibleText(error)).not.toContain('new-locked-value-9f8e7d');
      expect(visibleText(error)).not.toContain('old-locked-value');
      expect(fake.state.value('acme-shared-LOCKED')).toBe('old-locked-value');
    });

    it('an expired token says to refresh the credentials', async () => {
      fake.failNext('ListSecrets', 'expiredToken');
      const error = await refusalOf(store.list());
      expect(error.code).toBe('PERMISSION_DENIED');
      expect(error.message).toContain(`access key ${ACCESS_KEY} (account 123456789012)`);
      expect(error.message).toContain('"staging"');
      expect(error.hint).toMatch(/expired/i);
    });
  });

  describe('a name scheduled for deletion', () => {
    it('reads as missing; set restores it and writes; remove --force deletes it for good', async () => {
      await store.set(shared('SMTP_PASSWORD'), 'first-smtp-value', CREATE);
      const arn = fake.state.secrets.get('acme-shared-SMTP_PASSWORD')?.arn;
      expect(await store.remove(shared('SMTP_PASSWORD'), {})).toBe('deleted');
      expect(fake.requests('DeleteSecret').at(-1)?.body).toEqual({
        SecretId: arn,
        RecoveryWindowInDays: 7,
      });
      expect(fake.state.secrets.get('acme-shared-SMTP_PASSWORD')?.deletedDate).toBeDefined();

      expect(await store.get(shared('SMTP_PASSWORD'))).toBeUndefined();
      expect(await store.list()).toEqual([]);
      expect(await store.remove(shared('SMTP_PASSWORD'), {})).toBeUndefined();

      expect(await store.set(shared('SMTP_PASSWORD'), 'second-smtp-value', CREATE)).toBe(
        'restored',
      );
      expect(fake.requests('RestoreSecret').map((r) => r.body.SecretId)).toEqual([arn]);
      expect(await store.get(shared('SMTP_PASSWORD'))).toBe('second-smtp-value');
      // restored, not recreated: same ARN
      expect(fake.state.secrets.get('acme-shared-SMTP_PASSWORD')?.arn).toBe(arn);

      await store.remove(shared('SMTP_PASSWORD'), {});
      expect(await store.remove(shared('SMTP_PASSWORD'), { force: true })).toBe('purged');
      expect(fake.requests('DeleteSecret').at(-1)?.body).toEqual({
        SecretId: arn,
        ForceDeleteWithoutRecovery: true,
      });
      expect(fake.state.secrets.has('acme-shared-SMTP_PASSWORD')).toBe(false);
      expect(await store.get(shared('SMTP_PASSWORD'))).toBeUndefined();
      expect(await store.set(shared('SMTP_PASSWORD'), 'third-smtp-value', CREATE)).toBe('created');
    });

    it('when restoring is refused, fails (exit 3) with the command that deletes it for good', async () => {
      fake.state.seed('acme-billing-service-API_TOKEN', 'old-token-value', {
        tags: secretMetadata('acme', { key: 'API_TOKEN', scope: 'billing-service' }, 'user'),
        scheduledForDeletion: true,
      });
      fake.failNext('RestoreSecret', 'accessDenied');
      const error = await refusalOf(
        store.set({ key: 'API_TOKEN', scope: 'billing-service' }, 'new-token-value', CREATE),
      );
      expect({ code: error.code, exitCode: error.exitCode }).toEqual({
        code: 'SECRET_SCHEDULED_FOR_DELETION',
        exitCode: 3,
      });
      expect(error.hint).toContain(
        'cloud-secrets:remove API_TOKEN --service billing-service --env staging --force',
      );
      expect(visibleText(error)).not.toContain('new-token-value');
      expect(fake.requests('PutSecretValue')).toEqual([]);
    });

    it('a forced remove of a missing name sends no delete (AWS would answer it with success)', async () => {
      expect(await store.remove(shared('NEVER_THERE'), { force: true })).toBeUndefined();
      expect(fake.requests('DeleteSecret')).toEqual([]);
    });
  });

  describe('names ending in "-" plus six characters (the ARN-suffix trap)', () => {
    it('the fake models it: a partial ARN of acme-shared-DOMAIN is read as a complete ARN', async () => {
      const a = fake.state.seed('acme-shared-DOMAIN', 'a', { arnSuffix: 'abc123' });
      const client = new SecretsManagerClient({
        endpoint: fake.url,
        region: 'us-east-1',
        credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: 'x' },
        maxAttempts: 1,
      });
      const partial = a.arn.slice(0, -'-abc123'.length);
      await expect(
        client.send(new GetSecretValueCommand({ SecretId: partial })),
      ).rejects.toBeInstanceOf(ResourceNotFoundException);
      await expect(
        client.send(new GetSecretValueCommand({ SecretId: 'acme-shared-DOMAIN-abc123' })),
      ).rejects.toBeInstanceOf(ResourceNotFoundException);
      client.destroy();
    });

    it('acme-shared-DOMAIN and acme-shared-DOMAIN-abc123 are never confused', async () => {
      // A's ARN ends in exactly the name of B.
      const a = fake.state.seed('acme-shared-DOMAIN', 'example.com', {
        arnSuffix: 'abc123',
        tags: secretMetadata('acme', shared('DOMAIN'), 'user'),
      });
      const b = fake.state.seed('acme-shared-DOMAIN-abc123', 'other.example.org', {
        tags: {
          'project-name': 'acme',
          'service-name': 'shared',
          'managed-by': 'tsdevstack',
          'secret-type': 'user',
        },
      });
      expect(a.arn.endsWith(':secret:acme-shared-DOMAIN-abc123')).toBe(true);

      expect(await store.get(shared('DOMAIN'))).toBe('example.com');
      expect(await store.get(shared('DOMAIN-abc123'))).toBe('other.example.org');
      expect((await store.list()).map((s) => [s.key, s.name])).toEqual([
        ['DOMAIN', 'acme-shared-DOMAIN'],
        ['DOMAIN-abc123', 'acme-shared-DOMAIN-abc123'],
      ]);

      expect(await store.set(shared('DOMAIN'), 'new.example.com', OVERWRITE)).toBe('updated');
      expect(fake.state.value('acme-shared-DOMAIN')).toBe('new.example.com');
      expect(fake.state.value('acme-shared-DOMAIN-abc123')).toBe('other.example.org');

      expect(await store.set(shared('DOMAIN-abc123'), 'b.example.org', OVERWRITE)).toBe('updated');
      expect(fake.state.value('acme-shared-DOMAIN')).toBe('new.example.com');
      // the original tool's secret gained its original-key tag with the write
      expect(fake.state.secrets.get(b.name)?.tags).toContainEqual({
        Key: 'original-key',
        Value: 'DOMAIN-abc123',
      });

      expect(await store.remove(shared('DOMAIN'), { force: true })).toBe('purged');
      expect(fake.state.secrets.has('acme-shared-DOMAIN')).toBe(false);
      expect(await store.get(shared('DOMAIN'))).toBeUndefined();
      expect(await store.get(shared('DOMAIN-abc123'))).toBe('b.example.org');

      // Every SecretId sent was an exact name or a complete ARN: never a partial ARN.
      const ids = fake.log.map((r) => r.body.SecretId).filter((id) => id !== undefined);
      expect(ids.length).toBeGreaterThan(0);
      for (const id of ids) expect([a.name, b.name, a.arn, b.arn]).toContain(id);
    });
  });

  describe('SDK error text never contains the value', () => {
    it('scrubs a value AWS echoes in a validation error, from the message and the cause', async () => {
      const value = 'sk_live_echoed-by-aws-0123456789';
      fake.failNext('CreateSecret', 'validation');
      const error = await refusalOf(store.set(shared('ECHO'), value, CREATE));
      expect({ code: error.code, exitCode: error.exitCode }).toEqual({
        code: 'PROVIDER_ERROR',
        exitCode: 3,
      });
      expect(error.message).toContain('ValidationException');
      expect(error.message).toContain('acme-shared-ECHO');
      expect(error.message).toContain('[redacted]');
      expect(visibleText(error)).not.toContain(value);
      expect(visibleText(error)).not.toContain('echoed-by-aws');
    });

    it('also on an update, for a multi-line value, and for a short value it withholds the text', async () => {
      await store.set(shared('PEM'), 'old-pem-value', CREATE);
      const pem = '-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34GkxFhD9\n-----END KEY-----\n';
      fake.failNext('PutSecretValue', 'validation');
      const multi = await refusalOf(store.set(shared('PEM'), pem, OVERWRITE));
      expect(visibleText(multi)).not.toContain('MIIBOgIBAAJBAKj34GkxFhD9');

      fake.failNext('CreateSecret', 'validation');
      const short = await refusalOf(store.set(shared('PIN'), 'x7q', CREATE));
      expect(short.code).toBe('PROVIDER_ERROR');
      expect(visibleText(short)).not.toContain("'x7q'");
      expect(short.message).toContain('withheld');
    });
  });
});
