import { Chalk, type ChalkInstance } from 'chalk';

export interface OutputStreams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** Where human messages, warnings and data go (SPEC §11): colour only on a terminal, NO_COLOR respected. */
export interface Output {
  /** human progress and results (stdout); silenced by --quiet */
  info(line: string): void;
  /** data a command exists to print (stdout); never silenced */
  data(text: string): void;
  warn(message: string): void;
  error(message: string): void;
  quiet: boolean;
  out: ChalkInstance;
  err: ChalkInstance;
}

export function createOutput(
  streams: OutputStreams,
  env: NodeJS.ProcessEnv,
  options: { quiet?: boolean } = {},
): Output {
  const colour = (stream: { isTTY?: boolean }) =>
    new Chalk({
      level: stream.isTTY === true && env.NO_COLOR === undefined && env.TERM !== 'dumb' ? 1 : 0,
    });
  const out = colour(streams.stdout);
  const err = colour(streams.stderr);
  const quiet = options.quiet === true;
  return {
    quiet,
    out,
    err,
    info(line) {
      if (!quiet) streams.stdout.write(`${line}\n`);
    },
    data(text) {
      streams.stdout.write(text);
    },
    warn(message) {
      streams.stderr.write(`${err.yellow('warning:')} ${indentContinuation(message)}\n`);
    },
    error(message) {
      streams.stderr.write(`${err.red('error:')} ${indentContinuation(message)}\n`);
    },
  };
}

function indentContinuation(message: string): string {
  return message.replaceAll('\n', '\n  ');
}
