import { spawn } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  chmod,
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import dotenv from 'dotenv';
import type { SecretSource } from '../../src/core/secret-source.js';
import { CliError } from '../../src/errors.js';
import {
  generateSecrets,
  type GenerateOptions,
  type GenerateResult,
} from '../../src/commands/generate-secrets.js';
import { nodeSecretSource } from '../../src/io/node-secret-source.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A file's content, or its content and mode (default 0o644). */
export type FileSpec = string | Buffer | { content: string | Buffer; mode: number };

export interface ProjectSpec {
  /** written as `.tsdevstack/config.json` (2-space JSON); omit to write no config */
  config?: unknown;
  /** other files, by path relative to the project root */
  files?: Record<string, FileSpec>;
  /** create `apps/<name>/` for these services; default: every service named in `config` */
  apps?: string[];
}

export interface Project {
  root: string;
  path(relativePath: string): string;
  read(relativePath: string): Promise<string>;
  readJson<T = Record<string, unknown>>(relativePath: string): Promise<T>;
  /** parsed with the real `dotenv` package, as services and Compose users read it */
  readEnv(relativePath: string): Promise<Record<string, string>>;
  write(relativePath: string, content: FileSpec): Promise<void>;
  writeConfig(config: unknown): Promise<void>;
  exists(relativePath: string): boolean;
  mode(relativePath: string): Promise<number>;
}

const created: string[] = [];

/** A real project folder under os.tmpdir(), built from object literals. Remove with cleanupProjects(). */
export async function makeProject(spec: ProjectSpec = {}): Promise<Project> {
  const root = await mkdtemp(join(tmpdir(), 'tsds-gen-'));
  created.push(root);
  const project = projectAt(root);
  if (spec.config !== undefined) await project.writeConfig(spec.config);
  const apps = spec.apps ?? serviceNames(spec.config);
  for (const app of apps) await mkdir(join(root, 'apps', app), { recursive: true });
  for (const [path, content] of Object.entries(spec.files ?? {}))
    await project.write(path, content);
  return project;
}

/** A copy of `fixtures/<name>` (modes kept) in a fresh temp folder. */
export async function copyFixture(name: string): Promise<Project> {
  const root = await mkdtemp(join(tmpdir(), `tsds-${name}-`));
  created.push(root);
  await cp(join(REPO_ROOT, 'fixtures', name), root, { recursive: true });
  // cp does not promise to keep permission bits; the migration tests depend on them.
  const source = await snapshotTree(join(REPO_ROOT, 'fixtures', name));
  for (const [path, file] of source) await chmod(join(root, path), file.mode);
  return projectAt(root);
}

/** A second project holding the same files (bytes and modes) as `project`. */
export async function cloneProject(project: Project): Promise<Project> {
  const root = await mkdtemp(join(tmpdir(), 'tsds-clone-'));
  created.push(root);
  await cp(project.root, root, { recursive: true });
  for (const [path, file] of await snapshotTree(project.root)) {
    await chmod(join(root, path), file.mode);
  }
  return projectAt(root);
}

export async function cleanupProjects(): Promise<void> {
  const roots = created.splice(0);
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
}

export function projectAt(root: string): Project {
  const path = (relativePath: string) => join(root, relativePath);
  return {
    root,
    path,
    read: (relativePath) => readFile(path(relativePath), 'utf8'),
    async readJson<T>(relativePath: string) {
      const text = (await readFile(path(relativePath), 'utf8')).replace(/^\uFEFF/, '');
      return JSON.parse(text) as T;
    },
    async readEnv(relativePath) {
      return { ...dotenv.parse(await readFile(path(relativePath))) };
    },
    async write(relativePath, spec) {
      const target = path(relativePath);
      await mkdir(dirname(target), { recursive: true });
      const { content, mode } =
        typeof spec === 'string' || Buffer.isBuffer(spec) ? { content: spec, mode: 0o644 } : spec;
      await writeFile(target, content);
      await chmod(target, mode);
    },
    async writeConfig(config) {
      await mkdir(path('.tsdevstack'), { recursive: true });
      await writeFile(path('.tsdevstack/config.json'), `${JSON.stringify(config, null, 2)}\n`);
    },
    exists: (relativePath) => existsSync(path(relativePath)),
    mode: async (relativePath) => (await stat(path(relativePath))).mode & 0o777,
  };
}

function serviceNames(config: unknown): string[] {
  if (typeof config !== 'object' || config === null) return [];
  const services = (config as { services?: unknown }).services;
  if (!Array.isArray(services)) return [];
  return services.flatMap((s: unknown) =>
    typeof s === 'object' && s !== null && typeof (s as { name?: unknown }).name === 'string'
      ? [(s as { name: string }).name]
      : [],
  );
}

// ---- snapshots ---------------------------------------------------------------------------------

export interface FileSnapshot {
  bytes: Buffer;
  mtimeMs: number;
  mode: number;
}

/** Every file under `root` (not folders), by path relative to it with `/` separators. */
export async function snapshotTree(root: string): Promise<Map<string, FileSnapshot>> {
  const files = new Map<string, FileSnapshot>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) {
        const info = await stat(full);
        files.set(relative(root, full).split('\\').join('/'), {
          bytes: await readFile(full),
          mtimeMs: info.mtimeMs,
          mode: info.mode & 0o777,
        });
      }
    }
  };
  await walk(root);
  return new Map([...files].sort(([a], [b]) => a.localeCompare(b)));
}

/** `{path: {text, mtimeMs, mode}}`, a form whose vitest diff is readable. */
export function describeSnapshot(
  snapshot: Map<string, FileSnapshot>,
): Record<string, { text: string; mtimeMs: number; mode: string }> {
  return Object.fromEntries(
    [...snapshot].map(([path, file]) => [
      path,
      { text: file.bytes.toString('utf8'), mtimeMs: file.mtimeMs, mode: file.mode.toString(8) },
    ]),
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---- secret sources ----------------------------------------------------------------------------

const keyPairs: Array<{ privateKeyPem: string; publicKeyPem: string }> = [];

/** Real RSA-2048 pairs, generated on first use and shared by every test of the file (~0.4 s each). */
function keyPair(index: number): { privateKeyPem: string; publicKeyPem: string } {
  while (keyPairs.length <= index) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    keyPairs.push({ privateKeyPem: privateKey, publicKeyPem: publicKey });
  }
  const pair = keyPairs[index];
  if (pair === undefined) throw new Error('unreachable');
  return pair;
}

export interface TestSource extends SecretSource {
  /** how many RSA key pairs were asked for */
  readonly rsaGenerations: number;
}

/**
 * Valid but deterministic material: hex and base64url of the requested length from a seeded hash
 * chain, and real RSA pairs from a small pool (so rotation still gets a pair different from the
 * current one). Public keys are derived with the real node:crypto code.
 */
export function testSource(seed = 'tsds-test'): TestSource {
  let counter = 0;
  let rsa = 0;
  const bytes = (count: number): Buffer => {
    const chunks: Buffer[] = [];
    let length = 0;
    counter += 1;
    for (let block = 0; length < count; block += 1) {
      const chunk = createHash('sha256').update(`${seed}:${counter}:${block}`).digest();
      chunks.push(chunk);
      length += chunk.length;
    }
    return Buffer.concat(chunks).subarray(0, count);
  };
  return {
    randomHex: (count) => bytes(count).toString('hex'),
    randomBase64Url: (count) => bytes(count).toString('base64url'),
    generateRsaKeyPair() {
      rsa += 1;
      return keyPair((rsa - 1) % 2);
    },
    publicKeyFromPrivate: (pem) => nodeSecretSource.publicKeyFromPrivate(pem),
    get rsaGenerations() {
      return rsa;
    },
  };
}

// ---- running the command -----------------------------------------------------------------------

export const FIXED_NOW = new Date('2026-03-14T09:26:53Z');

export function runGenerate(
  project: Project,
  options: Partial<Omit<GenerateOptions, 'cwd'>> = {},
  source: SecretSource = testSource(),
  now: Date = FIXED_NOW,
): Promise<GenerateResult> {
  return generateSecrets(
    {
      cwd: project.root,
      dryRun: false,
      check: false,
      prune: false,
      resetFramework: false,
      ...options,
    },
    { source, now: () => now },
  );
}

/** The CliError a promise rejects with (the test fails if it resolves or throws anything else). */
export async function cliErrorOf(promise: Promise<unknown>): Promise<CliError> {
  const outcome = await promise.then(
    () => new Error('expected a CliError, but the command succeeded'),
    (error: unknown) => error,
  );
  if (!(outcome instanceof CliError)) throw outcome;
  return outcome;
}

// ---- the built binary --------------------------------------------------------------------------

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

let binary: Promise<string> | undefined;

/**
 * A private copy of the built CLI (dist/ plus the bin launcher). Other engineers rebuild dist/ in
 * the shared tree while tests run (the build deletes it first); a copy made once per test file
 * cannot vanish under a spawned process. Builds only when dist/ is missing (`npm test` builds).
 */
export function builtBinary(): Promise<string> {
  binary ??= (async () => {
    if (!existsSync(join(REPO_ROOT, 'dist', 'cli.js'))) {
      const build = await runNode([join(REPO_ROOT, 'scripts', 'build.mjs')], REPO_ROOT, {});
      if (build.code !== 0) throw new Error(`build failed:\n${build.stderr}`);
    }
    const copy = await mkdtemp(join(tmpdir(), 'tsds-bin-'));
    await cp(join(REPO_ROOT, 'dist'), join(copy, 'dist'), { recursive: true });
    await cp(join(REPO_ROOT, 'bin'), join(copy, 'bin'), { recursive: true });
    return join(copy, 'bin', 'tsdevstack.js');
  })();
  return binary;
}

/** Removes the binary copy (call in afterAll of files that spawn it). */
export async function cleanupBinary(): Promise<void> {
  if (binary === undefined) return;
  const bin = await binary.catch(() => undefined);
  binary = undefined;
  if (bin !== undefined) await rm(dirname(dirname(bin)), { recursive: true, force: true });
}

/** Spawns the built CLI with `args`; colour off and no fault injection unless `env` sets it. */
export async function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CliRun> {
  return runNode([await builtBinary(), ...args], options.cwd ?? tmpdir(), options.env ?? {});
}

function runNode(args: string[], cwd: string, env: Record<string, string>): Promise<CliRun> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...env };
  if (env.TSDEVSTACK_FAULT_AFTER_WRITES === undefined)
    delete childEnv.TSDEVSTACK_FAULT_AFTER_WRITES;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: childEnv, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// ---- shared project shapes ---------------------------------------------------------------------

export interface ServiceSpec {
  name: string;
  type: string;
  port?: number;
  hasDatabase?: boolean;
  databaseType?: string;
  databasePort?: number;
  baseService?: string;
}

/** One service of every kind SPEC §2–§4 distinguishes, plus every way a database port is chosen. */
export const SHOP_SERVICES: readonly ServiceSpec[] = [
  { name: 'auth-service', type: 'nestjs', port: 3001, hasDatabase: true }, // postgres → 5432
  { name: 'frontend', type: 'nextjs', port: 3000 },
  { name: 'offers-service', type: 'nestjs', port: 3003, hasDatabase: true, databasePort: 5440 },
  { name: 'orders-service', type: 'express', port: 3005, hasDatabase: true }, // → 5433
  { name: 'react-app', type: 'spa', port: 3004 },
  { name: 'email-worker', type: 'worker', baseService: 'auth-service' },
  {
    name: 'catalog-service',
    type: 'fastify',
    port: 3006,
    hasDatabase: true,
    databaseType: 'mysql',
  },
  {
    name: 'events-service',
    type: 'custom',
    port: 3007,
    hasDatabase: true,
    databaseType: 'mongodb',
  },
  { name: 'bff-service', type: 'nestjs', port: 3002 },
];

export function shopConfig(
  services: readonly ServiceSpec[] = SHOP_SERVICES,
): Record<string, unknown> {
  return {
    $schema: './config.schema.json',
    project: { name: 'acme-shop' },
    framework: { template: 'fullstack-auth', version: '0.2.0' },
    cloud: { provider: null },
    services: services.map((s) => ({ ...s })),
    storage: { buckets: ['uploads'] },
  };
}

/** The parts of `.secrets.tsdevstack.json` and `.secrets.local.json` the tests read. */
export interface SecretsDoc {
  secrets: Record<string, string>;
  $retired?: Record<string, Record<string, string>>;
  [section: string]: unknown;
}

export interface FrameworkSectionDoc {
  PORT?: string;
  secrets: string[];
  API_KEY?: string;
  DATABASE_URL?: string;
}

export function sectionOf<T = Record<string, string>>(doc: SecretsDoc, name: string): T {
  const section = doc[name];
  if (typeof section !== 'object' || section === null) throw new Error(`no section ${name}`);
  return section as T;
}
