import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const IGNORE_BLOCK_HEADER = '# tsdevstack-secrets';

/**
 * Lines that keep the secrets files out of git and out of Docker build contexts. Each one means
 * the same in `.gitignore` and `.dockerignore` (Docker anchors every pattern at the context root
 * and `*` never crosses `/`, hence `apps/*\/.env` next to `.env`, and `**\/` for temp files that
 * can sit in any folder we write). No pattern matches the committed files
 * (`.secrets.user.example.json`, `.tsdevstack/secret-map.json`), so no `!` re-include is needed
 * and the block's position in the file cannot un-ignore anything of ours.
 * `.tsdevstack/.secrets.lock*` covers the lock and its short-lived `.takeover` guard.
 */
export const IGNORED_PATTERNS: readonly string[] = [
  '.secrets.tsdevstack.json',
  '.secrets.user.json',
  '.secrets.local.json',
  '.secrets.*.json.bak',
  '.env',
  'apps/*/.env',
  '.tsdevstack/.credentials.*.json',
  '.tsdevstack/.local-store.*.json',
  '.tsdevstack/.secrets.lock*',
  '**/*.tsds-tmp-*',
];

/**
 * Concrete paths `git check-ignore` is asked about for each wildcard pattern; the pattern counts
 * as already ignored only when every sample is. Samples use the names the CLI really writes plus
 * a made-up app/environment name, so a rule covering one app (`apps/web/.env`) is not mistaken for
 * one covering all.
 */
export const IGNORE_SAMPLE_PATHS: Readonly<Record<string, readonly string[]>> = {
  '.secrets.*.json.bak': [
    '.secrets.tsdevstack.json.bak',
    '.secrets.user.json.bak',
    '.secrets.local.json.bak',
  ],
  'apps/*/.env': ['apps/tsds-sample-app/.env'],
  '.tsdevstack/.credentials.*.json': [
    '.tsdevstack/.credentials.gcp.json',
    '.tsdevstack/.credentials.aws.json',
    '.tsdevstack/.credentials.azure.json',
  ],
  '.tsdevstack/.local-store.*.json': [
    '.tsdevstack/.local-store.dev.json',
    '.tsdevstack/.local-store.tsds-sample-env.json',
  ],
  '.tsdevstack/.secrets.lock*': ['.tsdevstack/.secrets.lock', '.tsdevstack/.secrets.lock.takeover'],
  '**/*.tsds-tmp-*': [
    '.secrets.tsdevstack.json.tsds-tmp-0a1b',
    '.tsdevstack/.local-store.dev.json.tsds-tmp-0a1b',
    'apps/tsds-sample-app/.env.tsds-tmp-0a1b',
  ],
};

/** Tracked files that must not be (git pathspecs, relative to the project root). */
const SECRET_FILE_PATHSPECS = [
  '.secrets.tsdevstack.json',
  '.secrets.user.json',
  '.secrets.local.json',
  '.secrets.*.json.bak',
  '.env',
  'apps/*/.env',
  '.tsdevstack/.credentials.*.json',
  '.tsdevstack/.local-store.*.json',
].map((spec) => `:(glob)${spec}`);

/**
 * The patterns of IGNORED_PATTERNS that neither appear as a line of `existingText` (`/x` counts
 * as `x`: our files sit at the root) nor are in `alreadyIgnored`.
 */
export function findMissingIgnorePatterns(
  existingText: string | undefined,
  alreadyIgnored: ReadonlySet<string> = new Set(),
): string[] {
  const present = new Set(splitLines(existingText ?? '').map((line) => normalizeLine(line.text)));
  return IGNORED_PATTERNS.filter(
    (pattern) => !present.has(normalizeLine(pattern)) && !alreadyIgnored.has(pattern),
  );
}

/**
 * The new ignore-file text with the missing patterns added under one `# tsdevstack-secrets`
 * line (appended at the end, or inside our block when an earlier run wrote it), or `undefined`
 * when nothing is missing. Keeps the file's line endings. For `.dockerignore` pass an empty set:
 * git's rules say nothing about a Docker build context.
 */
export function planIgnoreFile(
  existingText: string | undefined,
  alreadyIgnored: ReadonlySet<string>,
): string | undefined {
  const missing = findMissingIgnorePatterns(existingText, alreadyIgnored);
  if (missing.length === 0) return undefined;
  const text = existingText ?? '';
  const firstNewline = text.indexOf('\n');
  const eol = firstNewline > 0 && text[firstNewline - 1] === '\r' ? '\r\n' : '\n';
  const lines = splitLines(text);
  const added = missing.map((pattern) => `${pattern}${eol}`).join('');
  const header = lines.findIndex((line) => line.text.trimEnd() === IGNORE_BLOCK_HEADER);
  if (header === -1) {
    const lastLine = lines.at(-1);
    const terminate = lastLine === undefined || lastLine.ending !== '' ? '' : eol;
    const separate = lastLine === undefined || lastLine.text.trim() === '' ? '' : eol;
    return `${text}${terminate}${separate}${IGNORE_BLOCK_HEADER}${eol}${added}`;
  }
  let end = header + 1;
  while (end < lines.length && isPatternLine(lines[end]?.text ?? '')) end += 1;
  const before = lines.slice(0, end).map((line) => line.text + line.ending);
  const lastBefore = lines[end - 1];
  if (lastBefore !== undefined && lastBefore.ending === '') before.push(eol);
  const after = lines.slice(end).map((line) => line.text + line.ending);
  return [...before, added, ...after].join('');
}

/**
 * The patterns (of `patterns`) that git already ignores by other rules, judged on their sample
 * paths with `git check-ignore --no-index` (so a tracked file still counts as covered by a rule;
 * tracking is reported separately). Run it only when `findMissingIgnorePatterns` is not empty.
 * Not a git repository, or no git: an empty set.
 */
export async function findAlreadyIgnored(
  root: string,
  patterns: readonly string[],
): Promise<Set<string>> {
  const samples = new Map(patterns.map((pattern) => [pattern, samplePathsFor(pattern)]));
  const paths = [...new Set([...samples.values()].flat())];
  if (paths.length === 0) return new Set();
  const output = await runGit(
    root,
    ['check-ignore', '--no-index', '-z', '--stdin'],
    paths.map((path) => `${path}\0`).join(''),
    [0, 1], // 1: none of them is ignored
  );
  const ignored = new Set((output ?? '').split('\0').filter((path) => path !== ''));
  return new Set(
    patterns.filter((pattern) => {
      const paths = samples.get(pattern) ?? [];
      return paths.length > 0 && paths.every((path) => ignored.has(path));
    }),
  );
}

/**
 * The secrets files git tracks, relative to `root` (run `git rm --cached` from there). Starts
 * `git ls-files` at once and never rejects (no repository, no git: `[]`), so callers can start
 * it early and await it after their other work.
 */
export function findTrackedSecretFiles(root: string): Promise<string[]> {
  // Outside a git work tree nothing can be tracked: skip the child process (most of a no-op run's
  // cost in a fresh folder).
  if (!isInsideGitWorkTree(root)) return Promise.resolve([]);
  return runGit(root, ['ls-files', '-z', '--', ...SECRET_FILE_PATHSPECS], undefined, [0]).then(
    (output) => [...new Set((output ?? '').split('\0').filter((path) => path !== ''))].sort(),
  );
}

function isInsideGitWorkTree(start: string): boolean {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return true;
    if (dirname(dir) === dir) return false;
  }
}

/** The command that stops git tracking `files` while keeping them on disk. */
export function formatUntrackCommand(files: readonly string[]): string {
  return `git rm --cached -- ${files.map(shellQuote).join(' ')}`;
}

function samplePathsFor(pattern: string): readonly string[] {
  const samples = IGNORE_SAMPLE_PATHS[pattern];
  if (samples !== undefined) return samples;
  const path = pattern.replace(/^\//, '');
  return /[*?[\]!]/.test(path) ? [] : [path];
}

/** Resolves stdout, or `undefined` when git is missing, fails, or exits with another status. */
function runGit(
  cwd: string,
  args: string[],
  input: string | undefined,
  okStatuses: readonly number[],
): Promise<string | undefined> {
  return new Promise((resolvePromise) => {
    try {
      const child = execFile(
        'git',
        args,
        { cwd, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, windowsHide: true },
        (error, stdout) => {
          if (error === null) return resolvePromise(stdout);
          const status = typeof error.code === 'number' ? error.code : undefined;
          resolvePromise(status !== undefined && okStatuses.includes(status) ? stdout : undefined);
        },
      );
      // git may exit (e.g. "not a git repository") before reading its input: ignore EPIPE.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(input ?? '');
    } catch {
      resolvePromise(undefined);
    }
  });
}

function splitLines(text: string): { text: string; ending: string }[] {
  const lines: { text: string; ending: string }[] = [];
  for (const match of text.matchAll(/([^\n]*?)(\r\n|\n|$)/g)) {
    const [, line = '', ending = ''] = match;
    if (line === '' && ending === '') break;
    lines.push({ text: line, ending });
  }
  return lines;
}

function normalizeLine(line: string): string {
  return line.trimEnd().replace(/^\//, '');
}

function isPatternLine(line: string): boolean {
  const trimmed = line.trim();
  return trimmed !== '' && !trimmed.startsWith('#');
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
