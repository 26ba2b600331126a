import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtBinary, cleanupBinary, cleanupProjects } from './support/temp-project.js';
import {
  cloudCli,
  cloudCliInTerminal,
  cloudProject,
  HAS_SCRIPT,
  jsonOf,
  local,
  type CloudRun,
} from './support/cloud-cli.js';

beforeAll(async () => {
  await builtBinary();
});
afterAll(cleanupProjects);
afterAll(cleanupBinary);

const STRIPE = 'sk_live_51HqLyjWDarjtT1zdp7dcXCCzaZx9Vt2mF8kQpL3nR6sT0uW4yA7bC1dE';
const PEM_LIKE =
  '-----BEGIN KEY-----\r\nline one\r\nline two with ünïcødé ✓\r\n-----END KEY-----\r\n';
const STORE = (env: string) => `.tsdevstack/.local-store.${env}.json`;

/** No value appears on stderr, nor on stdout of a command whose job is not to print it. */
function expectNoValueIn(runs: Array<[label: string, run: CloudRun]>, values: string[]): void {
  for (const [label, run] of runs) {
    const output = label.startsWith('get') ? run.stderr : run.stdout + run.stderr;
    const leaked = values.filter((value) => output.includes(value));
    expect({ label, leaked }).toEqual({ label, leaked: [] });
  }
}

// Each test spawns the CLI a few dozen times; on a loaded two-core machine that takes a while.
describe.concurrent('cloud-secrets commands against the local store', { timeout: 180_000 }, () => {
  it('set, get, list and remove: exit codes, --json shapes, and the store named on stderr', async () => {
    const project = await cloudProject();
    const runs: Array<[string, CloudRun]> = [];
    const run = async (label: string, args: string[], stdin?: string) => {
      const result = await cloudCli([...args, ...local(project)], { stdin });
      runs.push([label, result]);
      return result;
    };

    const created = await run('set --value', ['cloud-secrets:set', 'STRIPE_SECRET_KEY', '--value', STRIPE, '--json']); // prettier-ignore
    expect(created.code).toBe(0);
    expect(jsonOf(created)).toEqual({ key: 'STRIPE_SECRET_KEY', scope: 'shared', action: 'created' }); // prettier-ignore
    expect(created.stderr).toContain('Using local (.tsdevstack/.local-store.dev.json): project acme-shop, environment dev'); // prettier-ignore
    expect(await project.mode(STORE('dev'))).toBe(0o600);

    const same = await run('set same', ['cloud-secrets:set', 'STRIPE_SECRET_KEY', STRIPE]);
    expect([same.code, same.stdout]).toEqual([0, 'shared/STRIPE_SECRET_KEY in dev: unchanged: the stored value is the same (acme-shop-shared-STRIPE_SECRET_KEY)\n']); // prettier-ignore
    const refused = await run('set different', ['cloud-secrets:set', 'STRIPE_SECRET_KEY', `${STRIPE}x`, '--json']); // prettier-ignore
    expect(refused.code).toBe(2);
    expect(jsonOf(refused)).toMatchObject({ error: { code: 'SECRET_EXISTS' } });
    const updated = await run('set --overwrite', ['cloud-secrets:set', 'STRIPE_SECRET_KEY', `${STRIPE}x`, '--overwrite', '--json']); // prettier-ignore
    expect(jsonOf(updated)).toEqual({ key: 'STRIPE_SECRET_KEY', scope: 'shared', action: 'updated' }); // prettier-ignore

    const got = await run('get', ['cloud-secrets:get', 'STRIPE_SECRET_KEY']);
    expect([got.code, got.stdout]).toEqual([0, `${STRIPE}x`]); // no newline: stdout is a pipe
    const gotJson = await run('get --json', ['cloud-secrets:get', 'STRIPE_SECRET_KEY', '--json']);
    expect(jsonOf(gotJson)).toEqual({ key: 'STRIPE_SECRET_KEY', scope: 'shared', value: `${STRIPE}x` }); // prettier-ignore

    // a service scope, a framework key, and a key that sorts before the others
    await run('set service', ['cloud-secrets:set', 'WEBHOOK_PATH', '/hooks/stripe', '--service', 'offers-service']); // prettier-ignore
    await run('set framework', ['cloud-secrets:set', 'AUTH_SERVICE_API_KEY', 'a'.repeat(64)]);
    const scoped = await run('get service', ['cloud-secrets:get', 'WEBHOOK_PATH', '--service', 'offers-service']); // prettier-ignore
    expect(scoped.stdout).toBe('/hooks/stripe');
    const notShared = await run('get not shared', ['cloud-secrets:get', 'WEBHOOK_PATH', '--json']);
    expect(notShared.code).toBe(1);
    expect(jsonOf(notShared)).toMatchObject({ error: { code: 'SECRET_NOT_FOUND', message: 'shared/WEBHOOK_PATH does not exist in dev (acme-shop-shared-WEBHOOK_PATH)' } }); // prettier-ignore

    const listed = await run('list --json', ['cloud-secrets:list', '--json']);
    expect(listed.code).toBe(0);
    const doc = jsonOf<{ secrets: Array<{ key: string; scope: string; kind: string; updatedAt: string }> }>(listed); // prettier-ignore
    expect(doc.secrets.map(({ key, scope, kind }) => ({ key, scope, kind }))).toEqual([
      { key: 'AUTH_SERVICE_API_KEY', scope: 'shared', kind: 'framework' },
      { key: 'STRIPE_SECRET_KEY', scope: 'shared', kind: 'user' },
      { key: 'WEBHOOK_PATH', scope: 'offers-service', kind: 'user' },
    ]);
    for (const secret of doc.secrets) {
      expect(secret.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z$/);
      expect(Object.keys(secret)).toEqual(['key', 'scope', 'kind', 'updatedAt']);
    }
    const table = await run('list', ['cloud-secrets:list']);
    expect(table.stdout.split('\n')[0]).toMatch(/^KEY\s+SCOPE\s+KIND\s+UPDATED$/);
    expect(table.stdout).toMatch(/^WEBHOOK_PATH\s+offers-service\s+user\s+\d{4}-/m);

    const removed = await run('remove', ['cloud-secrets:remove', 'STRIPE_SECRET_KEY', '--json']);
    expect([removed.code, jsonOf(removed)]).toEqual([0, { key: 'STRIPE_SECRET_KEY', scope: 'shared', action: 'deleted' }]); // prettier-ignore
    const gone = await run('get removed', ['cloud-secrets:get', 'STRIPE_SECRET_KEY']);
    expect([gone.code, gone.stdout]).toEqual([1, '']);
    expect(gone.stderr).toContain('error: shared/STRIPE_SECRET_KEY does not exist in dev');
    const again = await run('remove again', ['cloud-secrets:remove', 'STRIPE_SECRET_KEY']);
    expect(again.code).toBe(1);
    const human = await run('remove service', ['cloud-secrets:remove', 'WEBHOOK_PATH', '--service', 'offers-service']); // prettier-ignore
    expect(human.stdout).toBe('offers-service/WEBHOOK_PATH in dev: deleted (acme-shop-offers-service-WEBHOOK_PATH)\n'); // prettier-ignore

    const empty = await cloudCli(['cloud-secrets:list', '--json', ...local(project, 'staging')]);
    expect(jsonOf(empty)).toEqual({ secrets: [] });
    expectNoValueIn(runs, [STRIPE, 'a'.repeat(64), '/hooks/stripe']);
  });

  it('stores a value from stdin byte for byte; --trim strips exactly one line ending', async () => {
    const project = await cloudProject();
    const set = (key: string, stdin: string | Buffer, ...flags: string[]) =>
      cloudCli(['cloud-secrets:set', key, ...flags, ...local(project)], { stdin });
    const get = async (key: string) => (await cloudCli(['cloud-secrets:get', key, ...local(project)])).stdoutBytes; // prettier-ignore

    const runs = await Promise.all([
      set('PIPED', PEM_LIKE), // piped stdin, no --value: read
      set('DASH', 'two lines\n\n', '--value', '-'),
      set('POSITIONAL_DASH', 'dash\n', '-'),
      set('TRIM_CRLF', 'value\r\n\r\n', '--trim'),
      set('TRIM_LF', 'value\n', '--value', '-', '--trim'),
      set('TRIM_ARG', 'argument\n', '--trim', '--value', 'kept as given\n'),
    ]);
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0, 0, 0]);
    // one writer at a time: the store file is locked, and every run above landed
    expect((await get('PIPED')).equals(Buffer.from(PEM_LIKE, 'utf8'))).toBe(true);
    expect((await get('DASH')).toString('utf8')).toBe('two lines\n\n');
    expect((await get('POSITIONAL_DASH')).toString('utf8')).toBe('dash\n');
    expect((await get('TRIM_CRLF')).toString('utf8')).toBe('value\r\n');
    expect((await get('TRIM_LF')).toString('utf8')).toBe('value');
    expect((await get('TRIM_ARG')).toString('utf8')).toBe('kept as given'); // --trim applies to every source
    expectNoValueIn(runs.map((r, i) => [`set ${String(i)}`, r]), ['line two with', 'two lines', 'kept as given']); // prettier-ignore
  });

  it('refuses values it cannot store exactly, before writing anything (exit 2)', async () => {
    const project = await cloudProject();
    const set = (args: string[], stdin?: string | Buffer) =>
      cloudCli(['cloud-secrets:set', ...args, '--json', ...local(project)], { stdin });
    const cases: Array<[string[], string | Buffer | undefined, string]> = [
      [['LATIN1'], Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]), 'VALUE_NOT_UTF8'],
      [['EMPTY'], '', 'VALUE_EMPTY'],
      [['ONLY_NEWLINE', '--trim'], '\n', 'VALUE_EMPTY'],
      [['EMPTY_FLAG', '--value', ''], undefined, 'VALUE_EMPTY'],
      [['TWICE', 'a', '--value', 'b'], undefined, 'VALUE_GIVEN_TWICE'],
      [['TOO_BIG'], 'x'.repeat(65_537), 'VALUE_TOO_LARGE'],
      [['bad-key', '--value', 'v'], undefined, 'KEY_INVALID'],
      [['KEY', '--value', 'v', '--service', 'ofers-service'], undefined, 'SERVICE_UNKNOWN'],
    ];
    const runs = await Promise.all(cases.map(([args, stdin]) => set(args, stdin)));
    expect(runs.map((r) => [r.code, jsonOf<{ error: { code: string } }>(r).error.code])).toEqual(
      cases.map(([, , code]) => [2, code]),
    );
    expect(jsonOf<{ error: { message: string } }>(runs[7] as CloudRun).error.message).toContain('did you mean offers-service?'); // prettier-ignore
    expect(project.exists(STORE('dev'))).toBe(false);
  });

  it('writes and removals in prod need --yes outside a terminal; reads do not', async () => {
    const project = await cloudProject();
    const noYes = await cloudCli(['cloud-secrets:set', 'DOMAIN', '--value', 'example.com', ...local(project, 'prod')]); // prettier-ignore
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain('error: prod is a production environment: to set shared/DOMAIN outside a terminal, confirm with --yes'); // prettier-ignore
    const piped = await cloudCli(['cloud-secrets:set', 'DOMAIN', ...local(project, 'production')], { stdin: 'example.com' }); // prettier-ignore
    expect(piped.code).toBe(2);
    expect(project.exists(STORE('prod')) || project.exists(STORE('production'))).toBe(false);

    const yes = await cloudCli(['cloud-secrets:set', 'DOMAIN', '--value', 'example.com', '--yes', ...local(project, 'prod')]); // prettier-ignore
    expect(yes.code).toBe(0);
    const read = await cloudCli(['cloud-secrets:get', 'DOMAIN', ...local(project, 'prod')]);
    expect([read.code, read.stdout]).toEqual([0, 'example.com']);
    const removeNoYes = await cloudCli(['cloud-secrets:remove', 'DOMAIN', '--json', ...local(project, 'prod')]); // prettier-ignore
    expect([removeNoYes.code, jsonOf(removeNoYes)]).toMatchObject([2, { error: { code: 'PRODUCTION_NEEDS_YES' } }]); // prettier-ignore
    const removeYes = await cloudCli(['cloud-secrets:remove', 'DOMAIN', '-y', ...local(project, 'prod')]); // prettier-ignore
    expect(removeYes.code).toBe(0);
  });

  it('resolves the environment: --env, then TARGET_ENV, then the only one in the credentials file', async () => {
    const project = await cloudProject({
      '.tsdevstack/.credentials.aws.json': { content: JSON.stringify({ prod: AWS_ENTRY }), mode: 0o600 }, // prettier-ignore
    });
    const where = (run: CloudRun) => /local-store\.([a-z0-9-]+)\.json/.exec(run.stderr)?.[1];
    const base = ['cloud-secrets:list', '--provider', 'local', '--cwd', project.root];
    const [flag, target, none, invalid] = await Promise.all([
      cloudCli([...base, '--env', 'dev'], { env: { TARGET_ENV: 'staging' } }),
      cloudCli(base, { env: { TARGET_ENV: 'staging' } }),
      cloudCli([...base, '--json']),
      cloudCli(base, { env: { TARGET_ENV: 'Staging' } }),
    ]);
    expect([flag.code, where(flag)]).toEqual([0, 'dev']);
    expect([target.code, where(target)]).toEqual([0, 'staging']);
    expect([none.code, jsonOf(none)]).toEqual([2, { error: { code: 'ENV_REQUIRED', message: 'which environment? Give --env NAME or set TARGET_ENV', hint: 'For example: --env dev' } }]); // prettier-ignore
    expect([invalid.code, invalid.stderr]).toEqual([2, expect.stringContaining('error: TARGET_ENV: "Staging" is not a valid environment name')]); // prettier-ignore

    // aws: the only environment of the file is prod, so this write stops at the production check,
    // before any store is opened
    const aws = await cloudCli(['cloud-secrets:set', 'DOMAIN', '--value', 'x.com', '--provider', 'aws', '--cwd', project.root]); // prettier-ignore
    expect([aws.code, aws.stderr]).toEqual([2, expect.stringContaining('prod is a production environment')]); // prettier-ignore
  });

  it('reports credentials file problems naming the environment and field, never a value', async () => {
    const project = await cloudProject({
      '.tsdevstack/.credentials.aws.json': {
        content: JSON.stringify({ dev: AWS_ENTRY, prod: { ...AWS_ENTRY, accountId: '12', secretAccessKey: 42 } }), // prettier-ignore
        mode: 0o600,
      },
      '.tsdevstack/.credentials.gcp.json': { content: '{\n  "dev": {\n    "type": "service_account",\n  }\n}\n', mode: 0o600 }, // prettier-ignore
      '.tsdevstack/.credentials.azure.json': { content: JSON.stringify({ dev: { ...AZURE_ENTRY, vaultName: undefined } }), mode: 0o644 }, // prettier-ignore
    });
    const list = (provider: string, ...extra: string[]) =>
      cloudCli(['cloud-secrets:list', '--provider', provider, '--env', 'dev', '--cwd', project.root, ...extra]); // prettier-ignore
    const [aws, gcp, azure] = await Promise.all([list('aws'), list('gcp'), list('azure')]);
    expect(aws.code).toBe(2);
    expect(aws.stderr).toContain('.tsdevstack/.credentials.aws.json: prod.secretAccessKey: must be a string: the secret access key'); // prettier-ignore
    expect(aws.stderr).toContain('.tsdevstack/.credentials.aws.json: prod.accountId: must be the 12-digit AWS account id'); // prettier-ignore
    expect(gcp.code).toBe(2);
    expect(gcp.stderr).toContain('error: .tsdevstack/.credentials.gcp.json:4:3: ');
    expect(azure.code).toBe(2);
    expect(azure.stderr).toContain('warning: .tsdevstack/.credentials.azure.json is readable by other users (mode 644); run: chmod 600 .tsdevstack/.credentials.azure.json'); // prettier-ignore
    expect(azure.stderr).toContain('dev.vaultName: required');
    for (const run of [aws, gcp, azure]) {
      expect(run.stdout).toBe('');
      expect(run.stderr).not.toContain(AWS_ENTRY.secretAccessKey);
      expect(run.stderr).not.toContain(AZURE_ENTRY.clientSecret);
    }
  });

  it('refuses an environment missing from the credentials file outside CI; CI uses the default chain', async () => {
    const project = await cloudProject({
      '.tsdevstack/.credentials.aws.json': { content: JSON.stringify({ dev: AWS_ENTRY, prod: { ...AWS_ENTRY, accountId: '210987654321' } }), mode: 0o600 }, // prettier-ignore
    });
    const args = ['cloud-secrets:list', '--provider', 'aws', '--env', 'staging', '--json', '--cwd', project.root]; // prettier-ignore
    const [typo, ci] = await Promise.all([
      cloudCli(args),
      // no SDK can be found next to the binary copy, so the default chain ends at SDK_MISSING: no network
      cloudCli(args, { env: { CI: 'true', AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' } }), // prettier-ignore
    ]);
    expect([typo.code, jsonOf(typo)]).toEqual([
      2,
      {
        error: {
          code: 'CREDENTIALS_ENV_MISSING',
          message: '.tsdevstack/.credentials.aws.json has no "staging" entry (it has dev, prod)',
          hint: 'Add a "staging" entry to .tsdevstack/.credentials.aws.json, or pick one of its environments with --env.', // prettier-ignore
        },
      },
    ]);
    expect(jsonOf<{ error: { code: string } }>(ci).error.code).not.toBe('CREDENTIALS_ENV_MISSING');
    expect(ci.stderr).toContain('has no "staging" entry; in CI, using the aws SDK\'s default credentials.'); // prettier-ignore
  });

  it('refuses environments that share a cloud account, listing each duplicate', async () => {
    const project = await cloudProject({
      '.tsdevstack/.credentials.aws.json': { content: JSON.stringify({ dev: AWS_ENTRY, staging: AWS_ENTRY, prod: { ...AWS_ENTRY, accountId: '210987654321' } }), mode: 0o600 }, // prettier-ignore
      '.tsdevstack/.credentials.gcp.json': { content: JSON.stringify({ dev: GCP_ENTRY, prod: GCP_ENTRY }), mode: 0o600 }, // prettier-ignore
    });
    const list = (provider: string) =>
      cloudCli(['cloud-secrets:list', '--provider', provider, '--env', 'dev', '--cwd', project.root]); // prettier-ignore
    const [aws, gcp] = await Promise.all([list('aws'), list('gcp')]);
    expect([aws.code, aws.stderr]).toEqual([2, expect.stringContaining('environments must not share a cloud account:\n  AWS account id 123456789012 is used by dev, staging')]); // prettier-ignore
    expect([gcp.code, gcp.stderr]).toEqual([2, expect.stringContaining('GCP project id acme-dev is used by dev, prod')]); // prettier-ignore
  });

  it('usage mistakes exit 2, with a JSON error document under --json', async () => {
    const project = await cloudProject();
    const [unknownOption, unknownProvider, extraArgument, noKey] = await Promise.all([
      cloudCli(['cloud-secrets:list', '--bogus', '--json', ...local(project)]),
      cloudCli(['cloud-secrets:list', '--provider', 'dropbox', ...local(project).slice(2)]),
      cloudCli(['cloud-secrets:get', 'A', 'B', ...local(project)]),
      cloudCli(['cloud-secrets:get', ...local(project)]),
    ]);
    expect(unknownOption.code).toBe(2);
    expect(jsonOf(unknownOption)).toEqual({ error: { code: 'USAGE', message: "unknown option '--bogus'", hint: 'run with --help for usage' } }); // prettier-ignore
    expect([unknownProvider.code, unknownProvider.stderr]).toEqual([2, expect.stringContaining('Allowed choices are gcp, aws, azure, local')]); // prettier-ignore
    expect(extraArgument.code).toBe(2);
    expect(noKey.code).toBe(2);
  });

  it('needs a provider, a project, and a project.name fit for cloud names', async () => {
    const [plain, named, localConfig] = await Promise.all([
      cloudProject(),
      cloudProject({}, { ...SMALL_CONFIG, project: { name: '{{PROJECT_NAME}}' } }),
      cloudProject({}, { ...SMALL_CONFIG, cloud: { provider: 'local' } }),
    ]);
    const [noProvider, badName, fromConfig, noProject] = await Promise.all([
      cloudCli(['cloud-secrets:list', '--env', 'dev', '--cwd', plain.root]),
      cloudCli(['cloud-secrets:list', '--json', ...local(named)]),
      cloudCli(['cloud-secrets:list', '--env', 'dev', '--cwd', localConfig.root]),
      cloudCli(['cloud-secrets:list', '--provider', 'local', '--env', 'dev', '--cwd', '/']),
    ]);
    expect([noProvider.code, noProvider.stderr]).toEqual([2, expect.stringContaining('--provider local')]); // prettier-ignore
    expect([badName.code, jsonOf(badName)]).toMatchObject([2, { error: { code: 'PROJECT_NAME_INVALID' } }]); // prettier-ignore
    expect([fromConfig.code, fromConfig.stderr]).toEqual([0, expect.stringContaining('Using local (')]); // prettier-ignore
    expect(noProject.code).toBe(2);
  });

  it('diff: the needed keys against the environment; exit 1 while something is missing', async () => {
    const user = {
      secrets: { DOMAIN: 'example.com', STRIPE_SECRET_KEY: STRIPE, ACCESS_TOKEN_TTL: '900', REFRESH_TOKEN_TTL: '604800', CONFIRMATION_TOKEN_TTL: '86400', API_URL: 'http://localhost:8000', APP_URL: 'http://localhost:3000' }, // prettier-ignore
      'offers-service': { secrets: ['STRIPE_SECRET_KEY'], WEBHOOK_PATH: '/hooks' },
    };
    const project = await cloudProject({ '.secrets.user.json': { content: JSON.stringify(user), mode: 0o600 } }); // prettier-ignore
    const diff = (...extra: string[]) => cloudCli(['cloud-secrets:diff', ...extra, ...local(project)]); // prettier-ignore

    const noMap = await diff('--json');
    expect([noMap.code, jsonOf(noMap)]).toMatchObject([2, { error: { code: 'SECRET_MAP_NOT_FOUND', hint: 'Run generate-secrets first: npx tsdevstack-secrets generate-secrets' } }]); // prettier-ignore
    expect((await cloudCli(['generate-secrets', '--cwd', project.root])).code).toBe(0);

    const first = await diff('--json');
    expect(first.code).toBe(1);
    const plan = jsonOf<{ missing: Array<{ key: string; scope: string }>; extra: unknown[] }>(
      first,
    );
    expect(plan.extra).toEqual([]);
    const missing = plan.missing.map((r) => `${r.scope}/${r.key}`);
    expect(missing).toContain('shared/STRIPE_SECRET_KEY');
    expect(missing).toContain('shared/AUTH_SERVICE_API_KEY');
    expect(missing).toContain('shared/JWT_PRIVATE_KEY_CURRENT');
    expect(missing.at(-1)).toBe('offers-service/WEBHOOK_PATH'); // shared scope first
    for (const owned of [
      'DATABASE_URL',
      'NODE_ENV',
      'REDIS_HOST',
      'AUTH_SERVICE_URL',
      'DB_AUTH_PASSWORD',
      'STORAGE_BUCKET_UPLOADS',
    ])
      // prettier-ignore
      expect(missing.map((m) => m.split('/')[1])).not.toContain(owned);
    expect(Object.keys(plan)).toEqual(['missing', 'extra']);

    // fill everything in, plus deployment-owned keys, a previous JWT key and one extra key
    for (const { key, scope } of plan.missing) {
      const service = scope === 'shared' ? [] : ['--service', scope];
      const set = await cloudCli(['cloud-secrets:set', key, ...service, ...local(project)], { stdin: `value of ${key}` }); // prettier-ignore
      expect(set.code).toBe(0);
    }
    for (const [key, service] of [
      ['REDIS_HOST', []],
      ['DATABASE_URL', ['--service', 'auth-service']],
      ['JWT_KEY_ID_PREVIOUS', []],
      ['LEFTOVER_TOKEN', []],
    ] as const)
      // prettier-ignore
      await cloudCli(['cloud-secrets:set', key, '--value', 'v', ...service, ...local(project)]);

    const complete = await diff('--json');
    expect([complete.code, jsonOf(complete)]).toEqual([0, { missing: [], extra: [{ key: 'LEFTOVER_TOKEN', scope: 'shared' }] }]); // prettier-ignore
    const human = await diff();
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^Extra in dev, needed by nothing in this project \(1\):\n {2}shared\/LEFTOVER_TOKEN\n/); // prettier-ignore
    expect(human.stdout).toMatch(/dev has all \d+ secrets this project needs\.\n$/);

    await cloudCli(['cloud-secrets:remove', 'DOMAIN', ...local(project)]);
    const oneMissing = await diff();
    expect([oneMissing.code, oneMissing.stdout]).toEqual([1, expect.stringMatching(/^Missing in dev \(1\):\n {2}shared\/DOMAIN\n/)]); // prettier-ignore
    expectNoValueIn(
      [
        ['diff', human],
        ['diff missing', oneMissing],
      ],
      [STRIPE, 'example.com'],
    );
  });
});

describe.runIf(HAS_SCRIPT).concurrent('in a terminal', { timeout: 120_000 }, () => {
  it('asks before a production write, and stops on anything but yes', async () => {
    const project = await cloudProject();
    const args = [
      'cloud-secrets:set',
      'DOMAIN',
      '--value',
      'example.com',
      ...local(project, 'prod'),
    ];
    const no = await cloudCliInTerminal(args, [{ when: /\[y\/N\] /, send: 'n\r' }], { cwd: project.root }); // prettier-ignore
    expect(no.code).toBe(2);
    expect(no.output).toContain('prod is a production environment: set shared/DOMAIN? [y/N]');
    expect(project.exists(STORE('prod'))).toBe(false);
    const yes = await cloudCliInTerminal(args, [{ when: /\[y\/N\] /, send: 'y\r' }], { cwd: project.root }); // prettier-ignore
    expect(yes.code).toBe(0);
    expect(yes.output).toContain('shared/DOMAIN in prod: created');
    // in CI there is never a prompt, even on a terminal
    const ci = await cloudCliInTerminal(['cloud-secrets:remove', 'DOMAIN', ...local(project, 'prod')], [], { cwd: project.root, env: { CI: 'true' } }); // prettier-ignore
    expect(ci.code).toBe(2);
    expect(ci.output).toContain('confirm with --yes');
  });

  it('asks for the environment when nothing names one, and prints a newline after get', async () => {
    const project = await cloudProject();
    await cloudCli(['cloud-secrets:set', 'DOMAIN', '--value', 'example.com', ...local(project, 'qa')]); // prettier-ignore
    const got = await cloudCliInTerminal(
      ['cloud-secrets:get', 'DOMAIN', '--provider', 'local', '--cwd', project.root],
      [{ when: /Environment: /, send: 'qa\r' }],
      { cwd: project.root },
    );
    expect(got.code).toBe(0);
    expect(got.output).toMatch(/example\.com\r?\n$/);
  });
});

const AWS_ENTRY = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  region: 'eu-west-1',
  accountId: '123456789012',
};
const GCP_ENTRY = {
  type: 'service_account',
  project_id: 'acme-dev',
  private_key: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n',
  client_email: 'ci@acme-dev.iam.gserviceaccount.com',
  region: 'europe-west1',
};
const AZURE_ENTRY = {
  clientId: '11111111-2222-3333-4444-555555555555',
  clientSecret: 'Qx~8Q~azureclientsecretvalue0123456789',
  tenantId: '99999999-2222-3333-4444-555555555555',
  subscriptionId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  vaultName: 'acme-dev-kv',
};
const SMALL_CONFIG = {
  project: { name: 'acme-shop' },
  services: [{ name: 'api-gateway', type: 'nestjs', port: 3001 }],
};
