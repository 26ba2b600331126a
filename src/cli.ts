import { CommanderError } from 'commander';
import { CliError, ExitCode } from './errors.js';
import { buildProgram } from './program.js';
import type { RunContext } from './run-context.js';

/** The one place that turns errors into messages and exit codes (SPEC §11). */
async function main(argv: string[]): Promise<void> {
  const context: RunContext = {
    streams: { stdout: process.stdout, stderr: process.stderr },
    env: process.env,
    cwd: process.cwd(),
    json: argv.includes('--json'),
    exitCode: ExitCode.ok,
  };
  const debug = argv.includes('--debug');
  try {
    await buildProgram(context).parseAsync(argv);
    process.exitCode = context.exitCode;
  } catch (error) {
    process.exitCode = await report(error, context, debug);
  }
}

async function report(error: unknown, context: RunContext, debug: boolean): Promise<number> {
  if (error instanceof CommanderError) {
    // commander already printed its message; help and version are successes, the rest is usage (2).
    const ok = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(
      error.code,
    );
    if (!ok && context.json) {
      const message = error.message.replace(/^error: /, '');
      const doc = { error: { code: 'USAGE', message, hint: 'run with --help for usage' } };
      context.streams.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    }
    return ok ? ExitCode.ok : ExitCode.usage;
  }
  // Loaded here, not at the top: --help and --version never need colours.
  const { createOutput } = await import('./io/output.js');
  const output = createOutput(context.streams, context.env);
  if (error instanceof CliError) {
    if (context.json) {
      output.data(
        `${JSON.stringify({ error: { code: error.code, message: error.message, hint: error.hint ?? null } }, null, 2)}\n`,
      );
    } else {
      output.error(error.message);
      if (error.hint !== undefined)
        context.streams.stderr.write(`  ${output.err.dim(error.hint)}\n`);
    }
    if (debug && error.stack !== undefined) context.streams.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const message =
    'unexpected error: this is a bug in tsdevstack-secrets. Please report it with the output of --debug.';
  if (context.json) {
    output.data(
      `${JSON.stringify({ error: { code: 'INTERNAL', message, hint: 'rerun with --debug' } }, null, 2)}\n`,
    );
  } else {
    output.error(message);
  }
  if (debug)
    context.streams.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  return ExitCode.failure;
}

await main(process.argv);
