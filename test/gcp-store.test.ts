import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../src/errors.js';
import type { RetryPolicy } from '../src/io/retry.js';
import { connectGcp, resolveGcpTarget } from '../src/providers/gcp/connection.js';
import { classifyGcpFailure, toGcpFailure } from '../src/providers/gcp/errors.js';
import { crc32c } from '../src/providers/gcp/metadata.js';
import { openStore, type StoreOptions } from '../src/providers/registry.js';
import type { SecretRef, SecretStore, SetOptions } from '../src/providers/secret-store.js';
import { startGcpFake, type GcpFake, type LoggedRequest } from './fakes/gcp-secret-manager.js';
import { describeStoreContract } from './support/store-contract.js';

const CREATE: SetOptions = { kind: 'user', overwrite: false };
const shared = (key: string): SecretRef => ({ key, scope: 'shared' });

let fake: GcpFake;
let projectCounter = 0;

beforeAll(async () => {
  // Pages of 10 at most, whatever the client asks for: listing crosses pages in every suite.
  fake = await startGcpFake({ maxPageSize: 10 });
});
afterAll(async () => {
  await fake.close();
});

/** A retry policy that records its waits instead of sleeping. */
function recordingRetry(): RetryPolicy & { waits: number[] } {
  const waits: number[] = [];
  return {
    maxAttempts: 5,
    baseDelayMs: 2,
    maxTotalMs: 30_000,
    sleep: async (ms) => {
      waits.push(ms);
      await Promise.resolve();
    },
    random: () => 0.5,
    waits,
  };
}

/** A fresh GCP project on the shared fake: an empty backend. */
function freshProjectId(): string {
  projectCounter += 1;
  return `tsds-test-${String(projectCounter)}`;
}

function storeOptions(gcpProject: string, overrides: Partial<StoreOptions> = {}): StoreOptions {
  return {
    project: 'acme-shop',
    env: 'dev',
    root: tmpdir(),
    credentials: { ...fake.serviceAccountKey(gcpProject), region: 'europe-west1' },
    processEnv: { GCP_SECRET_MANAGER_ENDPOINT: fake.url },
    retry: recordingRetry(),
    ...overrides,
  };
}

const apiRequests = (): LoggedRequest[] =>
  fake.log.filter((entry) => entry.method !== 'token' && entry.method !== 'metadata');

const requestsOf = (method: LoggedRequest['method'], since = 0): LoggedRequest[] =>
  fake.log.slice(since).filter((entry) => entry.method === method);

async function rejectionOf(promise: Promise<unknown>): Promise<CliError> {
  const outcome = await promise.then(
    () => new Error('expected a rejection'),
    (error: unknown) => error,
  );
  if (!(outcome instanceof CliError)) throw outcome;
  return outcome;
}

/** Everything an error could show: message, hint, and the whole cause chain. */
function everythingIn(error: CliError): string {
  const parts: string[] = [error.message, error.hint ?? '', JSON.stringify(error)];
  for (let cause: unknown = error.cause; cause !== undefined;) {
    parts.push(
      cause instanceof Error ? `${cause.name}: ${cause.message}` : '',
      JSON.stringify(cause) ?? '',
    );
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return parts.join('\n');
}

describeStoreContract('gcp (real SDK, REST, against the wire-protocol fake)', async () => {
  const gcpProject = freshProjectId();
  return {
    store: await openStore('gcp', storeOptions(gcpProject)),
    otherProject: await openStore('gcp', storeOptions(gcpProject, { project: 'other-shop' })),
    requestCount: () => apiRequests().length,
    cleanup: () => {
      fake.state.project(gcpProject).clear();
      return Promise.resolve();
    },
  };
});

describe('gcp store: wire format', () => {
  let gcpProject: string;
  let store: SecretStore;

  beforeEach(async () => {
    gcpProject = freshProjectId();
    store = await openStore('gcp', storeOptions(gcpProject));
  });

  it('creates the secret with labels, the original key as an annotation, and a checksummed version', async () => {
    const since = fake.log.length;
    expect(
      await store.set({ key: 'DATABASE_URL', scope: 'auth-service' }, 'postgres://db-1', {
        kind: 'framework',
        overwrite: false,
      }),
    ).toBe('created');
    const [create] = requestsOf('createSecret', since);
    expect(create?.query.secretId).toBe('acme-shop-auth-service-DATABASE_URL');
    expect(create?.body).toMatchObject({
      replication: { automatic: {} },
      labels: {
        'project-name': 'acme-shop',
        'service-name': 'auth-service',
        'managed-by': 'tsdevstack',
        'secret-type': 'framework',
      },
      annotations: { 'original-key': 'DATABASE_URL' },
    });
    const [add] = requestsOf('addSecretVersion', since);
    const data = Buffer.from('postgres://db-1');
    expect(add?.body).toEqual({
      payload: { data: data.toString('base64'), dataCrc32c: String(crc32c(data)) },
    });
    // every request authenticated as the service account, by a JWT the fake verified
    const identities = new Set(fake.log.slice(since).map((entry) => entry.identity));
    expect(identities).toEqual(new Set([`tsds-test@${gcpProject}.iam.gserviceaccount.com`]));
    expect(store.description).toBe(`gcp (project ${gcpProject} via ${fake.url})`);
  });

  it('lists across at least 3 pages with the project-name filter, and maps legacy and foreign secrets correctly', async () => {
    const keys = Array.from({ length: 24 }, (_, i) => `KEY_${String(i).padStart(2, '0')}`);
    await Promise.all(keys.map((key) => store.set(shared(key), `value-${key}`, CREATE)));
    const secrets = fake.state.project(gcpProject);
    // made by the original tool: labels, no original-key annotation
    secrets.set('acme-shop-offers-service-LEGACY_KEY', {
      id: 'acme-shop-offers-service-LEGACY_KEY',
      labels: {
        'project-name': 'acme-shop',
        'service-name': 'offers-service',
        'managed-by': 'tsdevstack',
      },
      annotations: {},
      createTime: '2024-01-01T00:00:00Z',
      etag: '"x"',
      versions: [],
    });
    // not ours: no labels at all
    secrets.set('unrelated', {
      id: 'unrelated',
      labels: {},
      annotations: {},
      createTime: '2024-01-01T00:00:00Z',
      etag: '"y"',
      versions: [],
    });

    const since = fake.log.length;
    const listed = await store.list();
    const pages = requestsOf('listSecrets', since);
    expect(pages).toHaveLength(3); // 25 matching secrets, 10 a page
    expect(pages.map((p) => p.query.filter)).toEqual(
      Array(3).fill('labels.project-name=acme-shop'),
    );
    expect(pages[0]?.query.pageToken).toBeUndefined();
    expect(pages[1]?.query.pageToken).toBeTruthy();
    expect(listed.map((s) => `${s.scope}/${s.key}`).sort()).toEqual(
      [...keys.map((k) => `shared/${k}`), 'offers-service/LEGACY_KEY'].sort(),
    );
    const legacy = listed.find((s) => s.key === 'LEGACY_KEY');
    expect(legacy).toEqual({
      key: 'LEGACY_KEY',
      scope: 'offers-service',
      name: 'acme-shop-offers-service-LEGACY_KEY',
      kind: null,
      updatedAt: null,
    });
    // The fake answered with `projects/<number>/…` names, as GCP does; they still mapped back.
    expect(pages[0]?.path).toBe(`/v1/projects/${gcpProject}/secrets`);
    expect([...fake.state.projects.values()]).toContain(gcpProject);
  });

  it('a secret without a readable version reads as missing, and set completes it (created)', async () => {
    fake.state.project(gcpProject).set('acme-shop-shared-HALF_DONE', {
      id: 'acme-shop-shared-HALF_DONE',
      labels: { 'project-name': 'acme-shop', 'service-name': 'shared' },
      annotations: { 'original-key': 'HALF_DONE' },
      createTime: '2024-01-01T00:00:00Z',
      etag: '"z"',
      versions: [],
    });
    expect(await store.get(shared('HALF_DONE'))).toBeUndefined();
    expect(await store.set(shared('HALF_DONE'), 'finally-here', CREATE)).toBe('created');
    expect(await store.get(shared('HALF_DONE'))).toBe('finally-here');
  });

  it('not found is undefined for get and remove, also when the fake injects it', async () => {
    await store.set(shared('THERE'), 'there-value', CREATE);
    fake.failNext('accessSecretVersion', 'not-found');
    expect(await store.get(shared('THERE'))).toBeUndefined();
    fake.failNext('deleteSecret', 'not-found');
    expect(await store.remove(shared('THERE'), {})).toBeUndefined();
    expect(await store.get(shared('NOWHERE'))).toBeUndefined();
    expect(await store.remove(shared('NOWHERE'), {})).toBeUndefined();
  });

  it('reads and writes through the credentials entry endpoint when the env var is absent', async () => {
    const options = storeOptions(gcpProject, { processEnv: {} });
    const viaEntry = await openStore('gcp', {
      ...options,
      credentials: { ...options.credentials, endpoint: fake.url },
    });
    expect(await viaEntry.set(shared('VIA_ENTRY'), 'entry-value', CREATE)).toBe('created');
    expect(await store.get(shared('VIA_ENTRY'))).toBe('entry-value');
  });

  it('uses GOOGLE_APPLICATION_CREDENTIALS and GCP_PROJECT_ID when there is no credentials entry', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsds-gcp-adc-'));
    try {
      const keyFile = join(dir, 'key.json');
      await writeFile(
        keyFile,
        JSON.stringify(fake.serviceAccountKey(gcpProject, 'adc@example.iam.gserviceaccount.com')),
      );
      const adc = await openStore(
        'gcp',
        storeOptions(gcpProject, {
          credentials: undefined,
          processEnv: {
            GCP_SECRET_MANAGER_ENDPOINT: fake.url,
            GOOGLE_APPLICATION_CREDENTIALS: keyFile,
            GCP_PROJECT_ID: gcpProject,
          },
        }),
      );
      const since = fake.log.length;
      expect(await adc.set(shared('FROM_ADC'), 'adc-value', CREATE)).toBe('created');
      expect(fake.log.at(-1)?.identity).toBe('adc@example.iam.gserviceaccount.com');
      // the identity is named on a permission error even though no entry gave it
      fake.failNext('accessSecretVersion', 'permission-denied');
      const error = await rejectionOf(adc.get(shared('FROM_ADC')));
      expect(error.code).toBe('PERMISSION_DENIED');
      expect(error.message).toContain('adc@example.iam.gserviceaccount.com');
      expect(fake.log.length).toBeGreaterThan(since);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('gcp store: faults', () => {
  let gcpProject: string;
  let retry: ReturnType<typeof recordingRetry>;
  let store: SecretStore;
  const email = (project: string) => `tsds-test@${project}.iam.gserviceaccount.com`;

  beforeEach(async () => {
    gcpProject = freshProjectId();
    retry = recordingRetry();
    store = await openStore('gcp', storeOptions(gcpProject, { retry }));
    await store.set(shared('STRIPE_API_KEY'), 'sk_live_faultvalue123', CREATE);
    retry.waits.length = 0;
  });

  it('throttled, then succeeds: retried by our policy, honouring Retry-After', async () => {
    fake.failNext('accessSecretVersion', 'throttled', 2, { retryAfter: '3' });
    const since = fake.log.length;
    expect(await store.get(shared('STRIPE_API_KEY'))).toBe('sk_live_faultvalue123');
    expect(requestsOf('accessSecretVersion', since).map((r) => r.status)).toEqual([429, 429, 200]);
    expect(retry.waits).toEqual([3000, 3000]);
  });

  it('a write that is throttled (non-idempotent RPCs too) and a reset connection are retried', async () => {
    fake.failNext('createSecret', 'throttled');
    fake.failNext('addSecretVersion', 'reset');
    fake.failNext('accessSecretVersion', 'bad-gateway-html');
    expect(await store.set(shared('NEW_KEY'), 'new-value-123', CREATE)).toBe('created');
    expect(retry.waits).toHaveLength(3);
    expect(await store.get(shared('NEW_KEY'))).toBe('new-value-123');
  });

  it('retries exhausted: exit 3 after exactly 5 attempts (the SDK adds none of its own)', async () => {
    fake.failNext('accessSecretVersion', 'unavailable', 10);
    const since = fake.log.length;
    const error = await rejectionOf(store.get(shared('STRIPE_API_KEY')));
    expect({ code: error.code, exitCode: error.exitCode }).toEqual({
      code: 'RETRIES_EXHAUSTED',
      exitCode: 3,
    });
    expect(error.message).toContain('5 attempts');
    expect(requestsOf('accessSecretVersion', since)).toHaveLength(5);
    expect(retry.waits).toHaveLength(4);
    fake.reset(); // drop the unused faults
  });

  it('a server that never answers: the request times out (not the SDK deadline) and counts as retryable', async () => {
    const client = await connectGcp(resolveGcpTarget(storeOptions(gcpProject)), 200);
    fake.failNext('accessSecretVersion', 'hang');
    const started = Date.now();
    const outcome: unknown = await client
      .accessSecretVersion(
        { name: `projects/${gcpProject}/secrets/acme-shop-shared-STRIPE_API_KEY/versions/latest` },
        { retry: null },
      )
      .then(
        () => 'answered',
        (error: unknown) => error,
      );
    expect(Date.now() - started).toBeLessThan(5_000);
    const failure = toGcpFailure(outcome, []);
    expect(failure.kind).toBe('connection');
    expect(classifyGcpFailure(failure)).toMatchObject({ retry: true });
  });

  it('permission denied: exit 3, not retried, names the environment and the service account, never the value', async () => {
    fake.failNext('accessSecretVersion', 'permission-denied');
    const since = fake.log.length;
    const error = await rejectionOf(
      store.set(shared('STRIPE_API_KEY'), 'sk_live_other_value_456', {
        kind: 'user',
        overwrite: true,
      }),
    );
    expect({ code: error.code, exitCode: error.exitCode }).toEqual({
      code: 'PERMISSION_DENIED',
      exitCode: 3,
    });
    expect(error.message).toContain('environment dev');
    expect(error.message).toContain(email(gcpProject));
    expect(error.hint).toContain('roles/secretmanager');
    expect(apiRequests().slice(-1)[0]?.status).toBe(403);
    expect(fake.log.length - since).toBe(1);
    const shown = everythingIn(error);
    expect(shown).not.toContain('sk_live_other_value_456');
    expect(shown).not.toContain('sk_live_faultvalue123');
  });

  it('a key the server does not accept: AUTHENTICATION_FAILED (exit 3) naming the environment and identity', async () => {
    const options = storeOptions(gcpProject, { retry });
    const intruder = await openStore('gcp', {
      ...options,
      env: 'staging',
      credentials: {
        ...options.credentials,
        client_email: 'intruder@evil.iam.gserviceaccount.com',
      },
    });
    const error = await rejectionOf(intruder.get(shared('STRIPE_API_KEY')));
    expect({ code: error.code, exitCode: error.exitCode }).toEqual({
      code: 'AUTHENTICATION_FAILED',
      exitCode: 3,
    });
    expect(error.message).toContain('environment staging');
    expect(error.message).toContain('intruder@evil.iam.gserviceaccount.com');
    expect(everythingIn(error)).not.toContain('PRIVATE KEY');
  });

  it('SDK error text never carries the value, raw or base64, in any error or cause', async () => {
    const value = 'sk_live_leaky_value_789';
    const b64 = Buffer.from(value).toString('base64');
    const message = `bad payload ${value} (${b64})`;
    fake.failNext('addSecretVersion', 'permission-denied', 1, { message });
    const refused = await rejectionOf(store.set(shared('LEAKY'), value, CREATE));
    expect(refused.code).toBe('PERMISSION_DENIED');
    fake.failNext('addSecretVersion', 'unavailable', 5, { message });
    const exhausted = await rejectionOf(store.set(shared('LEAKY'), value, CREATE));
    expect(exhausted.code).toBe('RETRIES_EXHAUSTED');
    fake.failNext('addSecretVersion', 'bad-gateway-html', 5, { message });
    const html = await rejectionOf(store.set(shared('LEAKY'), value, CREATE));
    for (const error of [refused, exhausted, html]) {
      const shown = everythingIn(error);
      expect(shown).toContain('bad payload [redacted]');
      expect(shown).not.toContain(value);
      expect(shown).not.toContain(b64);
    }
  });

  it('a different value without overwrite is SECRET_EXISTS (exit 2) and writes nothing', async () => {
    const since = fake.log.length;
    const error = await rejectionOf(
      store.set(shared('STRIPE_API_KEY'), 'sk_live_new_value', CREATE),
    );
    expect({ code: error.code, exitCode: error.exitCode }).toEqual({
      code: 'SECRET_EXISTS',
      exitCode: 2,
    });
    expect(fake.log.slice(since).map((r) => r.method)).toEqual(['accessSecretVersion']);
  });
});

describe('gcp store: configuration', () => {
  const base = (): StoreOptions => storeOptions('tsds-config-test');

  it('refuses plain http to a non-loopback endpoint (exit 2), from the env var or the entry', async () => {
    for (const options of [
      { ...base(), processEnv: { GCP_SECRET_MANAGER_ENDPOINT: 'http://secrets.example.com:8080' } },
      {
        ...base(),
        processEnv: {},
        credentials: { ...base().credentials, endpoint: 'http://10.0.0.5:8085' },
      },
    ]) {
      const error = await rejectionOf(openStore('gcp', options));
      expect({ code: error.code, exitCode: error.exitCode }).toEqual({
        code: 'INSECURE_ENDPOINT',
        exitCode: 2,
      });
    }
  });

  it('accepts loopback http and https anywhere; the port travels separately', async () => {
    for (const endpoint of [
      'http://localhost:1',
      'http://[::1]:2',
      'https://secretmanager.example.com',
    ]) {
      const store = await openStore('gcp', {
        ...base(),
        processEnv: { GCP_SECRET_MANAGER_ENDPOINT: endpoint },
      });
      expect(store.description).toContain(new URL(endpoint).origin);
    }
  });

  it('needs a project id: from the key, else GCP_PROJECT_ID / GOOGLE_CLOUD_PROJECT (exit 2 otherwise)', async () => {
    const error = await rejectionOf(
      openStore('gcp', { ...base(), credentials: undefined, processEnv: {} }),
    );
    expect({ code: error.code, exitCode: error.exitCode }).toEqual({
      code: 'GCP_PROJECT_MISSING',
      exitCode: 2,
    });
    const fromEnv = await openStore('gcp', {
      ...base(),
      credentials: undefined,
      processEnv: {
        GOOGLE_CLOUD_PROJECT: 'from-env-project',
        GCP_SECRET_MANAGER_ENDPOINT: fake.url,
      },
    });
    expect(fromEnv.description).toContain('from-env-project');
  });

  it('a credentials entry without a private key is exit 2 naming the environment and field', async () => {
    const credentials = { ...base().credentials };
    delete credentials.private_key;
    const error = await rejectionOf(openStore('gcp', { ...base(), credentials }));
    expect({ code: error.code, exitCode: error.exitCode }).toEqual({
      code: 'GCP_CREDENTIALS_INVALID',
      exitCode: 2,
    });
    expect(error.message).toContain('dev');
    expect(error.message).toContain('private_key');
  });

  it('a private key OpenSSL cannot read: AUTHENTICATION_FAILED (exit 3), the key never shown', async () => {
    const options = storeOptions('tsds-config-test');
    const broken =
      '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----\n';
    const store = await openStore('gcp', {
      ...options,
      credentials: { ...options.credentials, private_key: broken },
    });
    const error = await rejectionOf(store.get(shared('ANYTHING')));
    expect({ code: error.code, exitCode: error.exitCode }).toEqual({
      code: 'AUTHENTICATION_FAILED',
      exitCode: 3,
    });
    expect(error.message).toContain('environment dev');
    expect(everythingIn(error)).not.toContain('bm90IGEga2V5IGF0IGFsbA==');
  });

  it('normalises every error shape the SDK can produce: gRPC code or HTTP status', () => {
    const gaxios404 = Object.assign(new Error('{"error":{"code":404}}'), {
      code: 404,
      status: 404,
    });
    const cases: Array<[unknown, string]> = [
      [Object.assign(new Error('NOT_FOUND'), { code: 5 }), 'not-found'],
      [gaxios404, 'not-found'],
      [Object.assign(new Error('exists'), { code: 6 }), 'already-exists'],
      [Object.assign(new Error('conflict'), { status: 409 }), 'already-exists'],
      [Object.assign(new Error('slow down'), { code: 8 }), 'throttled'],
      [Object.assign(new Error('slow down'), { code: 429 }), 'throttled'],
      [Object.assign(new Error('down'), { code: 14 }), 'transient'],
      [Object.assign(new Error('down'), { response: { status: 503 } }), 'transient'],
      [Object.assign(new Error('no'), { code: 7 }), 'permission-denied'],
      [Object.assign(new Error('hang up'), { cause: { code: 'ECONNRESET' } }), 'connection'],
      [Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), 'unreachable'],
      [new Error('Could not load the default credentials.'), 'unauthenticated'],
      [Object.assign(new Error('bad'), { code: 3 }), 'other'],
      [null, 'other'],
      ['a string', 'other'],
    ];
    expect(cases.map(([error]) => toGcpFailure(error, []).kind)).toEqual(
      cases.map(([, kind]) => kind),
    );
  });

  it('crc32c matches the Castagnoli check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array())).toBe(0);
  });
});

describe('gcp store: redirects', () => {
  it('never follows a redirect, so the bearer token is not resent to another origin', async () => {
    const seen: Array<string | undefined> = [];
    const capture = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.end('{}');
    });
    await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', resolve));
    const capturePort = (capture.address() as AddressInfo).port;
    const redirector = createServer((req, res) => {
      res.writeHead(307, { location: `http://127.0.0.1:${String(capturePort)}${req.url ?? '/'}` });
      res.end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    const redirectorPort = (redirector.address() as AddressInfo).port;
    try {
      const store = await openStore(
        'gcp',
        storeOptions('tsds-redirect', {
          processEnv: { GCP_SECRET_MANAGER_ENDPOINT: `http://127.0.0.1:${String(redirectorPort)}` },
        }),
      );
      await expect(store.get(shared('ANY_KEY'))).rejects.toBeInstanceOf(CliError);
      expect(seen).toEqual([]);
    } finally {
      capture.close();
      redirector.close();
    }
  });
});
