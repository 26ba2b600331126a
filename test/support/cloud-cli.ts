import { spawn } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import {
  builtBinary,
  makeProject,
  shopConfig,
  type FileSpec,
  type Project,
} from './temp-project.js';

/** One run of the built CLI; stdout also as bytes, for values that must come back exactly. */
export interface CloudRun {
  code: number | null;
  stdout: string;
  stdoutBytes: Buffer;
  stderr: string;
}

export interface CloudRunOptions {
  cwd?: string;
  /** added to (undefined: removed from) the cleaned environment */
  env?: Record<string, string | undefined>;
  /** written to stdin, which is then closed; without it stdin is an empty pipe */
  stdin?: string | Buffer;
  /** node options before the script, e.g. --import */
  nodeArgs?: string[];
}

/**
 * The environment of a child CLI: the test runner's, minus what would change how a cloud command
 * resolves its target (CI, TARGET_ENV, every provider's variables), colour off, fast retries.
 */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(?:CI|TARGET_ENV|GITHUB_ACTIONS|TSDEVSTACK_.*)$/.test(name)) continue;
    if (/^(?:AWS|GCP|GOOGLE|GCE|AZURE|IDENTITY|MSI)_/.test(name)) continue;
    env[name] = value;
  }
  env.NO_COLOR = '1';
  env.TSDEVSTACK_RETRY_BASE_MS = '1';
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** Spawns the built CLI (a private copy, see builtBinary) with `args`. */
export async function cloudCli(args: string[], options: CloudRunOptions = {}): Promise<CloudRun> {
  const bin = await builtBinary();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), bin, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: cleanEnv(options.env),
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
    child.stdin.on('error', () => undefined); // the CLI may exit without reading stdin
    child.stdin.end(options.stdin ?? '');
  });
}

export const HAS_SCRIPT =
  process.platform === 'linux' && spawnSync('script', ['--version']).status === 0;

/**
 * Runs the CLI in a pseudo-terminal (util-linux `script`), answering each prompt that matches
 * `answers[i].when` on the terminal output with `answers[i].send`. Exit code of the CLI.
 */
export async function cloudCliInTerminal(
  args: string[],
  answers: Array<{ when: RegExp; send: string }>,
  options: { cwd: string; env?: Record<string, string | undefined> },
): Promise<{ code: number | null; output: string }> {
  const bin = await builtBinary();
  const quote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;
  const command = [process.execPath, bin, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: options.cwd,
      env: cleanEnv(options.env),
      stdio: 'pipe',
    });
    let output = '';
    let next = 0;
    // A prompt that never comes must fail the test, not hang it.
    const timer = setTimeout(() => child.kill(), 15_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const answer = answers[next];
      if (answer !== undefined && answer.when.test(output)) {
        next += 1;
        child.stdin.write(answer.send);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** The shop project of the generate tests, with extra files. */
export function cloudProject(
  files: Record<string, FileSpec> = {},
  config: unknown = shopConfig(),
): Promise<Project> {
  return makeProject({ config, files });
}

/** `--provider local --env ENV --cwd ROOT` */
export function local(project: Project, env = 'dev'): string[] {
  return ['--provider', 'local', '--env', env, '--cwd', project.root];
}

/** The JSON document a `--json` run printed on stdout. */
export function jsonOf<T = Record<string, unknown>>(run: CloudRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(
      `stdout is not one JSON document (exit ${String(run.code)}):\n${run.stdout}\nstderr:\n${run.stderr}`,
    );
  }
}
