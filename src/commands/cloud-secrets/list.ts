import { sortRefs } from '../../core/cloud-plan.js';
import type { ListedSecret } from '../../providers/secret-store.js';
import type { RunContext } from '../../run-context.js';
import { openCloudStore, processDeps, resolveCloudContext } from './context.js';

/**
 * `cloud-secrets:list` (SPEC §9.4): key, scope, kind and last update of every secret of the
 * project in the environment; shared scope first, then by key. Values are never fetched.
 */
export async function runListCommand(raw: Record<string, unknown>, run: RunContext): Promise<void> {
  const context = await resolveCloudContext(raw, run, processDeps());
  const store = await openCloudStore(context);
  const secrets = sortRefs(await store.list());
  const { output } = context;
  if (context.options.json) {
    const doc = {
      secrets: secrets.map((s) => ({
        key: s.key,
        scope: s.scope,
        kind: s.kind,
        updatedAt: s.updatedAt?.toISOString() ?? null,
      })),
    };
    output.data(`${JSON.stringify(doc, null, 2)}\n`);
    return;
  }
  if (secrets.length === 0) {
    output.info(`No secrets of ${context.project} in ${context.env}.`);
    return;
  }
  output.data(formatTable(secrets));
}

function formatTable(secrets: readonly ListedSecret[]): string {
  const rows = [
    ['KEY', 'SCOPE', 'KIND', 'UPDATED'],
    ...secrets.map((s) => [s.key, s.scope, s.kind ?? '-', s.updatedAt?.toISOString() ?? '-']),
  ];
  const widths = [0, 1, 2].map((column) =>
    Math.max(...rows.map((row) => row[column]?.length ?? 0)),
  );
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}
