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
      'Secrets for tsdevstack monorepos: generate, merge and write local secrets safely, and manage them per environment in GCP, AWS, Azure or a local store.',
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
      const { runGenerateCommand } = await import('./commands/local-commands.js');
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
      const { runRotateCommand } = await import('./commands/local-commands.js');
      context.json = options.json === true;
      await runRotateCommand(keys, options, context);
    });

  addCloudCommands(program, context);
  return program;
}

/**
 * The cloud-secrets commands (SPEC §9.4). Each action imports its command lazily: `--help` loads
 * neither zod nor a store.
 */
function addCloudCommands(program: Command, context: RunContext): void {
  const set = program
    .command('cloud-secrets:set')
    .description(
      'Store one secret in the environment: the shared scope, or a service scope with --service. ' +
        'Refuses to replace a different value without --overwrite.',
    )
    .argument('<key>', 'the key, e.g. STRIPE_SECRET_KEY')
    .argument(
      '[value]',
      'the value (prefer --value - or a pipe: a value on the command line stays in the shell history)',
    )
    .option(
      '--value <value>',
      'the value; "-" reads it from stdin (also the default when stdin is piped)',
    )
    .option('--trim', 'strip one trailing newline (\\n or \\r\\n) from the value')
    .option('--service <service>', 'store it in this service\'s scope instead of "shared"')
    .option('--overwrite', 'replace an existing different value (a new version)');
  addCloudOptions(set)
    .addHelpText(
      'after',
      `
Values are stored byte for byte: a value read from stdin keeps its trailing newline unless --trim.

Examples:
  $ printf %s "$STRIPE_KEY" | npx tsdevstack-secrets cloud-secrets:set STRIPE_SECRET_KEY --env staging
  $ npx tsdevstack-secrets cloud-secrets:set STRIPE_SECRET_KEY --value - --trim --env prod --yes < key.txt
  $ npx tsdevstack-secrets cloud-secrets:set WEBHOOK_PATH /hooks --service offers-service --env dev --overwrite
  $ npx tsdevstack-secrets cloud-secrets:set DOMAIN example.com --provider local --env dev`,
    )
    .action(async (key: string, value: string | undefined, options: Record<string, unknown>) => {
      const { runSetCommand } = await import('./commands/cloud-commands.js');
      context.json = options.json === true;
      await runSetCommand(key, value, options, context);
    });

  const get = program
    .command('cloud-secrets:get')
    .description(
      "Print one secret's value exactly as stored, and nothing else, on stdout (a newline is " +
        'added only on a terminal). Exit 1 when it does not exist.',
    )
    .argument('<key>', 'the key, e.g. STRIPE_SECRET_KEY')
    .option('--service <service>', 'read it from this service\'s scope instead of "shared"');
  addCloudOptions(get)
    .addHelpText(
      'after',
      `
Examples:
  $ npx tsdevstack-secrets cloud-secrets:get STRIPE_SECRET_KEY --env staging
  $ export DATABASE_URL="$(npx tsdevstack-secrets cloud-secrets:get DATABASE_URL --service offers-service --env dev)"
  $ npx tsdevstack-secrets cloud-secrets:get DOMAIN --env prod --json | jq -r .value`,
    )
    .action(async (key: string, options: Record<string, unknown>) => {
      const { runGetCommand } = await import('./commands/cloud-commands.js');
      context.json = options.json === true;
      await runGetCommand(key, options, context);
    });

  const list = program
    .command('cloud-secrets:list')
    .description(
      "List the project's secrets in the environment: key, scope, kind (framework/user) and last " +
        'update. Values are never fetched.',
    );
  addCloudOptions(list)
    .addHelpText(
      'after',
      `
Examples:
  $ npx tsdevstack-secrets cloud-secrets:list --env staging
  $ npx tsdevstack-secrets cloud-secrets:list --env prod --json | jq -r '.secrets[].key'`,
    )
    .action(async (options: Record<string, unknown>) => {
      const { runListCommand } = await import('./commands/cloud-commands.js');
      context.json = options.json === true;
      await runListCommand(options, context);
    });

  const diff = program
    .command('cloud-secrets:diff')
    .description(
      'Compare the keys the environment needs (the secret map and the user keys, without the ' +
        'deployment-owned ones) with what it has. Exit 1 when a key is missing.',
    );
  addCloudOptions(diff)
    .addHelpText(
      'after',
      `
Reads .tsdevstack/secret-map.json (written by generate-secrets) and .secrets.user.json.

Examples:
  $ npx tsdevstack-secrets cloud-secrets:diff --env staging
  $ npx tsdevstack-secrets cloud-secrets:diff --env prod --json     # in CI: exit 1 when something is missing`,
    )
    .action(async (options: Record<string, unknown>) => {
      const { runDiffCommand } = await import('./commands/cloud-commands.js');
      context.json = options.json === true;
      await runDiffCommand(options, context);
    });

  const remove = program
    .command('cloud-secrets:remove')
    .description(
      'Remove one secret from the environment. AWS keeps it recoverable for 7 days (--force: ' +
        'none); Azure soft-deletes it (--purge: purge too). Exit 1 when it does not exist.',
    )
    .argument('<key>', 'the key, e.g. OLD_API_TOKEN')
    .option('--service <service>', 'remove it from this service\'s scope instead of "shared"')
    .option('--force', 'aws: delete without the 7-day recovery window')
    .option('--purge', 'azure: purge after the soft delete (the name is free at once)');
  addCloudOptions(remove)
    .addHelpText(
      'after',
      `
Examples:
  $ npx tsdevstack-secrets cloud-secrets:remove OLD_API_TOKEN --env staging
  $ npx tsdevstack-secrets cloud-secrets:remove OLD_API_TOKEN --env prod --yes --force`,
    )
    .action(async (key: string, options: Record<string, unknown>) => {
      const { runRemoveCommand } = await import('./commands/cloud-commands.js');
      context.json = options.json === true;
      await runRemoveCommand(key, options, context);
    });
}

/** --env, --provider, --json, --cwd, --yes (SPEC §9.4), and --quiet. */
function addCloudOptions(command: Command): Command {
  return command
    .option(
      '--env <name>',
      'the environment, e.g. dev, staging, prod (default: TARGET_ENV, else the only environment of the credentials file, else a prompt)',
    )
    .addOption(
      new Option(
        '--provider <name>',
        'the secrets store (default: cloud.provider of the config)',
      ).choices(['gcp', 'aws', 'azure', 'local']),
    )
    .addOption(
      new Option(
        '--cwd <dir>',
        'where to start looking for the project: the nearest folder at or above it holding .tsdevstack/config.json (default: the working directory)',
      ),
    )
    .option(
      '-y, --yes',
      'confirm writes and removals in a production environment (prod, production)',
    )
    .option('--json', 'print one JSON document on stdout')
    .option('-q, --quiet', 'print warnings and errors only');
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
