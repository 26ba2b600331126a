// End to end: every cloud-secrets command through the built binary (a private copy), against the
// local store and against each cloud SDK talking to its wire-protocol test server. The child gets
// no credentials file: only the documented environment variables (SPEC §9.1, §9.3; research
// cloud-sdk-wire.md §8). Every child runs with a preload that refuses any connection that is not
// to a loopback address, so a test that passes cannot have reached a real cloud.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudSecretName, secretMetadata } from '../src/core/cloud-naming.js';
import { retryPolicyFromEnv } from '../src/io/retry.js';
import { gcpSecretMetadata } from '../src/providers/gcp/metadata.js';
import { openStore } from '../src/providers/registry.js';
import type { ProviderName, SecretRef } from '../src/providers/secret-store.js';
import { startAwsFake } from './fakes/aws-secrets-manager.js';
import { startAzureFake } from './fakes/azure-key-vault.js';
import { startGcpFake } from './fakes/gcp-secret-manager.js';
import { jsonOf, type CloudRun } from './support/cloud-cli.js';
import {
  builtBinary,
  cleanupBinary,
  cleanupProjects,
  cloneProject,
  makeProject,
  REPO_ROOT,
  type Project,
} from './support/temp-project.js';

const PROJECT = 'acme-shop';
const CONFIG = {
  project: { name: PROJECT },
  services: [{ name: 'api-gateway', type: 'nestjs', port: 3001 }],
};

const STRIPE = 'sk_live_51HqLyjWDarjtT1zdp7dcXCCzaZx9Vt2mF8kQpL3nR6sT0uW4yA7bC1dE';
const FLAG_VALUE = 'p@ss w0rd "quoted" $HOME \\ ünïcødé ✓';
/** from stdin: a trailing newline that must be kept, CRLF inside */
const PEM_LIKE = '-----BEGIN KEY-----\r\nline one\r\nline two ✓\r\n-----END KEY-----\n';
const DOMAIN = 'shop.example.com';
const WEBHOOK = '/hooks/stripe-e2e';
const VALUES = [STRIPE, FLAG_VALUE, 'line two ✓', DOMAIN, WEBHOOK];

const AWS_KEY_ID = 'AKIAE2ETESTKEY000001';
const AWS_SECRET_KEY = 'e2eSecretAccessKey/DoNotPrint0123456789';
const GCP_PROJECT = 'acme-e2e';
/** the service account the GCP fake's metadata server speaks for */
const GCE_DEFAULT_ACCOUNT = 'default@fake-project.iam.gserviceaccount.com';
const AZURE_APP_ID = '0e2e0e2e-1111-2222-3333-444455556666';

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z$/;

/** One backend a child CLI talks to: its documented variables, and the fake behind it. */
interface Backend {
  provider: ProviderName;
  /** exactly the variables the child gets, beyond HOME, NO_COLOR and NO_PROXY */
  env: Record<string, string>;
  /** requests the test server has seen so far (undefined: no server) */
  requests(): number | undefined;
  /** the next `times` list requests are throttled */
  throttleList(times: number): void;
  /** the next write of a value is refused for lack of permission */
  denyWrite(): void;
  /** the next list request is refused for lack of permission */
  denyList(): void;
  /** the next write of `value` fails with a provider error that quotes the value */
  echoWrite(value: string): void;
  /** stores secrets directly, with the metadata the store writes (bulk set-up for diff) */
  seed(entries: Array<[SecretRef, string]>, project: Project): Promise<void>;
  /** strings that must never appear in any output (the child's credentials) */
  confidential: string[];
  /** who the store acts as, which a permission error should name */
  identity: string | undefined;
  /** the server's own view: every request came with the credentials from the environment */
  checkIdentity(): void;
  close(): Promise<void>;
}

let guardUrl: string;
let scratch: string;
let template: Project;

beforeAll(async () => {
  // The binary copy has no node_modules beside it; the SDKs (optional peers) are found through
  // a link to the repository's, as they would be in a user's project.
  const bin = await builtBinary();
  const copyRoot = dirname(dirname(bin));
  if (!(await readdir(copyRoot)).includes('node_modules'))
    await symlink(join(REPO_ROOT, 'node_modules'), join(copyRoot, 'node_modules'), 'dir');
  scratch = await mkdtemp(join(tmpdir(), 'tsds-e2e-sdk-'));
  const guard = join(scratch, 'netguard.mjs');
  await writeFile(guard, NETGUARD);
  guardUrl = pathToFileURL(guard).href;
  // generate-secrets once (RSA keygen); each diff test works on a clone
  template = await makeProject({ config: CONFIG });
  const generated = await tsds(['generate-secrets', '--cwd', template.root], {});
  if (generated.code !== 0) throw new Error(`generate-secrets failed:\n${generated.stderr}`);
}, 60_000);
afterAll(async () => {
  await cleanupProjects();
  await cleanupBinary();
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
});

/**
 * Preloaded into every child: any socket to a host that is not loopback is destroyed before it
 * connects, and reported on stderr (the tests assert no report). Unix sockets pass.
 */
const NETGUARD = `
import net from 'node:net';
const loopback = (host) =>
  host === undefined || host === null || host === '' || host === 'localhost' || host === '::1' ||
  /^127\\./.test(host) || /^::ffff:127\\./.test(host);
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  let first = args[0];
  if (Array.isArray(first)) first = first[0];
  let host;
  let port;
  if (first !== null && typeof first === 'object') {
    // a Unix socket (http passes path: null for TCP)
    if (typeof first.path === 'string' && first.path !== '') return connect.apply(this, args);
    host = first.host;
    port = first.port;
  } else if (typeof first === 'string' && !/^\\d+$/.test(first)) {
    return connect.apply(this, args);
  } else {
    port = first;
    host = typeof args[1] === 'string' ? args[1] : undefined;
  }
  if (loopback(host)) return connect.apply(this, args);
  process.stderr.write('NETGUARD: blocked a connection to ' + String(host) + ':' + String(port) + '\\n');
  const error = Object.assign(new Error('netguard: ' + String(host) + ' is not loopback'), { code: 'ENETUNREACH' });
  process.nextTick(() => this.destroy(error));
  return this;
};
`;

/**
 * Spawns the binary copy with exactly `env` (plus the no-proxy and colour switches, and a HOME
 * unless `env` has its own empty one): no variable of the test runner reaches it, so no proxy,
 * profile, CA bundle or ambient credential can.
 */
async function tsds(
  args: string[],
  env: Record<string, string>,
  options: { stdin?: string | Buffer } = {},
): Promise<CloudRun> {
  const bin = await builtBinary();
  const childEnv: Record<string, string> = {
    HOME: scratch,
    NO_COLOR: '1',
    NO_PROXY: '127.0.0.1,localhost,::1',
    no_proxy: '127.0.0.1,localhost,::1',
    ...env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', guardUrl, bin, ...args], {
      cwd: scratch,
      env: childEnv,
      stdio: 'pipe',
    });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const stdoutBytes = Buffer.concat(out);
      resolve({ code, stdout: stdoutBytes.toString('utf8'), stdoutBytes, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
  });
}

// ---- backends ------------------------------------------------------------------------------------

const metadata = (ref: SecretRef) => secretMetadata(PROJECT, ref, 'framework');

/** GCP: a service-account key file, or the metadata server of GCE / Cloud Run (served by the fake). */
type GcpAuth = 'key-file' | 'metadata';

async function startBackend(
  provider: ProviderName,
  gcpAuth: GcpAuth = 'key-file',
): Promise<Backend> {
  const home = await mkdtemp(join(scratch, 'home-'));
  const common = { HOME: home, TSDEVSTACK_RETRY_BASE_MS: '1' };
  switch (provider) {
    case 'local':
      return {
        provider,
        env: common,
        requests: () => undefined,
        throttleList: () => undefined,
        denyWrite: () => undefined,
        denyList: () => undefined,
        echoWrite: () => undefined,
        async seed(entries, project) {
          const store = await openStore('local', {
            project: PROJECT,
            env: 'dev',
            root: project.root,
            credentials: undefined,
            processEnv: {},
            retry: retryPolicyFromEnv({}),
          });
          for (const [ref, value] of entries)
            await store.set(ref, value, { kind: 'framework', overwrite: false });
        },
        confidential: [],
        identity: undefined,
        checkIdentity: () => undefined,
        close: () => Promise.resolve(),
      };
    case 'aws': {
      const fake = await startAwsFake({ region: 'eu-west-1' });
      return {
        provider,
        env: {
          ...common,
          AWS_ENDPOINT_URL_SECRETS_MANAGER: fake.url,
          AWS_REGION: 'eu-west-1',
          AWS_ACCESS_KEY_ID: AWS_KEY_ID,
          AWS_SECRET_ACCESS_KEY: AWS_SECRET_KEY,
          AWS_EC2_METADATA_DISABLED: 'true',
          CI: 'true',
        },
        requests: () => fake.log.length,
        throttleList: (times) => fake.failNext('ListSecrets', 'throttle', times),
        denyWrite: () => fake.failNext('CreateSecret', 'accessDenied'),
        denyList: () => fake.failNext('ListSecrets', 'accessDenied'),
        echoWrite: () => fake.failNext('CreateSecret', 'validation'),
        seed(entries) {
          for (const [ref, value] of entries)
            fake.state.seed(cloudSecretName('aws', PROJECT, ref), value, { tags: metadata(ref) });
          return Promise.resolve();
        },
        confidential: [AWS_SECRET_KEY],
        identity: AWS_KEY_ID,
        checkIdentity: () =>
          expect(new Set(fake.log.map((r) => r.accessKeyId))).toEqual(new Set([AWS_KEY_ID])),
        close: () => fake.close(),
      };
    }
    case 'azure': {
      const fake = await startAzureFake({ appId: AZURE_APP_ID });
      return {
        provider,
        env: {
          ...common,
          AZURE_KEYVAULT_URL: fake.url,
          IDENTITY_ENDPOINT: fake.identityEndpoint,
          IDENTITY_HEADER: fake.identityHeader,
          AZURE_TOKEN_CREDENTIALS: 'ManagedIdentityCredential',
        },
        requests: () => fake.log.length,
        throttleList: (times) => fake.failNext('list', 'throttle', times),
        denyWrite: () => fake.failNext('set', 'forbidden'),
        denyList: () => fake.failNext('list', 'forbidden'),
        echoWrite: () => fake.failNext('set', 'echo'),
        seed(entries) {
          for (const [ref, value] of entries)
            fake.state.seed(cloudSecretName('azure', PROJECT, ref), value, metadata(ref));
          return Promise.resolve();
        },
        confidential: [fake.identityHeader],
        identity: AZURE_APP_ID,
        checkIdentity: () => {
          // the managed-identity endpoint issued the tokens, and every vault request but the
          // SDK's unauthenticated first one (the 401 challenge) carried one
          expect(fake.log.some((r) => r.op === 'token' && r.status === 200)).toBe(true);
          const vault = fake.log.filter((r) => r.op !== 'token');
          expect(vault.every((r) => r.authorized || r.status === 401)).toBe(true);
          expect(vault.some((r) => r.authorized)).toBe(true);
        },
        close: () => fake.close(),
      };
    }
    case 'gcp': {
      const fake = await startGcpFake();
      const key = fake.serviceAccountKey(GCP_PROJECT);
      const keyFile = join(await mkdtemp(join(scratch, 'gcp-key-')), 'service-account.json');
      await writeFile(keyFile, JSON.stringify(key), { mode: 0o600 });
      const api = () => fake.log.filter((r) => r.method !== 'token' && r.method !== 'metadata');
      const auth: Record<string, string> =
        gcpAuth === 'key-file'
          ? { GOOGLE_APPLICATION_CREDENTIALS: keyFile }
          : { GCE_METADATA_HOST: `${fake.host}:${String(fake.port)}` };
      const identity = gcpAuth === 'key-file' ? key.client_email : GCE_DEFAULT_ACCOUNT;
      return {
        provider,
        env: {
          ...common,
          GCP_SECRET_MANAGER_ENDPOINT: fake.url,
          ...auth,
          GCP_PROJECT_ID: GCP_PROJECT,
        },
        requests: () => fake.log.length,
        throttleList: (times) => fake.failNext('listSecrets', 'throttled', times),
        denyWrite: () => fake.failNext('addSecretVersion', 'permission-denied'),
        denyList: () => fake.failNext('listSecrets', 'permission-denied'),
        echoWrite: (value) =>
          fake.failNext('addSecretVersion', 'permission-denied', 1, {
            message: `Permission 'secretmanager.versions.add' denied for payload ${value}`,
          }),
        seed(entries) {
          const secrets = fake.state.project(GCP_PROJECT);
          for (const [ref, value] of entries) {
            const id = cloudSecretName('gcp', PROJECT, ref);
            const time = new Date().toISOString();
            const { labels, annotations } = gcpSecretMetadata(PROJECT, ref, 'framework');
            secrets.set(id, {
              id,
              labels,
              annotations,
              createTime: time,
              etag: `"e2e-${id}"`,
              versions: [
                { number: 1, data: Buffer.from(value), createTime: time, state: 'ENABLED' },
              ],
            });
          }
          return Promise.resolve();
        },
        confidential: [key.private_key.split('\n')[1] ?? key.private_key],
        identity,
        checkIdentity: () =>
          expect(new Set(api().map((r) => r.identity))).toEqual(
            new Set([gcpAuth === 'key-file' ? key.client_email : 'metadata-default']),
          ),
        close: () => fake.close(),
      };
    }
  }
}

/** Runs `fn` with a fresh backend (its own test server), closed afterwards. */
async function withBackend(
  provider: ProviderName,
  fn: (backend: Backend, run: Runner) => Promise<void>,
  gcpAuth: GcpAuth = 'key-file',
): Promise<void> {
  const backend = await startBackend(provider, gcpAuth);
  const runs: Array<[string, CloudRun]> = [];
  const run: Runner = async (label, args, project, options = {}) => {
    const result = await tsds(
      [...args, '--provider', provider, '--env', options.env ?? 'dev', '--cwd', project.root],
      backend.env,
      { stdin: options.stdin },
    );
    runs.push([label, result]);
    return result;
  };
  try {
    await fn(backend, run);
    expectClean(runs, backend);
  } finally {
    await backend.close();
  }
}

type Runner = (
  label: string,
  args: string[],
  project: Project,
  options?: { stdin?: string | Buffer; env?: string },
) => Promise<CloudRun>;

/**
 * No value on stderr (nor on stdout, but for the get runs whose job it is), no credential
 * anywhere, no stack trace, no bug report, and no blocked connection.
 */
function expectClean(runs: Array<[string, CloudRun]>, backend: Backend): void {
  for (const [label, run] of runs) {
    const output = label.startsWith('get') ? run.stderr : run.stdout + run.stderr;
    const leaked = [...VALUES, ...backend.confidential].filter((v) => output.includes(v));
    expect({ label, leaked }).toEqual({ label, leaked: [] });
    const trouble = /NETGUARD.*|.*this is a bug.*|\n\s+at .+:\d+:\d+/.exec(run.stderr)?.[0];
    expect({ label, trouble }).toEqual({ label, trouble: undefined });
  }
}

/** What the test server saw during `fn` (undefined for local). */
async function requestsDuring<T>(
  backend: Backend,
  fn: () => Promise<T>,
): Promise<[T, number | undefined]> {
  const before = backend.requests();
  const result = await fn();
  const after = backend.requests();
  return [result, before === undefined || after === undefined ? undefined : after - before];
}

interface ListDoc {
  secrets: Array<{ key: string; scope: string; kind: string | null; updatedAt: string | null }>;
}
interface ErrorDoc {
  error: { code: string; message: string; hint: string | null };
}

const PROVIDERS: ProviderName[] = ['local', 'aws', 'azure', 'gcp'];
const CLOUDS = PROVIDERS.filter((p) => p !== 'local');

describe('the network guard', () => {
  it('blocks and reports connections off loopback: net, http, https and fetch alike', async () => {
    // each way the SDKs connect; the loopback one must still go through (and be refused there)
    const script = `
      const net = require('node:net'), http = require('node:http'), https = require('node:https');
      const code = (e) => e.code ?? e.cause?.code;
      const tries = [
        new Promise((r) => net.connect(443, '192.0.2.1').on('error', (e) => r('net ' + code(e)))),
        new Promise((r) => http.get('http://192.0.2.1/v1/x').on('error', (e) => r('http ' + code(e)))),
        new Promise((r) => https.get('https://login.microsoftonline.com/').on('error', (e) => r('https ' + code(e)))),
        fetch('http://169.254.169.254/latest').catch((e) => 'fetch ' + code(e)),
        new Promise((r) => http.get('http://127.0.0.1:1/').on('error', (e) => r('loopback ' + code(e)))),
      ];
      Promise.all(tries).then((results) => console.log(results.join(',')));
    `;
    const run = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', guardUrl, '-e', script], {
        env: { HOME: scratch },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('close', () => resolve({ stdout, stderr }));
    });
    expect(run.stdout).toBe(
      'net ENETUNREACH,http ENETUNREACH,https ENETUNREACH,fetch ENETUNREACH,loopback ECONNREFUSED\n',
    );
    expect(run.stderr.split('\n').sort()).toEqual([
      '',
      'NETGUARD: blocked a connection to 169.254.169.254:80',
      'NETGUARD: blocked a connection to 192.0.2.1:443',
      'NETGUARD: blocked a connection to 192.0.2.1:80',
      'NETGUARD: blocked a connection to login.microsoftonline.com:443',
    ]);
  });
});

// One concurrent suite, so the slow chains of the SDK-backed stores overlap on two cores.
describe.concurrent('cloud-secrets through the built binary', { timeout: 120_000 }, () => {
  it.for(PROVIDERS)(
    '%s: set (argument, --value, stdin), get exact bytes, list --json, remove, set again',
    async (provider) => {
      await withBackend(provider, async (backend, run) => {
        const project = await makeProject({ config: CONFIG });

        const [argument, argumentRequests] = await requestsDuring(backend, () =>
          run(
            'set argument',
            ['cloud-secrets:set', 'STRIPE_SECRET_KEY', STRIPE, '--json'],
            project,
          ),
        );
        expect([argument.code, jsonOf(argument)]).toEqual([
          0,
          { key: 'STRIPE_SECRET_KEY', scope: 'shared', action: 'created' },
        ]);
        // the store is named on stderr, with the endpoint taken from the environment
        expect(argument.stderr).toContain(`project ${PROJECT}, environment dev`);
        const endpoint = { local: undefined, aws: backend.env.AWS_ENDPOINT_URL_SECRETS_MANAGER, azure: backend.env.AZURE_KEYVAULT_URL, gcp: backend.env.GCP_SECRET_MANAGER_ENDPOINT }[provider]; // prettier-ignore
        if (endpoint !== undefined) {
          expect(argument.stderr).toContain(endpoint);
          expect(argumentRequests).toBeGreaterThanOrEqual(2); // read (is it there?), then write
        }

        // independent writes, at once (local: one writer at a time, through its lock)
        const [flag, piped, scoped, domain] = await Promise.all([
          run('set --value', ['cloud-secrets:set', 'PASSPHRASE', '--value', FLAG_VALUE], project),
          run('set stdin', ['cloud-secrets:set', 'SIGNING_KEY', '--json'], project, { stdin: PEM_LIKE }), // prettier-ignore
          run('set service', ['cloud-secrets:set', 'WEBHOOK_PATH', '--value', '-', '--service', 'api-gateway'], project, { stdin: WEBHOOK }), // prettier-ignore
          // on AWS, `acme-shop-shared-DOMAIN` ends in "-" plus six characters (the ARN-suffix trap)
          run('set DOMAIN', ['cloud-secrets:set', 'DOMAIN', DOMAIN], project),
        ]);
        expect([flag.code, flag.stdout]).toEqual([
          0,
          `shared/PASSPHRASE in dev: created (${cloudSecretName(provider, PROJECT, { key: 'PASSPHRASE', scope: 'shared' })})\n`,
        ]);
        expect([piped.code, jsonOf(piped)]).toEqual([0, { key: 'SIGNING_KEY', scope: 'shared', action: 'created' }]); // prettier-ignore
        expect([scoped.code, domain.code]).toEqual([0, 0]);
        const same = await run('set same', ['cloud-secrets:set', 'DOMAIN', DOMAIN, '--json'], project); // prettier-ignore
        expect([same.code, jsonOf(same)]).toEqual([0, { key: 'DOMAIN', scope: 'shared', action: 'unchanged' }]); // prettier-ignore

        const gets = await Promise.all([
          run('get argument', ['cloud-secrets:get', 'STRIPE_SECRET_KEY'], project),
          run('get --value', ['cloud-secrets:get', 'PASSPHRASE'], project),
          run('get stdin', ['cloud-secrets:get', 'SIGNING_KEY'], project),
          run('get service --json', ['cloud-secrets:get', 'WEBHOOK_PATH', '--service', 'api-gateway', '--json'], project), // prettier-ignore
        ]);
        expect(gets.map((g) => g.code)).toEqual([0, 0, 0, 0]);
        expect(gets[0]?.stdoutBytes.equals(Buffer.from(STRIPE))).toBe(true);
        expect(gets[1]?.stdoutBytes.equals(Buffer.from(FLAG_VALUE, 'utf8'))).toBe(true);
        // stdin keeps its trailing newline and its CRLFs, byte for byte
        expect(gets[2]?.stdoutBytes.toString('hex')).toBe(Buffer.from(PEM_LIKE, 'utf8').toString('hex')); // prettier-ignore
        expect(jsonOf(gets[3])).toEqual({ key: 'WEBHOOK_PATH', scope: 'api-gateway', value: WEBHOOK }); // prettier-ignore

        const listed = await run('list --json', ['cloud-secrets:list', '--json'], project);
        expect(listed.code).toBe(0);
        const doc = jsonOf<ListDoc>(listed);
        expect(Object.keys(doc)).toEqual(['secrets']);
        expect(doc.secrets.map(({ key, scope, kind }) => ({ key, scope, kind }))).toEqual([
          { key: 'DOMAIN', scope: 'shared', kind: 'user' }, // DOMAIN is a user key (SPEC §5)
          { key: 'PASSPHRASE', scope: 'shared', kind: 'user' },
          { key: 'SIGNING_KEY', scope: 'shared', kind: 'user' },
          { key: 'STRIPE_SECRET_KEY', scope: 'shared', kind: 'user' },
          { key: 'WEBHOOK_PATH', scope: 'api-gateway', kind: 'user' },
        ]);
        for (const secret of doc.secrets) {
          expect(Object.keys(secret)).toEqual(['key', 'scope', 'kind', 'updatedAt']);
          // GCP lists no update time (a listed secret only carries its creation time; SPEC §9.4:
          // "where the provider gives it cheaply")
          if (provider === 'gcp') expect(secret.updatedAt).toBeNull();
          else expect(secret.updatedAt).toMatch(ISO_UTC);
        }

        const removed = await run('remove', ['cloud-secrets:remove', 'DOMAIN', '--json'], project);
        expect([removed.code, jsonOf(removed)]).toEqual([0, { key: 'DOMAIN', scope: 'shared', action: 'deleted' }]); // prettier-ignore
        const [gone, again, afterList] = await Promise.all([
          run('get removed', ['cloud-secrets:get', 'DOMAIN'], project),
          run('remove again', ['cloud-secrets:remove', 'DOMAIN', '--json'], project),
          run('list after remove', ['cloud-secrets:list', '--json'], project),
        ]);
        expect([gone.code, gone.stdout]).toEqual([1, '']);
        expect(gone.stderr).toContain('error: shared/DOMAIN does not exist in dev');
        expect([again.code, jsonOf<ErrorDoc>(again).error.code]).toEqual([1, 'SECRET_NOT_FOUND']);
        expect(jsonOf<ListDoc>(afterList).secrets.map((s) => s.key)).not.toContain('DOMAIN');

        // AWS keeps a removed secret scheduled for deletion and Azure soft-deletes it: setting the
        // key again restores it; GCP and local have no such state
        const restored = await run('set after remove', ['cloud-secrets:set', 'DOMAIN', `www.${DOMAIN}`, '--json'], project); // prettier-ignore
        expect([restored.code, jsonOf(restored)]).toEqual([
          0,
          {
            key: 'DOMAIN',
            scope: 'shared',
            action: provider === 'aws' || provider === 'azure' ? 'restored' : 'created',
          },
        ]);
        const back = await run('get restored', ['cloud-secrets:get', 'DOMAIN'], project);
        expect([back.code, back.stdout]).toEqual([0, `www.${DOMAIN}`]);
        backend.checkIdentity();
      });
    },
  );

  it.for(PROVIDERS)(
    '%s: diff after generate-secrets is exit 1 while keys are missing (also --json), 0 once they are set',
    async (provider) => {
      await withBackend(provider, async (backend, run) => {
        const project = await cloneProject(template);
        const first = await run('diff --json', ['cloud-secrets:diff', '--json'], project);
        expect(first.code).toBe(1);
        const plan = jsonOf<{ missing: SecretRef[]; extra: SecretRef[] }>(first);
        expect(Object.keys(plan)).toEqual(['missing', 'extra']);
        expect(plan.extra).toEqual([]);
        const missing = plan.missing.map((r) => `${r.scope}/${r.key}`);
        expect(missing).toEqual(expect.arrayContaining(['shared/API_GATEWAY_API_KEY', 'shared/KONG_TRUST_TOKEN', 'shared/DOMAIN'])); // prettier-ignore
        for (const owned of ['NODE_ENV', 'LOG_LEVEL', 'REDIS_HOST', 'API_GATEWAY_URL'])
          expect(missing).not.toContain(`shared/${owned}`);

        // all but DOMAIN (and one key nothing needs) straight into the store; DOMAIN through the CLI
        const rest = plan.missing.filter((r) => r.key !== 'DOMAIN');
        const extra: SecretRef = { key: 'LEFTOVER_TOKEN', scope: 'shared' };
        await backend.seed(
          [...rest, extra].map((ref) => [ref, `seeded ${ref.key}`]),
          project,
        );
        const human = await run('diff one missing', ['cloud-secrets:diff'], project);
        expect([human.code, human.stdout]).toEqual([
          1,
          'Missing in dev (1):\n  shared/DOMAIN\nExtra in dev, needed by nothing in this project (1):\n  shared/LEFTOVER_TOKEN\n',
        ]);
        expect(human.stderr).toMatch(/^warning: 1 missing: .*cloud-secrets:set KEY --env dev/m);

        const set = await run('set DOMAIN', ['cloud-secrets:set', 'DOMAIN'], project, { stdin: DOMAIN }); // prettier-ignore
        expect(set.code).toBe(0);
        const [complete, text] = await Promise.all([
          run('diff complete', ['cloud-secrets:diff', '--json'], project),
          run('diff complete text', ['cloud-secrets:diff'], project),
        ]);
        expect([complete.code, jsonOf(complete)]).toEqual([0, { missing: [], extra: [extra] }]);
        expect([text.code, text.stdout]).toEqual([
          0,
          `Extra in dev, needed by nothing in this project (1):\n  shared/LEFTOVER_TOKEN\ndev has all ${String(plan.missing.length)} secrets this project needs.\n`,
        ]);
      });
    },
  );

  it.for(PROVIDERS)(
    '%s: a write or removal in prod without --yes is exit 2 and sends nothing',
    async (provider) => {
      await withBackend(provider, async (backend, run) => {
        const project = await makeProject({ config: CONFIG });
        const [[set, remove], requests] = await requestsDuring(backend, () =>
          Promise.all([
            run('set prod', ['cloud-secrets:set', 'DOMAIN', '--value', DOMAIN], project, { env: 'prod' }), // prettier-ignore
            run('remove production', ['cloud-secrets:remove', 'DOMAIN', '--json'], project, { env: 'production' }), // prettier-ignore
          ]),
        );
        expect(set.code).toBe(2);
        expect(set.stderr).toContain('error: prod is a production environment: to set shared/DOMAIN outside a terminal, confirm with --yes'); // prettier-ignore
        expect([remove.code, jsonOf<ErrorDoc>(remove).error.code]).toEqual([2, 'PRODUCTION_NEEDS_YES']); // prettier-ignore
        if (provider === 'local')
          expect(project.exists('.tsdevstack/.local-store.prod.json')).toBe(false); // prettier-ignore
        else expect(requests).toBe(0);

        const yes = await run('set prod --yes', ['cloud-secrets:set', 'DOMAIN', '--value', DOMAIN, '--yes', '--json'], project, { env: 'prod' }); // prettier-ignore
        expect([yes.code, jsonOf(yes)]).toEqual([0, { key: 'DOMAIN', scope: 'shared', action: 'created' }]); // prettier-ignore
      });
    },
  );

  // Fault injection needs a test server: the cloud stores only.
  it.for(CLOUDS)(
    '%s: throttled list requests are retried until they succeed; five in a row exhaust the retries (exit 3)',
    async (provider) => {
      await withBackend(provider, async (backend, run) => {
        const project = await makeProject({ config: CONFIG });
        await backend.seed([[{ key: 'DOMAIN', scope: 'shared' }, DOMAIN]], project);
        const [, calm] = await requestsDuring(backend, () => run('list calm', ['cloud-secrets:list', '--json'], project)); // prettier-ignore
        backend.throttleList(2);
        const [throttled, requests] = await requestsDuring(backend, () =>
          run('list throttled', ['cloud-secrets:list', '--json'], project),
        );
        expect(throttled.code).toBe(0);
        expect(jsonOf<ListDoc>(throttled).secrets.map((s) => s.key)).toEqual(['DOMAIN']);
        expect(requests).toBe((calm ?? 0) + 2);

        backend.throttleList(5);
        const exhausted = await run('list exhausted', ['cloud-secrets:list', '--json'], project);
        expect(exhausted.code).toBe(3);
        expect(jsonOf<ErrorDoc>(exhausted).error).toMatchObject({
          code: 'RETRIES_EXHAUSTED',
          message: expect.stringContaining('gave up after 5 attempts') as string,
        });
      });
    },
  );

  it.for(CLOUDS)(
    '%s: permission denied is exit 3 naming the environment; a provider error quoting the value is scrubbed',
    async (provider) => {
      await withBackend(
        provider,
        async (backend, run) => {
          const project = await makeProject({ config: CONFIG });
          backend.denyWrite();
          const denied = await run('set denied', ['cloud-secrets:set', 'STRIPE_SECRET_KEY', '--value', STRIPE], project); // prettier-ignore
          expect([denied.code, denied.stdout]).toEqual([3, '']);
          const message = /^error: (.*)$/m.exec(denied.stderr)?.[1] ?? denied.stderr;
          expect(message).toMatch(/environment "?dev\b/);
          expect(message).toContain(backend.identity);
          expect(message.toLowerCase()).toMatch(/permission|denied|not authorized|may not/);

          backend.denyWrite();
          const json = await run('set denied --json', ['cloud-secrets:set', 'STRIPE_SECRET_KEY', '--value', STRIPE, '--json'], project); // prettier-ignore
          expect(json.code).toBe(3);
          const error = jsonOf<ErrorDoc>(json).error;
          expect(Object.keys(error)).toEqual(['code', 'message', 'hint']);
          expect(error.code).toBe('PERMISSION_DENIED');
          expect(error.message).toMatch(/environment "?dev\b/);
          expect(json.stderr).not.toContain('error:'); // the error is the JSON document

          backend.echoWrite(FLAG_VALUE);
          const echoed = await run('set echoed', ['cloud-secrets:set', 'PASSPHRASE', '--value', FLAG_VALUE, '--json'], project); // prettier-ignore
          expect(echoed.code).toBe(3);
          expect(jsonOf<ErrorDoc>(echoed).error.message).not.toContain('ünïcødé');

          // the refused writes stored nothing readable
          const missing = await run('get after denied', ['cloud-secrets:get', 'STRIPE_SECRET_KEY', '--json'], project); // prettier-ignore
          expect([missing.code, jsonOf<ErrorDoc>(missing).error.code]).toEqual([1, 'SECRET_NOT_FOUND']); // prettier-ignore
          backend.checkIdentity();
          // GCP here authenticates through the metadata server (GCE_METADATA_HOST), not a key file
        },
        'metadata',
      );
    },
  );

  // list (and diff, which lists) refused: the same error a refused write gets
  const listDenied = async (provider: ProviderName): Promise<void> => {
    await withBackend(provider, async (backend, run) => {
      const project = await cloneProject(template);
      backend.denyList();
      backend.denyList();
      const [list, diff] = await Promise.all([
        run('list denied', ['cloud-secrets:list', '--json'], project),
        run('diff denied', ['cloud-secrets:diff'], project),
      ]);
      expect(list.code).toBe(3);
      const error = jsonOf<ErrorDoc>(list).error;
      expect(error.code).toBe('PERMISSION_DENIED');
      expect(error.message).toMatch(/environment "?dev\b/);
      expect([diff.code, diff.stdout]).toEqual([3, '']);
      expect(diff.stderr).toMatch(/^error: .*environment "?dev\b/m);
    });
  };
  it.for(CLOUDS)(
    '%s: a refused list (list, diff) is exit 3 PERMISSION_DENIED naming the environment',
    listDenied,
  );
});
