import { ExitCode, usageError } from '../errors.js';
import { nodeSecretSource } from '../io/node-secret-source.js';
import { createOutput, type Output } from '../io/output.js';
import type { RunContext } from '../run-context.js';
import { generateSecrets, type GenerateOptions, type GenerateResult } from './generate-secrets.js';

/** Turns commander's options into a run of generate-secrets and prints its result. */
export async function runGenerateCommand(
  raw: Record<string, unknown>,
  context: RunContext,
): Promise<void> {
  if (raw.check === true && raw.dryRun === true) {
    throw usageError(
      'OPTIONS_CONFLICT',
      '--check and --dry-run cannot be used together',
      'Use one of them.',
    );
  }
  const options: GenerateOptions = {
    cwd: typeof raw.cwd === 'string' ? raw.cwd : context.cwd,
    dryRun: raw.dryRun === true,
    check: raw.check === true,
    prune: raw.prune === true,
    resetFramework: raw.resetFramework === true,
  };
  const result = await generateSecrets(options, {
    source: nodeSecretSource,
    now: () => new Date(),
  });
  printGenerateResult(result, options, raw, context);
  if (options.check && result.changed) context.exitCode = ExitCode.differs;
}

export function printGenerateResult(
  result: GenerateResult,
  options: Pick<GenerateOptions, 'dryRun' | 'check'>,
  raw: Record<string, unknown>,
  context: RunContext,
): void {
  const output = createOutput(context.streams, context.env, { quiet: raw.quiet === true });
  if (raw.json === true) {
    // `pruned` extends SPEC §11's key lists: without it a --prune run would not say what it deleted.
    const doc = {
      files: result.files,
      keys: { ...result.keys, pruned: result.pruned },
      warnings: result.warnings,
    };
    output.data(`${JSON.stringify(doc, null, 2)}\n`);
    return;
  }
  for (const warning of result.warnings) output.warn(warning.message);
  printFiles(result, output);
  printKeys(result, options, output);
  if (options.check) {
    // On stderr, so that even --quiet says why CI failed.
    if (result.changed) output.warn('out of date: run generate-secrets to update these files.');
    else output.info('Up to date.');
  } else if (options.dryRun) {
    output.info(output.out.dim('Dry run: nothing was written.'));
  }
}

const ACTION_COLOURS = {
  created: 'green',
  updated: 'cyan',
  removed: 'red',
  'mode-fixed': 'yellow',
  skipped: 'yellow',
  unchanged: 'dim',
} as const;

function printFiles(result: GenerateResult, output: Output): void {
  for (const file of result.files) {
    const label = file.action.padEnd(10);
    output.info(`  ${output.out[ACTION_COLOURS[file.action]](label)} ${file.path}`);
  }
}

function printKeys(
  result: GenerateResult,
  options: Pick<GenerateOptions, 'dryRun' | 'check'>,
  output: Output,
): void {
  const { keys } = result;
  const lists: Array<[string, string[]]> = [
    ['generated', keys.generated],
    ['kept', keys.kept],
    ['migrated', keys.migrated],
    ['retired', keys.retired],
    ['reset', keys.reset],
    ['pruned', result.pruned],
  ];
  const verbose = options.dryRun || options.check;
  const summary = lists
    .filter(([, names]) => names.length > 0)
    .map(([label, names]) => `${String(names.length)} ${label}`)
    .join(', ');
  output.info(`Secrets: ${summary === '' ? 'nothing to do' : summary}`);
  for (const [label, names] of lists) {
    // Generated, migrated and retired keys matter even on a normal run; kept ones only on request.
    if (names.length === 0 || (label === 'kept' && !verbose)) continue;
    output.info(`  ${label}: ${names.join(', ')}`);
  }
}
