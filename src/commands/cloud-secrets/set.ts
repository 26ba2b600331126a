import { assertSecretLimits, cloudSecretName } from '../../core/cloud-naming.js';
import { frameworkKeys } from '../../core/cloud-plan.js';
import { findInvalidUtf8 } from '../../core/utf8.js';
import { usageError } from '../../errors.js';
import type { SecretRef, SetAction } from '../../providers/secret-store.js';
import type { RunContext } from '../../run-context.js';
import {
  checkKeyName,
  confirmWrite,
  note,
  openCloudStore,
  processDeps,
  resolveCloudContext,
  scopeFor,
  type CloudContext,
} from './context.js';
import { readAllStdin } from './terminal.js';

export interface SetResult extends SecretRef {
  action: SetAction;
  name: string;
}

/** `cloud-secrets:set KEY [VALUE]` (SPEC §9.4): one value into one scope of one environment. */
export async function runSetCommand(
  key: string,
  positional: string | undefined,
  raw: Record<string, unknown>,
  run: RunContext,
): Promise<void> {
  checkKeyName(key);
  const flag = typeof raw.value === 'string' ? raw.value : undefined;
  if (positional !== undefined && flag !== undefined) {
    throw usageError(
      'VALUE_GIVEN_TWICE',
      'give the value once: as the VALUE argument or with --value, not both',
      'Prefer --value - and pipe the value in: a value typed on the command line stays in the shell history.',
    );
  }
  const deps = processDeps();
  const context = await resolveCloudContext(raw, run, deps);
  const ref: SecretRef = { key, scope: scopeFor(context, raw.service) };
  const name = cloudSecretName(context.provider, context.project, ref);
  assertSecretLimits(context.provider, ref, name);

  const given = positional ?? flag;
  const fromStdin = given === '-' || (given === undefined && deps.stdin.isTTY !== true);
  if (given === undefined && !fromStdin) {
    throw usageError(
      'VALUE_REQUIRED',
      `no value for ${key}: give --value -, pipe it in, or give it as an argument`,
      `For example: printf %s "$VALUE" | npx tsdevstack-secrets cloud-secrets:set ${key} --env ${context.env}`,
    );
  }
  // Asked before stdin is read: a value typed on the terminal ends stdin, and the question with it.
  await confirmWrite(context, `set ${ref.scope}/${key}`);
  if (!fromStdin && given?.includes('\uFFFD') === true) {
    // Node decodes arguments leniently: invalid UTF-8 arrives as U+FFFD and would be stored so.
    throw usageError(
      'VALUE_NOT_UTF8',
      `the value of ${key} given on the command line is not valid UTF-8 (it holds U+FFFD, the replacement character)`,
      `Pass the exact bytes on stdin instead: ... | npx tsdevstack-secrets cloud-secrets:set ${key} --value - --env ${context.env}`,
    );
  }
  let value = fromStdin ? await readValueFromStdin(context) : (given ?? '');
  if (raw.trim === true) value = value.replace(/\r?\n$/, '');
  assertSecretLimits(context.provider, ref, name, value);

  const store = await openCloudStore(context);
  const kind = frameworkKeys(context.config).has(key) ? 'framework' : 'user';
  const action = await store.set(ref, value, { kind, overwrite: raw.overwrite === true });
  printSetResult({ ...ref, name, action }, context);
}

async function readValueFromStdin(context: CloudContext): Promise<string> {
  if (context.deps.stdin.isTTY === true) {
    note(
      context,
      'Type the value, then press Ctrl-D (it shows as you type; pipe it in to hide it).',
    );
  }
  const bytes = await readAllStdin(context.deps.stdin);
  const invalid = findInvalidUtf8(bytes);
  if (invalid !== undefined) {
    throw usageError(
      'VALUE_NOT_UTF8',
      `the value on stdin is not valid UTF-8 (line ${String(invalid.line)}, column ${String(invalid.column)})`,
      'Secret values are text: encode binary data first, e.g. with base64.',
    );
  }
  return bytes.toString('utf8');
}

const MESSAGES: Record<SetAction, string> = {
  created: 'created',
  updated: 'updated (a new version)',
  unchanged: 'unchanged: the stored value is the same',
  restored: 'restored from deletion and updated',
};

function printSetResult(result: SetResult, context: CloudContext): void {
  const { output } = context;
  if (context.options.json) {
    const doc = { key: result.key, scope: result.scope, action: result.action };
    output.data(`${JSON.stringify(doc, null, 2)}\n`);
    return;
  }
  output.info(
    `${result.scope}/${result.key} in ${context.env}: ${MESSAGES[result.action]} (${result.name})`,
  );
}
