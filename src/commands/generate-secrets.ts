import { resolve } from 'node:path';
import type { KeyReport, Warning } from '../core/report.js';
import { sortKeyReport } from '../core/report.js';
import type { SecretSource } from '../core/secret-source.js';
import {
  findAlreadyIgnored,
  findTrackedSecretFiles,
  findMissingIgnorePatterns,
  planIgnoreFile,
} from '../io/ignore-files.js';
import { readExistingFile, removeStaleTempFiles } from '../io/files.js';
import { acquireLock } from '../io/lock.js';
import { findProjectRoot } from '../io/project-root.js';
import {
  diffOutputs,
  outcomesOf,
  writeOutputs,
  type FileOutcome,
} from './generate/apply-outputs.js';
import { planOutputs, type DesiredFile } from './generate/plan-outputs.js';
import { readInputs } from './generate/read-inputs.js';

export interface GenerateOptions {
  cwd: string;
  dryRun: boolean;
  check: boolean;
  prune: boolean;
  resetFramework: boolean;
  rotateKeys?: ReadonlySet<string>;
  rotateJwt?: boolean;
}

export interface GenerateDeps {
  source: SecretSource;
  now: () => Date;
}

export interface GenerateResult {
  root: string;
  files: FileOutcome[];
  keys: KeyReport;
  warnings: Warning[];
  pruned: string[];
  /** true when any file, mode or ignore line differs from what the run wants */
  changed: boolean;
  written: boolean;
}

/**
 * `generate-secrets` (SPEC §1–§8): read and validate every input, compute every output in memory,
 * then write the files that changed, atomically and in a crash-safe order, under the project lock.
 */
export async function generateSecrets(
  options: GenerateOptions,
  deps: GenerateDeps,
  /** checks the plan before anything is written (secrets:rotate validates its key names here) */
  validate?: (rotatable: ReadonlySet<string>) => void,
): Promise<GenerateResult> {
  const root = await findProjectRoot(resolve(options.cwd));
  const writing = !options.dryRun && !options.check;
  const lock = writing ? await acquireLock(root) : undefined;
  try {
    const tracked = findTrackedSecretFiles(root);
    const inputs = await readInputs(root, options.resetFramework);
    const today = deps.now().toISOString().slice(0, 10);
    const plan = planOutputs(inputs, options, deps.source, today);
    validate?.(plan.framework.rotatable);
    const files: DesiredFile[] = [...plan.files, ...(await planIgnoreFiles(root))];
    const { steps, warnings: diskWarnings } = await diffOutputs(root, files);
    const warnings = [...plan.warnings, ...diskWarnings];
    const trackedFiles = await tracked;
    if (trackedFiles.length > 0) {
      warnings.push({
        code: 'SECRETS_FILE_TRACKED',
        message: `secrets files are tracked by git and may be pushed: ${trackedFiles.join(', ')}. Untrack them (they stay on disk): git rm --cached ${trackedFiles.join(' ')}`,
      });
    }
    const changed = steps.some((s) => s.action !== 'unchanged' && s.action !== 'skipped');
    if (writing) {
      // Leftover temp files of a crashed run hold secrets: always clear them.
      await removeStaleTempFiles(tempFileDirs(root, files));
      if (changed) await writeOutputs(root, steps);
    }
    return {
      root,
      files: outcomesOf(steps),
      keys: sortKeyReport(plan.keys),
      warnings,
      pruned: [...plan.pruned].sort(),
      changed,
      written: writing && changed,
    };
  } finally {
    await lock?.release();
  }
}

/** `.gitignore` always; `.dockerignore` only when the project has one (SPEC §8). */
async function planIgnoreFiles(root: string): Promise<DesiredFile[]> {
  const [gitignore, dockerignore] = await Promise.all([
    readExistingFile(`${root}/.gitignore`),
    readExistingFile(`${root}/.dockerignore`),
  ]);
  const files: DesiredFile[] = [];
  let gitText = planIgnoreFile(gitignore?.text, new Set());
  if (gitText !== undefined) {
    // Only when a line seems missing is git asked whether another rule already covers it.
    gitText = planIgnoreFile(
      gitignore?.text,
      await findAlreadyIgnored(root, findMissingIgnorePatterns(gitignore?.text)),
    );
  }
  if (gitText !== undefined || gitignore) {
    files.push({ path: '.gitignore', content: gitText ?? gitignore?.text, secret: false });
  }
  if (dockerignore) {
    const dockerText = planIgnoreFile(dockerignore.text, new Set());
    files.push({ path: '.dockerignore', content: dockerText ?? dockerignore.text, secret: false });
  }
  return files;
}

function tempFileDirs(root: string, files: DesiredFile[]): string[] {
  const dirs = new Set<string>([root]);
  for (const file of files) {
    const slash = file.path.lastIndexOf('/');
    if (slash > 0) dirs.add(`${root}/${file.path.slice(0, slash)}`);
  }
  return [...dirs];
}
