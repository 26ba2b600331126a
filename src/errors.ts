/** Exit codes shared by every command (SPEC §11). */
export const ExitCode = {
  ok: 0,
  /** "not there / differs": --check found changes, diff found missing keys, get/remove of a missing key */
  differs: 1,
  /** invalid input or usage */
  usage: 2,
  /** operational failure: I/O, lock timeout, provider, network, or a bug */
  failure: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface CliErrorOptions {
  /** Stable machine-readable code, e.g. USER_SECRETS_INVALID_JSON. */
  code: string;
  /** What went wrong, naming the file / key / path. Never contains a secret value. */
  message: string;
  /** The next thing the user can do about it. */
  hint?: string;
  exitCode: ExitCode;
  cause?: unknown;
}

/** An error the user can act on. Only cli.ts prints these and turns them into an exit code. */
export class CliError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly exitCode: ExitCode;

  constructor(options: CliErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.code = options.code;
    this.hint = options.hint;
    this.exitCode = options.exitCode;
  }
}

/** Invalid input or usage (exit 2). */
export function usageError(code: string, message: string, hint?: string): CliError {
  return new CliError({ code, message, hint, exitCode: ExitCode.usage });
}

/** Operational failure (exit 3). */
export function failureError(
  code: string,
  message: string,
  hint?: string,
  cause?: unknown,
): CliError {
  return new CliError({ code, message, hint, exitCode: ExitCode.failure, cause });
}
