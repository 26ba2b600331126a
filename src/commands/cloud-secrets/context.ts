import { cloudSecretName, SHARED_SCOPE } from '../../core/cloud-naming.js';
import type { ProjectConfig } from '../../core/config.js';
import { closestNames, KEY_PATTERN } from '../../core/naming.js';
import { CliError, ExitCode, usageError } from '../../errors.js';
import { createOutput, type Output } from '../../io/output.js';
import { CONFIG_FILE, findProjectRoot } from '../../io/project-root.js';
import { retryPolicyFromEnv } from '../../io/retry.js';
import { openStore } from '../../providers/registry.js';
import type { ProviderName, SecretRef, SecretStore } from '../../providers/secret-store.js';
import type { RunContext } from '../../run-context.js';
import { credentialsFile, type CloudProvider } from './credentials.js';
import { confirmProductionWrite, isCi, resolveEnvironment } from './environment.js';
import { readCloudConfig, readCredentials, type CredentialsFile } from './inputs.js';
import { askLine, type InputStream } from './terminal.js';

/** What the cloud commands need beyond RunContext: the process's stdin (values, prompts). */
export interface CloudDeps {
  stdin: InputStream;
}

export function processDeps(): CloudDeps {
  return { stdin: process.stdin };
}

/** The options every cloud command takes (SPEC §9.4). */
export interface CloudOptions {
  cwd: string;
  env: string | undefined;
  provider: ProviderName | undefined;
  json: boolean;
  yes: boolean;
  quiet: boolean;
}

/** Everything a cloud command resolves before it opens a store (SPEC §9.3). */
export interface CloudContext {
  root: string;
  config: ProjectConfig;
  /** `project.name`, valid for cloud names */
  project: string;
  provider: ProviderName;
  env: string;
  /** this environment's credentials entry; undefined: the SDK's default chain */
  credentials: Record<string, unknown> | undefined;
  options: CloudOptions;
  output: Output;
  /** may prompt: stdin and stderr are terminals, and this is not CI */
  interactive: boolean;
  run: RunContext;
  deps: CloudDeps;
}

export function readCloudOptions(raw: Record<string, unknown>, run: RunContext): CloudOptions {
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    cwd: text(raw.cwd) ?? run.cwd,
    env: text(raw.env),
    provider: text(raw.provider) as ProviderName | undefined, // commander checked the choices
    json: raw.json === true,
    yes: raw.yes === true,
    quiet: raw.quiet === true,
  };
}

export async function resolveCloudContext(
  raw: Record<string, unknown>,
  run: RunContext,
  deps: CloudDeps,
): Promise<CloudContext> {
  const options = readCloudOptions(raw, run);
  const output = createOutput(run.streams, run.env, { quiet: options.quiet });
  const root = await findProjectRoot(options.cwd);
  const config = await readCloudConfig(root, output);
  const provider = options.provider ?? config.provider ?? undefined;
  if (provider === undefined) {
    throw usageError(
      'PROVIDER_REQUIRED',
      `which secrets store? Give --provider, or set cloud.provider in ${CONFIG_FILE}`,
      'Choose gcp, aws or azure; or try every command without an account: --provider local',
    );
  }
  const interactive =
    !isCi(run.env) && deps.stdin.isTTY === true && run.streams.stderr.isTTY === true;
  const ask = (question: string) => askLine(question, deps.stdin, run.streams.stderr);
  const cloud = provider === 'local' ? undefined : provider;
  const file = cloud === undefined ? undefined : await readCredentials(root, cloud, output);
  const env = await resolveEnvironment({
    flag: options.env,
    processEnv: run.env,
    known: file ? [...file.entries.keys()] : undefined,
    credentialsPath: file?.path,
    interactive,
    ask,
  });
  const context: CloudContext = {
    root,
    config,
    project: config.projectName,
    provider,
    env,
    credentials: undefined,
    options,
    output,
    interactive,
    run,
    deps,
  };
  if (cloud !== undefined) context.credentials = selectCredentials(context, cloud, file);
  return context;
}

/** Opens the store and names it on stderr (SPEC §9.3). */
export async function openCloudStore(context: CloudContext): Promise<SecretStore> {
  const store = await openStore(context.provider, {
    project: context.project,
    env: context.env,
    root: context.root,
    credentials: context.credentials,
    processEnv: context.run.env,
    retry: retryPolicyFromEnv(context.run.env),
  });
  note(
    context,
    `Using ${store.description}: project ${context.project}, environment ${context.env}`,
  );
  return store;
}

/** Writes and removals in production ask first (SPEC §9.3). */
export function confirmWrite(context: CloudContext, action: string): Promise<void> {
  return confirmProductionWrite({
    env: context.env,
    action,
    yes: context.options.yes,
    interactive: context.interactive,
    ask: (question) => askLine(question, context.deps.stdin, context.run.streams.stderr),
  });
}

/** `--service SVC`: a configured service's scope; default (or `shared`) the shared scope. */
export function scopeFor(context: CloudContext, service: unknown): string {
  if (typeof service !== 'string' || service === SHARED_SCOPE) return SHARED_SCOPE;
  const names = context.config.services.map((s) => s.name);
  if (names.includes(service)) return service;
  const [close] = closestNames(service, names, 1);
  throw usageError(
    'SERVICE_UNKNOWN',
    `--service ${service}: no service of that name in ${CONFIG_FILE}${close === undefined ? '' : ` (did you mean ${close}?)`}`,
    `Services: ${names.length > 0 ? names.join(', ') : '(none)'}; leave --service out for the shared scope.`,
  );
}

export function checkKeyName(key: string): string {
  // `__proto__` is refused everywhere a key is named (it cannot be a key of a JSON object safely).
  if (KEY_PATTERN.test(key) && key !== '__proto__') return key;
  throw usageError(
    'KEY_INVALID',
    `${JSON.stringify(key.length > 60 ? `${key.slice(0, 57)}...` : key)} is not a valid key name`,
    'Key names match ^[A-Za-z_][A-Za-z0-9_]*$ (letters, digits and _, not starting with a digit).',
  );
}

/** A key that is not there: exit 1 (SPEC §11), naming where it looked. */
export function notFound(context: CloudContext, ref: SecretRef, command: string): CliError {
  const name = cloudSecretName(context.provider, context.project, ref);
  const elsewhere =
    ref.scope === SHARED_SCOPE ? '' : '  (It may be in the shared scope: leave --service out.)';
  return new CliError({
    code: 'SECRET_NOT_FOUND',
    message: `${ref.scope}/${ref.key} does not exist in ${context.env} (${name})`,
    hint: `See what is there: npx tsdevstack-secrets cloud-secrets:list --env ${context.env}${command === 'get' ? elsewhere : ''}`,
    exitCode: ExitCode.differs,
  });
}

/** A dim line on stderr (silenced by --quiet): which store, which credentials. */
export function note(context: CloudContext, line: string): void {
  if (!context.output.quiet) context.run.streams.stderr.write(`${context.output.err.dim(line)}\n`);
}

function selectCredentials(
  context: CloudContext,
  provider: CloudProvider,
  file: CredentialsFile | undefined,
): Record<string, unknown> | undefined {
  const path = credentialsFile(provider);
  if (file === undefined) {
    note(context, `No ${path}: using the ${provider} SDK's default credentials.`);
    return undefined;
  }
  const entry = file.entries.get(context.env);
  if (entry !== undefined) return entry;
  const known = [...file.entries.keys()];
  if (isCi(context.run.env)) {
    note(
      context,
      `${path} has no "${context.env}" entry; in CI, using the ${provider} SDK's default credentials.`,
    );
    return undefined;
  }
  // A typo must never fall through to whatever ambient credentials this machine has.
  throw usageError(
    'CREDENTIALS_ENV_MISSING',
    `${path} has no "${context.env}" entry (it has ${known.length > 0 ? known.join(', ') : 'none'})`,
    `Add a "${context.env}" entry to ${path}, or pick one of its environments with --env.`,
  );
}
