import type { SecretRef } from '../../providers/secret-store.js';
import type { RunContext } from '../../run-context.js';
import {
  checkKeyName,
  notFound,
  openCloudStore,
  processDeps,
  resolveCloudContext,
  scopeFor,
} from './context.js';

/**
 * `cloud-secrets:get KEY` (SPEC §9.4): the value exactly, and nothing else, on stdout; a newline
 * only when stdout is a terminal (so `$(...)` and pipes get the bytes as stored).
 */
export async function runGetCommand(
  key: string,
  raw: Record<string, unknown>,
  run: RunContext,
): Promise<void> {
  checkKeyName(key);
  const context = await resolveCloudContext(raw, run, processDeps());
  const ref: SecretRef = { key, scope: scopeFor(context, raw.service) };
  const store = await openCloudStore(context);
  const value = await store.get(ref);
  if (value === undefined) throw notFound(context, ref, 'get');
  if (context.options.json) {
    context.output.data(`${JSON.stringify({ key, scope: ref.scope, value }, null, 2)}\n`);
    return;
  }
  context.output.data(run.streams.stdout.isTTY === true ? `${value}\n` : value);
}
