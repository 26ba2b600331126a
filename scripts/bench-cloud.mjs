// `cloud-secrets:list` of many secrets through each store, timed whole-process against a bare
// `node -e ""` (`npm run bench` runs it after scripts/bench.mjs; `--no-cloud` skips it there).
// A report, not a test: it exits non-zero only when it cannot measure at all (no dist/, no
// esbuild, a bad flag). A store that does not work is skipped with the reason, and the rest is
// still measured.
//
// Each SDK talks to its wire-protocol test server (test/fakes/*.ts, bundled here with esbuild and
// started in this process), seeded through the fake's state API with the bench project's secrets
// and the metadata the stores write. The CLI gets only the documented environment variables (no
// credentials file), as in test/cloud-e2e-sdk.test.ts. Per run: wall time, child CPU, and the HTTP
// requests the fake logged (tokens and auth challenges included).
//
//   node scripts/bench-cloud.mjs [--runs N] [--warmup N] [--secrets N] [--providers a,b]
//                                [--markdown] [--keep] [--in-place]
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { Buffer } from 'node:buffer';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { childCpuMs, ms, ratio, stats, tail } from './bench-stats.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NODE = process.execPath;
const PROJECT = 'acme-bench';
const ENV = 'bench';
const SERVICE = 'api-gateway';
const GCP_PROJECT = 'acme-bench-gcp';
const ALL_PROVIDERS = ['local', 'aws', 'azure', 'gcp'];
const RUN_TIMEOUT_MS = 120_000;

const USAGE = `usage: node scripts/bench-cloud.mjs [options]
  --runs N          timed runs per case (default 10)
  --warmup N        untimed warm-up iterations (default 1)
  --secrets N       secrets seeded into each store (default 500)
  --providers LIST  comma-separated subset of ${ALL_PROVIDERS.join(',')} (default: all)
  --markdown        print only the Markdown table on stdout (progress still goes to stderr)
  --keep            keep the temporary folder
  --in-place        run bin/tsdevstack.js from the tree instead of a snapshot of bin/ + dist/
`;

// ---------------------------------------------------------------------------------------------
// Flags and helpers

class BenchAbort extends Error {}

function fail(message) {
  throw new BenchAbort(message);
}

function parseArgs(argv) {
  const options = {
    runs: 10,
    warmup: 1,
    secrets: 500,
    providers: ALL_PROVIDERS,
    markdownOnly: false,
    keep: false,
    inPlace: false,
    help: false,
  };
  const intFlag = (name, raw, min) => {
    const value = Number(raw);
    if (raw === undefined || raw === '' || !Number.isInteger(value) || value < min) {
      fail(`${name} needs an integer >= ${String(min)}, got ${JSON.stringify(raw ?? null)}`);
    }
    return value;
  };
  for (let i = 0; i < argv.length; i += 1) {
    const eq = argv[i].indexOf('=');
    const flag = eq === -1 ? argv[i] : argv[i].slice(0, eq);
    const value = () => (eq !== -1 ? argv[i].slice(eq + 1) : argv[(i += 1)]);
    if (flag === '--runs') options.runs = intFlag('--runs', value(), 1);
    else if (flag === '--warmup') options.warmup = intFlag('--warmup', value(), 0);
    else if (flag === '--secrets') options.secrets = intFlag('--secrets', value(), 1);
    else if (flag === '--providers') {
      const list = String(value() ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p !== '');
      const unknown = list.filter((p) => !ALL_PROVIDERS.includes(p));
      if (list.length === 0 || unknown.length > 0) {
        fail(`--providers takes a comma-separated subset of ${ALL_PROVIDERS.join(',')}`);
      }
      options.providers = ALL_PROVIDERS.filter((p) => list.includes(p));
    } else if (flag === '--markdown') options.markdownOnly = true;
    else if (flag === '--keep') options.keep = true;
    else if (flag === '--in-place') options.inPlace = true;
    else if (flag === '-h' || flag === '--help') options.help = true;
    else fail(`unknown flag ${JSON.stringify(argv[i])}\n${USAGE}`);
  }
  return options;
}

const log = (line = '') => process.stderr.write(`${line}\n`);

/**
 * Runs `node args` to completion without blocking this process's event loop (the fakes answer
 * from it). Resolves with wall ms, child CPU ms, exit code and output.
 */
function runNode(args, env, cwd) {
  return new Promise((resolve) => {
    const cpuBefore = childCpuMs();
    const start = process.hrtime.bigint();
    const child = spawn(NODE, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    // a run that hangs (a store waiting on a server that never answers) must not hang the bench
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.on('error', (error) => resolve({ code: null, error, stdout, stderr, wall: 0 }));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wall = Number(process.hrtime.bigint() - start) / 1e6;
      const cpuAfter = childCpuMs();
      const cpu =
        cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
      resolve({ code, signal, stdout, stderr, wall, cpu });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The bench project and its secrets

/** `count` keys: every tenth in the service scope, the rest shared; framework and user alike. */
function benchSecrets(count) {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(4, '0');
    return {
      key: `BENCH_SECRET_${n}`,
      scope: i % 10 === 9 ? SERVICE : 'shared',
      kind: i % 2 === 0 ? 'framework' : 'user',
      value: `bench-value-${n}-${'x'.repeat(40)}`,
    };
  });
}

/** The metadata every store writes on a secret (SPEC §9.2; src/core/cloud-naming.ts). */
function tags(secret) {
  return {
    'project-name': PROJECT,
    'service-name': secret.scope,
    'managed-by': 'tsdevstack',
    'secret-type': secret.kind,
    'original-key': secret.key,
  };
}

function cloudName(provider, secret) {
  const key = provider === 'azure' ? secret.key.replaceAll('_', '-') : secret.key;
  return `${PROJECT}-${secret.scope}-${key}`;
}

function makeProject(dir) {
  mkdirSync(join(dir, '.tsdevstack'), { recursive: true });
  mkdirSync(join(dir, 'apps', SERVICE), { recursive: true });
  const config = {
    project: { name: PROJECT },
    services: [{ name: SERVICE, type: 'nestjs', port: 3001 }],
  };
  writeFileSync(join(dir, '.tsdevstack', 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  return dir;
}

/** The local store's file, in the format src/providers/local.ts documents. */
function seedLocal(project, secrets) {
  const now = new Date().toISOString();
  const entries = secrets
    .map((s) => [
      cloudName('local', s),
      { value: s.value, tags: tags(s), createdAt: now, updatedAt: now, versions: 1 },
    ])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const doc = { $comment: 'bench seed', secrets: Object.fromEntries(entries) };
  writeFileSync(
    join(project, '.tsdevstack', `.local-store.${ENV}.json`),
    `${JSON.stringify(doc, null, 2)}\n`,
    { mode: 0o600 },
  );
}

// ---------------------------------------------------------------------------------------------
// The fakes

/** Bundles the TypeScript fakes into `dir` (they import only node: builtins) and imports them. */
async function loadFakes(dir) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch (error) {
    fail(`esbuild is needed to bundle the test servers: ${error.message}`);
  }
  await esbuild.build({
    entryPoints: {
      aws: join(ROOT, 'test', 'fakes', 'aws-secrets-manager.ts'),
      azure: join(ROOT, 'test', 'fakes', 'azure-key-vault.ts'),
      gcp: join(ROOT, 'test', 'fakes', 'gcp-secret-manager.ts'),
    },
    outdir: dir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
  const load = (name) => import(pathToFileURL(join(dir, `${name}.js`)).href);
  return { aws: await load('aws'), azure: await load('azure'), gcp: await load('gcp') };
}

const countBy = (items) => {
  const counts = new Map();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name}×${String(n)}`)
    .join(', ');
};

/**
 * One store to bench: the variables its CLI run gets, and (for the SDK stores) the fake's request
 * log. `describe(from)` names the requests logged since index `from`.
 */
async function startBackend(provider, fakes, secrets, project, work) {
  const home = mkdtempSync(join(work, `home-${provider}-`));
  const common = { HOME: home, NO_COLOR: '1', TSDEVSTACK_RETRY_BASE_MS: '1' };
  switch (provider) {
    case 'local':
      seedLocal(project, secrets);
      return { provider, env: common, log: undefined, close: async () => undefined };
    case 'aws': {
      const fake = await fakes.aws.startAwsFake({ region: 'eu-west-1' });
      for (const s of secrets) fake.state.seed(cloudName('aws', s), s.value, { tags: tags(s) });
      return {
        provider,
        env: {
          ...common,
          AWS_ENDPOINT_URL_SECRETS_MANAGER: fake.url,
          AWS_REGION: 'eu-west-1',
          AWS_ACCESS_KEY_ID: 'AKIABENCH00000000001',
          AWS_SECRET_ACCESS_KEY: 'benchSecretAccessKey0123456789abcdefghij',
          AWS_EC2_METADATA_DISABLED: 'true',
          CI: 'true',
        },
        log: fake.log,
        describe: (from) => countBy(fake.log.slice(from).map((r) => r.op)),
        close: () => fake.close(),
      };
    }
    case 'azure': {
      const fake = await fakes.azure.startAzureFake();
      for (const s of secrets) fake.state.seed(cloudName('azure', s), s.value, tags(s));
      return {
        provider,
        env: {
          ...common,
          AZURE_KEYVAULT_URL: fake.url,
          IDENTITY_ENDPOINT: fake.identityEndpoint,
          IDENTITY_HEADER: fake.identityHeader,
          AZURE_TOKEN_CREDENTIALS: 'ManagedIdentityCredential',
        },
        log: fake.log,
        describe: (from) =>
          countBy(fake.log.slice(from).map((r) => (r.status === 401 ? 'challenge' : r.op))),
        close: () => fake.close(),
      };
    }
    case 'gcp': {
      const fake = await fakes.gcp.startGcpFake();
      const key = fake.serviceAccountKey(GCP_PROJECT);
      const keyFile = join(mkdtempSync(join(work, 'gcp-key-')), 'service-account.json');
      writeFileSync(keyFile, JSON.stringify(key), { mode: 0o600 });
      const store = fake.state.project(GCP_PROJECT);
      const time = new Date().toISOString();
      for (const s of secrets) {
        const id = cloudName('gcp', s);
        // labels where GCP's label rules allow (lowercase), the original key as an annotation
        const { 'original-key': originalKey, ...labels } = tags(s);
        store.set(id, {
          id,
          labels,
          annotations: { 'original-key': originalKey },
          createTime: time,
          etag: `"bench-${id}"`,
          versions: [{ number: 1, data: Buffer.from(s.value), createTime: time, state: 'ENABLED' }],
        });
      }
      return {
        provider,
        env: {
          ...common,
          GCP_SECRET_MANAGER_ENDPOINT: fake.url,
          GOOGLE_APPLICATION_CREDENTIALS: keyFile,
          GCP_PROJECT_ID: GCP_PROJECT,
        },
        log: fake.log,
        describe: (from) => countBy(fake.log.slice(from).map((r) => r.method)),
        close: () => fake.close(),
      };
    }
    default:
      throw new Error(`unknown provider ${provider}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Main

function snapshotCli(work) {
  const cli = join(work, 'cli');
  cpSync(join(ROOT, 'bin'), join(cli, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(cli, 'dist'), {
    recursive: true,
    filter: (source) => !source.endsWith('.map'),
  });
  cpSync(join(ROOT, 'package.json'), join(cli, 'package.json'));
  // the SDKs are optional peers, found in the project's node_modules as a user would have them
  symlinkSync(join(ROOT, 'node_modules'), join(cli, 'node_modules'), 'dir');
  return join(cli, 'bin', 'tsdevstack.js');
}

/** Checks one run of the list: exit 0 and exactly the seeded secrets. A problem, or undefined. */
function checkList(run, secrets) {
  if (run.code !== 0) {
    // under --json the error is the document on stdout
    let error;
    try {
      const doc = JSON.parse(run.stdout).error;
      error = `${String(doc.code)}: ${String(doc.message)}`;
    } catch {
      error = run.stderr.split('\n').find((line) => line.startsWith('error:'));
    }
    return `exit ${String(run.code ?? run.signal ?? run.error?.message)}: ${error ?? tail(run.stderr)}`;
  }
  let doc;
  try {
    doc = JSON.parse(run.stdout);
  } catch {
    return `stdout is not JSON:\n${tail(run.stdout)}`;
  }
  const listed = Array.isArray(doc?.secrets) ? doc.secrets : [];
  if (listed.length !== secrets.length) {
    return `listed ${String(listed.length)} secrets, seeded ${String(secrets.length)}`;
  }
  if (listed.some((s) => s === null || typeof s !== 'object' || 'value' in s)) {
    return 'a listed entry is not an object, or carries a value';
  }
  const got = new Set(listed.map((s) => `${String(s.scope)}/${String(s.key)}`));
  const absent = secrets.map((s) => `${s.scope}/${s.key}`).filter((ref) => !got.has(ref));
  return absent.length === 0 ? undefined : `not listed: ${absent.slice(0, 3).join(', ')}`;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) {
    fail('dist/cli.js is missing: run `npm run build` first');
  }
  const work = mkdtempSync(join(tmpdir(), 'tsds-bench-cloud-'));
  let finished = false;
  const backends = [];
  try {
    const bin = options.inPlace ? join(ROOT, 'bin', 'tsdevstack.js') : snapshotCli(work);
    const fakes = await loadFakes(join(work, 'fakes'));
    const secrets = benchSecrets(options.secrets);
    log(
      `tsdevstack cloud bench: cloud-secrets:list of ${String(secrets.length)} secrets, ` +
        `${String(options.runs)} runs per case after ${String(options.warmup)} warm-up(s)`,
    );
    log(`binary: node ${bin}${options.inPlace ? '' : ' (snapshot of bin/ + dist/)'}; temp ${work}`);

    const skipped = [];
    for (const provider of options.providers) {
      const project = makeProject(join(work, `project-${provider}`));
      const backend = await startBackend(provider, fakes, secrets, project, work);
      backends.push(backend);
      backend.project = project;
      backend.args = [
        bin,
        'cloud-secrets:list',
        '--provider',
        provider,
        '--env',
        ENV,
        '--json',
        '--cwd',
        project,
      ];
      // one untimed run: does this store work at all here?
      const probe = await runNode(backend.args, backend.env, project);
      const problem = checkList(probe, secrets);
      if (problem !== undefined) {
        skipped.push({ provider, reason: problem.split('\n').slice(0, 3).join(' | ') });
        log(`${provider}: skipped: ${problem}`);
        backend.skip = true;
      }
    }
    const active = backends.filter((b) => !b.skip);

    const cases = [
      { id: 'bare', name: 'bare `node -e ""`', args: ['-e', ''], env: { HOME: work }, cwd: work },
      ...active.map((b) => ({
        id: b.provider,
        name: `list ${String(secrets.length)}, ${b.provider}`,
        args: b.args,
        env: b.env,
        cwd: b.project,
        backend: b,
      })),
    ];
    const samples = Object.fromEntries(
      cases.map((c) => [c.id, { wall: [], cpu: [], requests: [] }]),
    );
    const loadBefore = loadavg();
    const total = options.warmup + options.runs;
    for (let iteration = 0; iteration < total; iteration += 1) {
      const warm = iteration < options.warmup;
      for (let k = 0; k < cases.length; k += 1) {
        const c = cases[(iteration + k) % cases.length];
        const from = c.backend?.log?.length ?? 0;
        const run = await runNode(c.args, c.env, c.cwd);
        if (c.backend !== undefined) {
          const problem = checkList(run, secrets);
          if (problem !== undefined) fail(`${c.name}: a timed run failed: ${problem}`);
        } else if (run.code !== 0) {
          fail(`${c.name}: exit ${String(run.code)}\n${tail(run.stderr)}`);
        }
        if (warm) continue;
        const s = samples[c.id];
        s.wall.push(run.wall);
        if (run.cpu !== undefined) s.cpu.push(run.cpu);
        if (c.backend?.log !== undefined) {
          s.requests.push(c.backend.log.length - from);
          s.describe = c.backend.describe(from);
        }
      }
      process.stderr.write(warm ? 'w' : '.');
    }
    log();
    const loadAfter = loadavg();
    print({ options, cases, samples, skipped, loadBefore, loadAfter, secrets });
    finished = true;
  } finally {
    for (const backend of backends) await backend.close();
    if (options.keep || !finished) log(`temporary files kept in ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

function print({ options, cases, samples, skipped, loadBefore, loadAfter, secrets }) {
  const bare = stats(samples.bare.wall).median;
  const local = samples.local === undefined ? undefined : stats(samples.local.wall).median;
  const rows = cases.map((c) => {
    const s = samples[c.id];
    const wall = stats(s.wall);
    const cpu = s.cpu.length === s.wall.length ? stats(s.cpu).median : undefined;
    const requests = [...new Set(s.requests)].sort((a, b) => a - b);
    return {
      name: c.name,
      ...wall,
      ratio: wall.median / bare,
      overLocal:
        c.backend === undefined || local === undefined || c.id === 'local'
          ? ''
          : `+${ms(wall.median - local)}`,
      cpu,
      requests:
        c.backend === undefined
          ? ''
          : c.backend.log === undefined
            ? 'none (file)'
            : requests.join('–'),
      detail: s.describe ?? (c.id === 'local' ? `.tsdevstack/.local-store.${ENV}.json` : ''),
    };
  });

  const cpuList = cpus();
  const environment =
    `Node ${process.version}; ${String(cpuList.length)} CPUs (${cpuList[0]?.model?.trim() ?? 'unknown'}); ` +
    `${process.platform}/${process.arch}; ${new Date().toISOString()}`;
  const method =
    `cloud-secrets:list --json of ${String(secrets.length)} secrets (every tenth in a service scope), ` +
    `${String(options.runs)} runs per case after ${String(options.warmup)} warm-up(s), interleaved round-robin ` +
    'with bare node; whole-process wall time; ratios are median / median; requests = HTTP requests the ' +
    'test server logged per run (token and 401-challenge requests included)';
  const fmtLoad = (l) => l.map((v) => v.toFixed(2)).join(' / ');
  const notes = [
    'Page sizes are the fakes’ defaults, as the real services cap them: AWS ListSecrets 100, Azure 25, ' +
      'GCP up to 25,000 (the store asks for 500).',
    'Δ local = median minus the local store’s median: the SDK’s load, auth and paging cost.',
    'Every child, bare node included, gets only HOME, NO_COLOR, TSDEVSTACK_RETRY_BASE_MS and the ' +
      'store’s documented variables: inherited ones such as NODE_EXTRA_CA_CERTS (≈ 80 ms on bare node on this ' +
      'machine) would add the same cost to every case. So bare node here can be faster than in the ' +
      'start-up table above, which inherits the shell’s environment.',
    `Load average (1/5/15 min): ${fmtLoad(loadBefore)} before, ${fmtLoad(loadAfter)} after. ` +
      'CPU = median user+system time of the CLI process (10 ms ticks); the test servers run in the ' +
      'bench process and are not counted.',
    ...skipped.map((s) => `${s.provider}: skipped, it does not work here yet: ${s.reason}`),
  ];

  if (!options.markdownOnly) {
    const header = [
      'case',
      'median ms',
      'p90 ms',
      'min ms',
      '× bare',
      'Δ local ms',
      'CPU ms',
      'requests/run',
      'requests',
    ];
    const body = rows.map((r) => [
      r.name,
      ms(r.median),
      ms(r.p90),
      ms(r.min),
      ratio(r.ratio),
      r.overLocal,
      r.cpu === undefined ? 'n/a' : ms(r.cpu),
      r.requests,
      r.detail,
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((line) => line[i].length)));
    const numeric = (i) => i >= 1 && i <= 7;
    const format = (line) =>
      line
        .map((cell, i) => (numeric(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
        .join('  ')
        .trimEnd();
    const out = [
      '',
      'cloud-secrets:list through each store',
      environment,
      method,
      '',
      format(header),
      widths.map((w) => '-'.repeat(w)).join('  '),
      ...body.map(format),
      '',
      ...notes,
      '',
      '--- Markdown (for the README) ---',
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  }
  const md = [
    '',
    `${environment}. ${method}.`,
    '',
    '| Case | Median (ms) | p90 (ms) | × bare node | Δ local (ms) | CPU (ms) | Requests/run | Requests |',
    '|---|--:|--:|--:|--:|--:|--:|---|',
    ...rows.map(
      (r) =>
        `| ${r.name.replace(/\|/g, '\\|')} | ${ms(r.median)} | ${ms(r.p90)} | ${ratio(r.ratio)} | ${r.overLocal} | ` +
        `${r.cpu === undefined ? 'n/a' : ms(r.cpu)} | ${r.requests} | ${r.detail} |`,
    ),
    '',
    ...notes.map((n) => `- ${n}`),
    '',
  ];
  process.stdout.write(`${md.join('\n')}\n`);
}

try {
  await main();
} catch (error) {
  if (!(error instanceof BenchAbort)) throw error;
  process.stderr.write(`\ncloud bench aborted: ${error.message}\n`);
  process.exitCode = 2;
}
