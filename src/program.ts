import { Command, Option } from 'commander';
import type { RunContext } from './run-context.js';

declare const PACKAGE_VERSION: string;

/**
 * The commander tree only: flags, help text and examples. Each action imports its command lazily,
 * so `--help` and `--version` never load the generator, zod or a cloud SDK.
 */
export function buildProgram(context: RunContext): Command {
  const program = new Command('tsdevstack-secrets')
    .description(
      'Secrets for tsdevstack monorepos: generate, merge and write local secrets safely.',
    )
    .version(PACKAGE_VERSION, '-v, --version', 'print the version')
    .option('--debug', 'show stack traces for unexpected errors')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false })
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.streams.stdout.write(text),
      writeErr: (text) => context.streams.stderr.write(text),
    });

  const generate = program
    .command('generate-secrets')
    .description(
      'Generate framework secrets, keep existing ones, merge .secrets.user.json over them, and write ' +
        '.secrets.local.json, the example file, the secret map and the .env files.',
    );
  addProjectOptions(generate)
    .option('--dry-run', 'show every file and key with its action; write nothing')
    .option(
      '--check',
      'exit 1 if a run would change any file, mode or .gitignore line; write nothing',
    )
    .option('--prune', 'delete retired values and user sections of services that left the config')
    .option(
      '--reset-framework',
      'regenerate .secrets.tsdevstack.json from scratch (the old file is saved as .bak); NEW values for every framework secret',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ npx tsdevstack-secrets generate-secrets
  $ npx tsdevstack-secrets generate-secrets --check        # in CI: fail when files are stale
  $ npx tsdevstack-secrets generate-secrets --dry-run --cwd ../my-project
  $ npx tsdevstack-secrets generate-secrets --json | jq .keys.generated`,
    )
    .action(async (options: Record<string, unknown>) => {
      const { runGenerateCommand } = await import('./commands/generate-command.js');
      context.json = options.json === true;
      await runGenerateCommand(options, context);
    });

  const rotate = program
    .command('secrets:rotate')
    .description(
      'Regenerate the named framework secrets, or with --jwt move the current JWT key pair to ' +
        '*_PREVIOUS and make a new one; then rewrite the derived files.',
    )
    .argument(
      '[keys...]',
      'framework keys to regenerate, e.g. KONG_TRUST_TOKEN OFFERS_SERVICE_API_KEY',
    );
  addProjectOptions(rotate)
    .option(
      '--jwt',
      'rotate the JWT signing key pair (the old pair keeps verifying until the next rotation)',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ npx tsdevstack-secrets secrets:rotate --jwt
  $ npx tsdevstack-secrets secrets:rotate KONG_TRUST_TOKEN AUTH_SERVICE_API_KEY`,
    )
    .action(async (keys: string[], options: Record<string, unknown>) => {
      const { runRotateCommand } = await import('./commands/rotate-command.js');
      context.json = options.json === true;
      await runRotateCommand(keys, options, context);
    });

  return program;
}

function addProjectOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--cwd <dir>',
        'where to start looking for the project: the nearest folder at or above it holding .tsdevstack/config.json (default: the working directory)',
      ),
    )
    .option('--json', 'print one JSON document on stdout')
    .option('-q, --quiet', 'print warnings and errors only');
}
