import { cloudSecretName } from '../../core/cloud-naming.js';
import type { ProviderName, RemoveAction, SecretRef } from '../../providers/secret-store.js';
import type { RunContext } from '../../run-context.js';
import {
  checkKeyName,
  confirmWrite,
  notFound,
  openCloudStore,
  processDeps,
  resolveCloudContext,
  scopeFor,
} from './context.js';

/** `cloud-secrets:remove KEY` (SPEC §9.4): AWS keeps a 7-day recovery window unless --force; Azure soft-deletes unless --purge. */
export async function runRemoveCommand(
  key: string,
  raw: Record<string, unknown>,
  run: RunContext,
): Promise<void> {
  checkKeyName(key);
  const context = await resolveCloudContext(raw, run, processDeps());
  const ref: SecretRef = { key, scope: scopeFor(context, raw.service) };
  const force = raw.force === true;
  const purge = raw.purge === true;
  if (force && context.provider !== 'aws')
    context.output.warn(`--force applies to aws only; ${context.provider} ignores it`);
  if (purge && context.provider !== 'azure')
    context.output.warn(`--purge applies to azure only; ${context.provider} ignores it`);
  await confirmWrite(context, `remove ${ref.scope}/${key}`);
  const store = await openCloudStore(context);
  const action = await store.remove(ref, { force, purge });
  if (action === undefined) throw notFound(context, ref, 'remove');
  if (context.options.json) {
    context.output.data(`${JSON.stringify({ key, scope: ref.scope, action }, null, 2)}\n`);
    return;
  }
  const message = describeRemoval(context.provider, action, force);
  const name = cloudSecretName(context.provider, context.project, ref);
  context.output.info(`${ref.scope}/${key} in ${context.env}: ${message} (${name})`);
}

function describeRemoval(provider: ProviderName, action: RemoveAction, force: boolean): string {
  if (action === 'purged') return 'deleted and purged';
  if (provider === 'aws' && !force)
    return 'scheduled for deletion in 7 days (cloud-secrets:set restores it; remove --force deletes it now)';
  if (provider === 'azure') return 'deleted (recoverable until purged; remove --purge purges it)';
  return 'deleted';
}
