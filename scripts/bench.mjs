// Start-up and run-time benchmark of the built CLI (`npm run bench` builds first). A report, not a
// test: a missed target is marked FAIL and the exit code is still 0. It exits non-zero only when
// it cannot measure (a measured command failed, dist/ is missing, a bad flag).
//
// Whole-process wall time of `node bin/tsdevstack.js ...` per case, with a bare `node -e ""` timed
// in the same loop. Every iteration runs each case once, round-robin, starting at a different case
// each time, so machine noise hits all cases alike. Ratios are median / median.
//
//   (a) cold    generate-secrets on a fresh copy of fixtures/example (no generated files)
//   (b) no-op   generate-secrets re-run on the example (generated once, untimed)
//   (c) big     generate-secrets re-run on a generated 100-service project (generated once)
//   (d) help    tsdevstack --help
//
//   node scripts/bench.mjs [--runs N] [--warmup N] [--services N] [--markdown] [--keep] [--in-place]
//                          [--no-cloud]
//
// Then, unless --no-cloud, scripts/bench-cloud.mjs: cloud-secrets:list of 500 secrets through
// each store against its test server (it gets --markdown, --keep, --in-place and an explicit
// --runs passed on).
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { childCpuMs, ms, ratio, stats, tail } from './bench-stats.mjs';
import { makeBigProject } from './make-big-project.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = join(ROOT, 'fixtures', 'example');
const NODE = process.execPath;
const KEYGEN_RUNS = 10;

const TARGET_NOOP = 2; // (b) <= 2x bare node
const TARGET_BIG = 1.5; // (c) <= 1.5x (b)
const TARGET_HELP = 1.5; // (d) <= 1.5x bare node

const USAGE = `usage: node scripts/bench.mjs [options]
  --runs N       timed runs per case (default 15; the targets are defined for >= 10)
  --warmup N     untimed warm-up iterations (default 2)
  --services N   services in the generated project of case (c) (default 100)
  --markdown     print only the Markdown table on stdout (progress still goes to stderr)
  --keep         keep the temporary projects
  --in-place     run bin/tsdevstack.js from the tree instead of a snapshot of bin/ + dist/
  --no-cloud     skip scripts/bench-cloud.mjs (cloud-secrets:list through each store)
  --clean-env    unset NODE_EXTRA_CA_CERTS for every measured process (this machine sets it
                 machine-wide; loading that CA bundle costs every Node start ~50-80 ms, which
                 inflates the bare-node baseline the ratios are measured against)
`;

// ---------------------------------------------------------------------------------------------
// Flags

function parseArgs(argv) {
  const options = {
    runs: 15,
    warmup: 2,
    services: 100,
    markdownOnly: false,
    keep: false,
    inPlace: false,
    cloud: true,
    cleanEnv: false,
    runsGiven: false,
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
    if (flag === '--runs') {
      options.runs = intFlag('--runs', value(), 1);
      options.runsGiven = true;
    } else if (flag === '--warmup') options.warmup = intFlag('--warmup', value(), 0);
    else if (flag === '--services') options.services = intFlag('--services', value(), 2);
    else if (flag === '--markdown') options.markdownOnly = true;
    else if (flag === '--keep') options.keep = true;
    else if (flag === '--in-place') options.inPlace = true;
    else if (flag === '--no-cloud') options.cloud = false;
    else if (flag === '--clean-env') options.cleanEnv = true;
    else if (flag === '-h' || flag === '--help') options.help = true;
    else fail(`unknown flag ${JSON.stringify(argv[i])}\n${USAGE}`);
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// Helpers

class BenchAbort extends Error {}

function fail(message) {
  throw new BenchAbort(message);
}

const log = (line = '') => process.stderr.write(`${line}\n`);

function describeFailure(name, args, cwd, how, stdout, stderr) {
  return (
    `${name}: \`node ${args.join(' ')}\` (in ${cwd}) failed: ${how}\n` +
    `--- stdout (tail) ---\n${tail(stdout)}\n--- stderr (tail) ---\n${tail(stderr)}`
  );
}

/** Runs `node args` once; aborts the bench unless it exits 0. Returns wall ms and child CPU ms. */
function runTimed(name, args, cwd) {
  const cpuBefore = childCpuMs();
  const start = process.hrtime.bigint();
  const result = spawnSync(NODE, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  const cpuAfter = childCpuMs();
  if (result.error !== undefined || result.status !== 0) {
    let how = `exit code ${String(result.status)}`;
    if (result.error !== undefined) how = result.error.message;
    else if (result.signal !== null) how = `killed by ${result.signal}`;
    fail(describeFailure(name, args, cwd, how, result.stdout, result.stderr));
  }
  const cpu = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
  return { wall, cpu };
}

/** An untimed run (setup, verification); aborts unless it exits 0. Returns stdout. */
function runChecked(name, args, cwd, env = process.env) {
  const result = spawnSync(NODE, args, {
    cwd,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error !== undefined || result.status !== 0) {
    const how = result.error?.message ?? `exit code ${String(result.status ?? result.signal)}`;
    fail(describeFailure(name, args, cwd, how, result.stdout, result.stderr));
  }
  return result.stdout;
}

// Files the CLI generates (SPEC §1), relative to the project root. A cold copy holds none of
// them, whatever a run in the fixture folder itself may have left there.
const GENERATED = [
  /^\.secrets\.tsdevstack\.json$/,
  /^\.secrets\.user\.json$/,
  /^\.secrets\.local\.json$/,
  /^\.secrets\.user\.example\.json$/,
  /^\.secrets\..*\.json\.bak$/,
  /^\.env$/,
  /^apps\/[^/]+\/\.env$/,
  /^\.tsdevstack\/secret-map\.json$/,
  /^\.tsdevstack\/\.secrets\.lock/,
  /^\.tsdevstack\/\.local-store\..*\.json$/,
  /^\.tsdevstack\/\.credentials\..*\.json$/,
  /\.tsds-tmp-/,
];
const isGenerated = (rel) => GENERATED.some((pattern) => pattern.test(rel.split(sep).join('/')));

function listFiles(dir, base = dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path, base));
    else out.push(relative(base, path));
  }
  return out.sort();
}

/** A copy of fixtures/example without any generated file. */
function freshExampleCopy(dir) {
  cpSync(FIXTURE, dir, {
    recursive: true,
    filter: (source) => source === FIXTURE || !isGenerated(relative(FIXTURE, source)),
  });
  const left = listFiles(dir).filter(isGenerated);
  if (left.length > 0) fail(`fresh copy ${dir} still holds generated files: ${left.join(', ')}`);
  return dir;
}

/** path -> size, mtime and mode of every file in the project, to prove re-runs were no-ops. */
function snapshot(dir) {
  const map = new Map();
  for (const rel of listFiles(dir)) {
    const st = statSync(join(dir, rel), { bigint: true });
    map.set(rel, `${String(st.size)}:${String(st.mtimeNs)}:${String(st.mode)}`);
  }
  return map;
}

function snapshotDiff(before, after) {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((key) => before.get(key) !== after.get(key)).sort();
}

/**
 * After a cold run: exactly one RSA key pair in the framework file, i.e. a current JWT pair in
 * PEM form, no *_PREVIOUS key, and a single private-key PEM in the whole file.
 */
function checkOneKeyPair(dir) {
  const file = join(dir, '.secrets.tsdevstack.json');
  if (!existsSync(file)) return `${file} was not written`;
  const text = readFileSync(file, 'utf8');
  let doc;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return `${file} does not parse: ${error.message}`;
  }
  const secrets = doc?.secrets ?? {};
  const isPem = (value, label) =>
    typeof value === 'string' && value.includes(`-----BEGIN ${label}-----`);
  if (!isPem(secrets.JWT_PRIVATE_KEY_CURRENT, 'PRIVATE KEY')) {
    return 'JWT_PRIVATE_KEY_CURRENT is missing or not a PKCS#8 PEM';
  }
  if (!isPem(secrets.JWT_PUBLIC_KEY_CURRENT, 'PUBLIC KEY')) {
    return 'JWT_PUBLIC_KEY_CURRENT is missing or not an SPKI PEM';
  }
  const previous = Object.keys(secrets).filter((key) => key.endsWith('_PREVIOUS'));
  if (previous.length > 0) return `unexpected ${previous.join(', ')}`;
  const pems = text.split('-----BEGIN PRIVATE KEY-----').length - 1;
  if (pems !== 1) return `${String(pems)} private-key PEMs in the framework file (expected 1)`;
  return undefined;
}

// Preload for untimed, instrumented runs: records every key-pair generation (sync, async and
// WebCrypto) and writes the list to $TSDS_BENCH_KEYGEN_OUT at exit. It patches the builtin and
// syncs its ESM exports before the bundle's `import { generateKeyPairSync } from 'node:crypto'`.
const KEYGEN_COUNTER = `
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { writeFileSync } from 'node:fs';
const require = createRequire(import.meta.url);
const crypto = require('node:crypto');
const calls = [];
for (const name of ['generateKeyPairSync', 'generateKeyPair']) {
  const original = crypto[name];
  crypto[name] = function (type, ...rest) {
    calls.push(name + ':' + String(type));
    return original.call(this, type, ...rest);
  };
}
const subtle = crypto.webcrypto && crypto.webcrypto.subtle;
if (subtle) {
  const original = subtle.generateKey.bind(subtle);
  subtle.generateKey = (algorithm, ...rest) => {
    calls.push('subtle.generateKey:' + String(algorithm && algorithm.name));
    return original(algorithm, ...rest);
  };
}
syncBuiltinESMExports();
process.on('exit', () => writeFileSync(process.env.TSDS_BENCH_KEYGEN_OUT, JSON.stringify(calls)));
`;

function countKeygens(name, preload, args, cwd, work) {
  const out = join(work, `keygen-${String(process.hrtime.bigint())}.json`);
  const env = { ...process.env, TSDS_BENCH_KEYGEN_OUT: out };
  runChecked(name, ['--import', pathToFileURL(preload).href, ...args], cwd, env);
  return JSON.parse(readFileSync(out, 'utf8'));
}

/** In-process RSA-2048 key generation, for comparison with (a): its time varies a lot by nature. */
function keygenStats(runs) {
  const options = { modulusLength: 2048 };
  generateKeyPairSync('rsa', options); // warm-up
  const samples = [];
  for (let i = 0; i < runs; i += 1) {
    const start = process.hrtime.bigint();
    generateKeyPairSync('rsa', options);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return stats(samples);
}

/**
 * A private copy of the built CLI (bin/, dist/ without source maps, package.json for
 * "type": "module"). The bundle is self-contained (cloud SDKs are lazy externals), and a copy
 * means a rebuild of dist/ during the bench (`npm test` rebuilds it) neither breaks the run nor
 * changes what is measured halfway.
 */
function snapshotCli(work) {
  const cli = join(work, 'cli');
  cpSync(join(ROOT, 'bin'), join(cli, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(cli, 'dist'), {
    recursive: true,
    filter: (source) => !source.endsWith('.map'),
  });
  cpSync(join(ROOT, 'package.json'), join(cli, 'package.json'));
  return join(cli, 'bin', 'tsdevstack.js');
}

// ---------------------------------------------------------------------------------------------
// Main

function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(USAGE);
    return;
  }
  // Children inherit process.env: unsetting it here applies to bare node and the CLI alike.
  if (options.cleanEnv) delete process.env.NODE_EXTRA_CA_CERTS;
  else if (process.env.NODE_EXTRA_CA_CERTS) {
    log(
      'note: NODE_EXTRA_CA_CERTS is set, so every Node start (bare node included) loads that CA bundle; run with --clean-env to measure without it',
    );
  }
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) {
    fail(
      'dist/cli.js is missing: run `npm run build` first (`npm run bench` builds, then runs this)',
    );
  }
  if (!existsSync(join(FIXTURE, '.tsdevstack', 'config.json'))) {
    fail(`${join(FIXTURE, '.tsdevstack', 'config.json')} is missing`);
  }
  const work = mkdtempSync(join(tmpdir(), 'tsds-bench-'));
  let finished = false;
  try {
    const bin = options.inPlace ? join(ROOT, 'bin', 'tsdevstack.js') : snapshotCli(work);
    const report = bench(options, work, bin);
    print(report, options);
    finished = true;
  } finally {
    if (options.keep || !finished) log(`temporary projects kept in ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
  if (options.cloud) runCloudBench(options);
}

/** scripts/bench-cloud.mjs after the cases above, its report appended to this one. */
function runCloudBench(options) {
  const args = [join(ROOT, 'scripts', 'bench-cloud.mjs')];
  if (options.runsGiven) args.push('--runs', String(options.runs));
  if (options.markdownOnly) args.push('--markdown');
  if (options.keep) args.push('--keep');
  if (options.inPlace) args.push('--in-place');
  log('');
  const result = spawnSync(NODE, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.error !== undefined || result.status !== 0) {
    fail(
      `scripts/bench-cloud.mjs could not measure (exit ${String(result.status ?? result.error?.message)})`,
    );
  }
}

function bench(options, work, bin) {
  const total = options.warmup + options.runs;
  log(
    `tsdevstack bench: ${String(options.runs)} runs per case after ${String(options.warmup)} warm-ups`,
  );
  log(
    `binary: node ${bin}${options.inPlace ? '' : ' (snapshot of bin/ + dist/)'}; temp dir ${work}`,
  );
  if (options.runs < 10)
    log(`note: --runs ${String(options.runs)} is below the 10 runs the targets are defined for`);
  const version = runChecked('--version', [bin, '--version'], work).trim();

  // Setup, all before anything is timed: one fresh cold copy per iteration, and the (b) and (c)
  // projects generated once (their timed runs are re-runs).
  const coldDirs = [];
  for (let i = 0; i < total; i += 1) {
    coldDirs.push(freshExampleCopy(join(work, `cold-${String(i).padStart(3, '0')}`)));
  }
  const noopDir = freshExampleCopy(join(work, 'noop-example'));
  runChecked('(b) setup run', [bin, 'generate-secrets', '--cwd', noopDir], noopDir);
  const bigDir = join(work, 'big');
  const bigConfig = makeBigProject(bigDir, { services: options.services });
  runChecked('(c) setup run', [bin, 'generate-secrets', '--cwd', bigDir], bigDir);
  const noopBefore = snapshot(noopDir);
  const bigBefore = snapshot(bigDir);

  let coldIndex = 0;
  const generate = (dir) => ({ args: [bin, 'generate-secrets', '--cwd', dir], cwd: dir });
  const cases = [
    { id: 'bare', name: 'bare `node -e ""`', run: () => ({ args: ['-e', ''], cwd: work }) },
    {
      id: 'a',
      name: '(a) cold run, example',
      run: () => generate(coldDirs[coldIndex]),
      after: () => {
        const problem = checkOneKeyPair(coldDirs[coldIndex]);
        if (problem !== undefined) fail(`(a) cold run in ${coldDirs[coldIndex]}: ${problem}`);
        coldIndex += 1;
      },
    },
    { id: 'b', name: '(b) no-op re-run, example', run: () => generate(noopDir) },
    {
      id: 'c',
      name: `(c) no-op re-run, ${String(bigConfig.services.length)} services`,
      run: () => generate(bigDir),
    },
    { id: 'd', name: '(d) tsdevstack --help', run: () => ({ args: [bin, '--help'], cwd: work }) },
  ];
  const wall = Object.fromEntries(cases.map((c) => [c.id, []]));
  const cpuTotal = Object.fromEntries(cases.map((c) => [c.id, 0]));
  let cpuKnown = true;

  const loadBefore = loadavg();
  for (let iteration = 0; iteration < total; iteration += 1) {
    const warm = iteration < options.warmup;
    for (let k = 0; k < cases.length; k += 1) {
      // Rotate the first case each iteration, so no case always runs first or right after (a)'s writes.
      const c = cases[(iteration + k) % cases.length];
      const { args, cwd } = c.run();
      const sample = runTimed(c.name, args, cwd);
      c.after?.();
      if (warm) continue;
      wall[c.id].push(sample.wall);
      if (sample.cpu === undefined) cpuKnown = false;
      else cpuTotal[c.id] += sample.cpu;
    }
    process.stderr.write(warm ? 'w' : '.');
  }
  log();
  const loadAfter = loadavg();

  // The re-runs must have been no-ops: every file's size, mtime and mode as after the setup run.
  for (const [label, dir, before] of [
    ['(b)', noopDir, noopBefore],
    ['(c)', bigDir, bigBefore],
  ]) {
    const changed = snapshotDiff(before, snapshot(dir));
    if (changed.length > 0) {
      fail(`${label} re-runs were not no-ops; changed: ${changed.slice(0, 10).join(', ')}`);
    }
  }

  // Untimed, instrumented runs: key pairs generated by a cold run and by a no-op re-run.
  const preload = join(work, 'count-keygen.mjs');
  writeFileSync(preload, KEYGEN_COUNTER);
  const probeDir = freshExampleCopy(join(work, 'cold-probe'));
  const coldKeygens = countKeygens(
    '(a) keygen count',
    preload,
    generate(probeDir).args,
    probeDir,
    work,
  );
  const noopKeygens = countKeygens(
    '(b) keygen count',
    preload,
    generate(noopDir).args,
    noopDir,
    work,
  );
  const probeProblem = checkOneKeyPair(probeDir);
  if (probeProblem !== undefined) fail(`(a) instrumented cold run: ${probeProblem}`);

  log(`in-process RSA-2048 keygen x${String(KEYGEN_RUNS)} ...`);
  const keygen = keygenStats(KEYGEN_RUNS);

  const result = {};
  for (const c of cases) {
    const cpu = cpuKnown ? cpuTotal[c.id] / options.runs : undefined;
    result[c.id] = { name: c.name, ...stats(wall[c.id]), cpu };
  }
  return {
    options,
    version,
    result,
    keygen,
    coldKeygens,
    noopKeygens,
    coldChecked: coldIndex,
    bigConfig,
    loadBefore,
    loadAfter,
  };
}

function print(report, options) {
  const { result, keygen, coldKeygens, noopKeygens } = report;
  const bare = result.bare.median;
  const rsa = coldKeygens.filter((call) => /:(rsa|RSASSA-PKCS1-v1_5|RSA-PSS|RSA-OAEP)$/.test(call));
  const oneKeyPair =
    coldKeygens.length === 1 &&
    rsa.length === 1 &&
    report.coldChecked === options.warmup + options.runs;
  const verdict = (pass) => (pass ? 'PASS' : 'FAIL');
  const bigOverNoop = result.c.median / result.b.median;

  const rows = [
    { ...result.bare, ratio: 1, target: 'reference', status: '' },
    {
      ...result.a,
      ratio: result.a.median / bare,
      target: `exactly 1 RSA key pair (got ${String(coldKeygens.length)}); keygen alone ${ms(keygen.median)} ms`,
      status: verdict(oneKeyPair),
    },
    {
      ...result.b,
      ratio: result.b.median / bare,
      target: `≤ ${ratio(TARGET_NOOP)} bare`,
      status: verdict(result.b.median / bare <= TARGET_NOOP),
    },
    {
      ...result.c,
      ratio: result.c.median / bare,
      target: `≤ ${ratio(TARGET_BIG)} (b); is ${ratio(bigOverNoop)} (b)`,
      status: verdict(bigOverNoop <= TARGET_BIG),
    },
    {
      ...result.d,
      ratio: result.d.median / bare,
      target: `≤ ${ratio(TARGET_HELP)} bare`,
      status: verdict(result.d.median / bare <= TARGET_HELP),
    },
  ];

  const cpuList = cpus();
  const services = report.bigConfig.services;
  const count = (predicate) => String(services.filter(predicate).length);
  const fmtLoad = (l) => l.map((v) => v.toFixed(2)).join(' / ');
  const cpuRatio = (row) =>
    row.cpu === undefined || !result.bare.cpu ? 'n/a' : ratio(row.cpu / result.bare.cpu);

  const environment =
    `tsdevstack-secrets ${report.version}; Node ${process.version}; ${String(cpuList.length)} CPUs ` +
    `(${cpuList[0]?.model?.trim() ?? 'unknown'}); ${process.platform}/${process.arch}; ${new Date().toISOString()}`;
  const method =
    `${String(options.runs)} runs per case after ${String(options.warmup)} warm-ups, interleaved round-robin; ` +
    'whole-process wall time; ratios are median / median';
  const keygenLine =
    `(a) key pairs: an instrumented cold run generated ${String(coldKeygens.length)} ` +
    `(${coldKeygens.join(', ') || 'none'}), a no-op re-run ${String(noopKeygens.length)}; the framework ` +
    `file of every cold run (${String(report.coldChecked)}) holds one private key and no *_PREVIOUS. ` +
    `In-process RSA-2048 keygen over ${String(keygen.n)} runs: median ${ms(keygen.median)} ms, ` +
    `p90 ${ms(keygen.p90)}, min ${ms(keygen.min)}, max ${ms(keygen.max)}; (a) median minus keygen median ` +
    `≈ ${ms(result.a.median - keygen.median)} ms (${ratio((result.a.median - keygen.median) / bare)} bare).`;
  const bigLine =
    `(c) project: ${String(services.length)} services — ${count((s) => s.type === 'nestjs')} nestjs ` +
    `(${count((s) => s.hasDatabase === true)} with a database), ${count((s) => s.type === 'nextjs')} nextjs, ` +
    `${count((s) => s.type === 'spa')} spa (scripts/make-big-project.mjs).`;
  const loadLine =
    `Load average (1/5/15 min): ${fmtLoad(report.loadBefore)} before the timed loop, ` +
    `${fmtLoad(report.loadAfter)} after. CPU = mean user+system time of the child process ` +
    '(10 ms ticks), informational: it moves far less than wall time when other work loads the machine.';
  const failed = rows.filter((row) => row.status === 'FAIL').map((row) => row.name);
  const summary = failed.length === 0 ? 'All targets met.' : `FAIL — missed: ${failed.join('; ')}.`;

  if (!options.markdownOnly) {
    const header = [
      'case',
      'median ms',
      'p90 ms',
      'min ms',
      '× bare',
      'CPU ms',
      'CPU × bare',
      'target',
      'result',
    ];
    const body = rows.map((row) => [
      row.name,
      ms(row.median),
      ms(row.p90),
      ms(row.min),
      ratio(row.ratio),
      row.cpu === undefined ? 'n/a' : ms(row.cpu),
      cpuRatio(row),
      row.target,
      row.status,
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((line) => line[i].length)));
    const numeric = (i) => i >= 1 && i <= 6;
    const format = (line) =>
      line
        .map((cell, i) => (numeric(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
        .join('  ')
        .trimEnd();
    const out = [
      '',
      environment,
      method,
      '',
      format(header),
      widths.map((w) => '-'.repeat(w)).join('  '),
      ...body.map(format),
      '',
      keygenLine,
      bigLine,
      loadLine,
      '',
      summary,
      '',
      '--- Markdown (for the README) ---',
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  }

  const md = [
    '',
    `${environment}. ${method}.`,
    '',
    '| Case | Median (ms) | p90 (ms) | × bare node | CPU (ms) | Target | Result |',
    '|---|--:|--:|--:|--:|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.name.replace(/\|/g, '\\|')} | ${ms(row.median)} | ${ms(row.p90)} | ${ratio(row.ratio)} | ` +
        `${row.cpu === undefined ? 'n/a' : ms(row.cpu)} | ${row.target} | ${row.status === 'FAIL' ? '**FAIL**' : row.status} |`,
    ),
    '',
    keygenLine,
    bigLine,
    loadLine,
    '',
    summary,
    '',
  ];
  process.stdout.write(`${md.join('\n')}\n`);
}

try {
  main();
} catch (error) {
  if (!(error instanceof BenchAbort)) throw error;
  process.stderr.write(`\nbench aborted: ${error.message}\n`);
  process.exitCode = 2;
}
