import { usageError } from '../../errors.js';

/** Environment names (SPEC §9.3): they become part of file names and cloud targets. */
export const ENV_NAME_PATTERN = /^[a-z][a-z0-9-]{0,30}$/;

/** `CI=true` (or any value but false/0/empty): never prompt, and fall back to ambient credentials. */
export function isCi(env: Readonly<Record<string, string | undefined>>): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

/** `prod` or `production`, in any case: writes and removals need confirmation. */
export function isProductionEnv(env: string): boolean {
  return /^(?:prod|production)$/i.test(env);
}

export interface EnvironmentInput {
  /** `--env` */
  flag: string | undefined;
  processEnv: Readonly<Record<string, string | undefined>>;
  /** the environments of the credentials file, when there is one */
  known: readonly string[] | undefined;
  credentialsPath: string | undefined;
  /** stdin and stderr are terminals and this is not CI */
  interactive: boolean;
  ask: (question: string) => Promise<string>;
}

/**
 * `--env`, else `TARGET_ENV`, else the only environment of the credentials file, else a prompt
 * in a terminal, else exit 2 (SPEC §9.3). Every answer is checked against the name rule.
 */
export async function resolveEnvironment(input: EnvironmentInput): Promise<string> {
  if (input.flag !== undefined) return checkEnvName(input.flag, '--env');
  const target = input.processEnv.TARGET_ENV;
  if (target !== undefined && target !== '') return checkEnvName(target, 'TARGET_ENV');
  const known = input.known ?? [];
  const [only] = known;
  if (known.length === 1 && only !== undefined) return only;
  const choices = known.length > 0 ? ` (${known.join(', ')})` : '';
  if (input.interactive) {
    const answer = await input.ask(`Environment${choices}: `);
    if (answer === '')
      throw usageError('ENV_REQUIRED', 'no environment given: nothing was changed');
    return checkEnvName(answer, 'the answer');
  }
  const where =
    known.length > 0 && input.credentialsPath !== undefined
      ? `; ${input.credentialsPath} has ${known.join(', ')}`
      : '';
  throw usageError(
    'ENV_REQUIRED',
    `which environment? Give --env NAME or set TARGET_ENV${where}`,
    `For example: --env ${known[0] ?? 'dev'}`,
  );
}

export function checkEnvName(name: string, source: string): string {
  if (ENV_NAME_PATTERN.test(name)) return name;
  const shown = name.length > 40 ? `${JSON.stringify(name.slice(0, 37))}...` : JSON.stringify(name);
  throw usageError(
    'ENV_NAME_INVALID',
    `${source}: ${shown} is not a valid environment name`,
    'Environment names are 1-31 lowercase letters, digits and "-", starting with a letter (dev, staging, prod).',
  );
}

export interface ConfirmInput {
  env: string;
  /** what is about to happen, e.g. `set shared/STRIPE_KEY` */
  action: string;
  yes: boolean;
  interactive: boolean;
  ask: (question: string) => Promise<string>;
}

/**
 * Writes and removals in `prod`/`production` ask in a terminal and need `--yes` elsewhere
 * (SPEC §9.3). Declining is exit 2, like a missing `--yes`.
 */
export async function confirmProductionWrite(input: ConfirmInput): Promise<void> {
  if (!isProductionEnv(input.env) || input.yes) return;
  if (input.interactive) {
    const answer = await input.ask(
      `${input.env} is a production environment: ${input.action}? [y/N] `,
    );
    if (/^y(?:es)?$/i.test(answer)) return;
    throw usageError(
      'PRODUCTION_NOT_CONFIRMED',
      `not confirmed: nothing was changed in ${input.env}`,
    );
  }
  throw usageError(
    'PRODUCTION_NEEDS_YES',
    `${input.env} is a production environment: to ${input.action} outside a terminal, confirm with --yes`,
    'Add --yes to confirm the change.',
  );
}
