import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  IGNORE_BLOCK_HEADER,
  IGNORE_SAMPLE_PATHS,
  IGNORED_PATTERNS,
  findAlreadyIgnored,
  findMissingIgnorePatterns,
  findTrackedSecretFiles,
  formatUntrackCommand,
  planIgnoreFile,
} from '../src/io/ignore-files.js';

// Keep the machine's git config (a global excludes file, say) out of these tests.
const gitEnv = {
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CEILING_DIRECTORIES: tmpdir(),
};
const savedEnv: Record<string, string | undefined> = {};

beforeAll(() => {
  for (const [name, value] of Object.entries(gitEnv)) {
    savedEnv[name] = process.env[name];
    process.env[name] = value;
  }
});

afterAll(() => {
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsds-ignore-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' });
}

function initRepo(cwd: string): void {
  git(cwd, '-c', 'init.defaultBranch=main', 'init', '-q');
}

/** The paths among `paths` that git's ignore rules ignore (ignoring the index). */
function checkIgnored(cwd: string, paths: string[]): string[] {
  const result = spawnSync('git', ['check-ignore', '--no-index', '--stdin'], {
    cwd,
    input: paths.join('\n'),
    encoding: 'utf8',
  });
  expect(result.status === 0 || result.status === 1).toBe(true);
  return result.stdout.split('\n').filter((line) => line !== '');
}

async function touch(root: string, path: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), 'x');
}

const allSamples = IGNORED_PATTERNS.flatMap((pattern) => IGNORE_SAMPLE_PATHS[pattern] ?? [pattern]);
const committed = [
  '.secrets.user.example.json',
  '.tsdevstack/secret-map.json',
  '.tsdevstack/config.json',
  '.gitignore',
  'apps/web/src/main.ts',
  'apps/web/.env.example',
];

describe('planIgnoreFile', () => {
  it('creates the whole block for a missing file', () => {
    expect(planIgnoreFile(undefined, new Set())).toBe(
      `${IGNORE_BLOCK_HEADER}\n${IGNORED_PATTERNS.join('\n')}\n`,
    );
  });

  it('appends only the missing lines, once, under one header', () => {
    const existing = 'node_modules/\n/.env\n.secrets.local.json  \n';
    const planned = planIgnoreFile(existing, new Set());
    const expected = IGNORED_PATTERNS.filter((p) => p !== '.env' && p !== '.secrets.local.json');
    expect(planned).toBe(`${existing}\n${IGNORE_BLOCK_HEADER}\n${expected.join('\n')}\n`);
    expect(planned?.split(IGNORE_BLOCK_HEADER)).toHaveLength(2);
    expect(planIgnoreFile(planned, new Set())).toBeUndefined();
  });

  it('skips patterns git already ignores by other rules', () => {
    const already = new Set(IGNORED_PATTERNS.filter((p) => p !== '.secrets.user.json'));
    expect(planIgnoreFile('dist\n', already)).toBe(
      `dist\n\n${IGNORE_BLOCK_HEADER}\n.secrets.user.json\n`,
    );
    expect(planIgnoreFile('dist\n', new Set(IGNORED_PATTERNS))).toBeUndefined();
  });

  it('keeps CRLF line endings and adds the missing final newline', () => {
    const planned = planIgnoreFile('node_modules\r\n.env', new Set()) ?? '';
    expect(planned.startsWith('node_modules\r\n.env\r\n\r\n# tsdevstack-secrets\r\n')).toBe(true);
    expect(planned.endsWith('\r\n')).toBe(true);
    expect(planned.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(planIgnoreFile(planned, new Set())).toBeUndefined();
  });

  it('adds a newline before the block when the file does not end with one', () => {
    expect(planIgnoreFile('dist', new Set(IGNORED_PATTERNS.slice(1)))).toBe(
      `dist\n\n${IGNORE_BLOCK_HEADER}\n${IGNORED_PATTERNS[0]}\n`,
    );
  });

  it('does not add a second blank line after a blank last line', () => {
    expect(planIgnoreFile('dist\n\n', new Set(IGNORED_PATTERNS.slice(1)))).toBe(
      `dist\n\n${IGNORE_BLOCK_HEADER}\n${IGNORED_PATTERNS[0]}\n`,
    );
  });

  it('adds lines inside an existing block instead of writing a second header', () => {
    const [first = '', ...rest] = IGNORED_PATTERNS;
    const existing = `dist\n\n${IGNORE_BLOCK_HEADER}\n${rest.join('\n')}\n\n# mine\n!keep.env\n`;
    expect(planIgnoreFile(existing, new Set())).toBe(
      `dist\n\n${IGNORE_BLOCK_HEADER}\n${rest.join('\n')}\n${first}\n\n# mine\n!keep.env\n`,
    );
    const atEnd = `${IGNORE_BLOCK_HEADER}\n${rest.join('\n')}`;
    expect(planIgnoreFile(atEnd, new Set())).toBe(`${atEnd}\n${first}\n`);
  });

  it('lists missing patterns for callers that only want to know', () => {
    expect(findMissingIgnorePatterns(planIgnoreFile(undefined, new Set()))).toEqual([]);
    expect(findMissingIgnorePatterns('.env\n')).not.toContain('.env');
  });
});

describe('the patterns in a real git repository', () => {
  it('ignore every secrets file and none of the committed ones', async () => {
    initRepo(dir);
    await writeFile(join(dir, '.gitignore'), planIgnoreFile('node_modules\n', new Set()) ?? '');
    expect(checkIgnored(dir, allSamples).sort()).toEqual([...allSamples].sort());
    expect(checkIgnored(dir, committed)).toEqual([]);

    const files = [...allSamples, ...committed, 'apps/api/.env'].filter((p) => p !== '.gitignore');
    for (const path of files) await touch(dir, path);
    const untracked = git(dir, 'status', '--porcelain', '--untracked-files=all')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line.slice(3))
      .sort();
    expect(untracked).toEqual([...committed].sort());
  });

  it('findAlreadyIgnored reports patterns covered by other rules, judged on every sample', async () => {
    initRepo(dir);
    await writeFile(
      join(dir, '.gitignore'),
      '**/.env\n.tsdevstack/.credentials.*\n*.bak\n.tsdevstack/.local-store.dev.json\n',
    );
    await mkdir(join(dir, '.git', 'info'), { recursive: true });
    await writeFile(join(dir, '.git', 'info', 'exclude'), '.secrets.user.json\n');
    const already = await findAlreadyIgnored(dir, IGNORED_PATTERNS);
    expect([...already].sort()).toEqual(
      [
        '.env',
        'apps/*/.env',
        '.tsdevstack/.credentials.*.json',
        '.secrets.*.json.bak',
        '.secrets.user.json',
      ].sort(),
    );
    // Only one store environment is covered, so the wildcard pattern is still missing.
    expect(already.has('.tsdevstack/.local-store.*.json')).toBe(false);

    const planned = planIgnoreFile('**/.env\n', already);
    expect(planned).not.toContain('\n.env\n');
    expect(planned).toContain('.tsdevstack/.local-store.*.json');
  });

  it('a rule for one app does not count as covering every app', async () => {
    initRepo(dir);
    await writeFile(join(dir, '.gitignore'), 'apps/web/.env\n');
    expect(await findAlreadyIgnored(dir, ['apps/*/.env'])).toEqual(new Set());
    await writeFile(join(dir, '.gitignore'), 'apps/*/.env\n');
    expect(await findAlreadyIgnored(dir, ['apps/*/.env'])).toEqual(new Set(['apps/*/.env']));
  });

  it('a re-include rule above our block does not beat it', async () => {
    initRepo(dir);
    const existing = '!.env\n!.secrets.user.json\n';
    await writeFile(join(dir, '.gitignore'), planIgnoreFile(existing, new Set()) ?? '');
    expect(checkIgnored(dir, ['.env', '.secrets.user.json'])).toEqual([
      '.env',
      '.secrets.user.json',
    ]);
  });

  it('findAlreadyIgnored counts a rule even for a tracked file, and is empty outside a repo', async () => {
    initRepo(dir);
    await writeFile(join(dir, '.gitignore'), '.env\n');
    await touch(dir, '.env');
    git(dir, 'add', '-f', '.env');
    expect(await findAlreadyIgnored(dir, ['.env', '.secrets.user.json'])).toEqual(
      new Set(['.env']),
    );

    const outside = join(dir, 'not-a-repo');
    await mkdir(outside);
    await rm(join(dir, '.git'), { recursive: true });
    expect(await findAlreadyIgnored(outside, IGNORED_PATTERNS)).toEqual(new Set());
  });
});

describe('findTrackedSecretFiles', () => {
  it('lists tracked secrets files relative to the project root', async () => {
    initRepo(dir);
    const paths = [
      '.env',
      'apps/web/.env',
      '.secrets.user.json',
      '.secrets.tsdevstack.json.bak',
      '.tsdevstack/.credentials.gcp.json',
      '.secrets.user.example.json',
      '.tsdevstack/secret-map.json',
      'apps/web/.env.example',
      'apps/web/src/.env',
      'docs/.env',
    ];
    for (const path of paths) await touch(dir, path);
    git(dir, 'add', '-f', '--', ...paths);

    expect(await findTrackedSecretFiles(dir)).toEqual([
      '.env',
      '.secrets.tsdevstack.json.bak',
      '.secrets.user.json',
      '.tsdevstack/.credentials.gcp.json',
      'apps/web/.env',
    ]);
  });

  it('works for a project in a subfolder of the repository', async () => {
    initRepo(dir);
    const project = join(dir, 'projects', 'shop');
    await touch(project, '.secrets.local.json');
    await touch(dir, '.secrets.local.json');
    git(dir, 'add', '-f', '--', 'projects/shop/.secrets.local.json', '.secrets.local.json');
    expect(await findTrackedSecretFiles(project)).toEqual(['.secrets.local.json']);
  });

  it('returns [] outside a repository and when nothing is tracked', async () => {
    expect(await findTrackedSecretFiles(dir)).toEqual([]);
    expect(await findTrackedSecretFiles(join(dir, 'missing-folder'))).toEqual([]);
    initRepo(dir);
    await touch(dir, '.env');
    expect(await findTrackedSecretFiles(dir)).toEqual([]);
  });
});

describe('formatUntrackCommand', () => {
  it('names git rm --cached with the files, quoted for a shell when needed', () => {
    expect(formatUntrackCommand(['.env', 'apps/web/.env'])).toBe(
      'git rm --cached -- .env apps/web/.env',
    );
    expect(formatUntrackCommand(["apps/it's/.env"])).toBe(
      `git rm --cached -- 'apps/it'\\''s/.env'`,
    );
  });
});
