import { SECRET_MAP_FILE } from '../../core/project-files.js';
import {
  deploymentOwnedKeys,
  neededSecrets,
  planDiff,
  readSecretMap,
  type DiffPlan,
} from '../../core/cloud-plan.js';
import { formatShapeIssues, readUserFile, type UserFileData } from '../../core/secrets-file.js';
import { ExitCode, usageError } from '../../errors.js';
import type { SecretRef } from '../../providers/secret-store.js';
import type { RunContext } from '../../run-context.js';
import { USER_FILE } from '../generate/read-inputs.js';
import { openCloudStore, processDeps, resolveCloudContext, type CloudContext } from './context.js';
import { readJsonFile } from './inputs.js';

/**
 * `cloud-secrets:diff` (SPEC §9.4): what the environment needs (secret map + user keys, minus
 * deployment-owned keys and JWT_*_PREVIOUS) against what it has. Exit 1 when something is missing.
 */
export async function runDiffCommand(raw: Record<string, unknown>, run: RunContext): Promise<void> {
  const context = await resolveCloudContext(raw, run, processDeps());
  const secretMap = await readSecretMapFile(context);
  const user = await readUserSecrets(context);
  const needed = neededSecrets(context.config, { secretMap, user });
  const store = await openCloudStore(context);
  const present = await store.list();
  const plan = planDiff(needed, present, deploymentOwnedKeys(context.config));
  printPlan(plan, context);
  if (plan.missing.length > 0) run.exitCode = ExitCode.differs;
}

async function readSecretMapFile(context: CloudContext): Promise<Map<string, string[]>> {
  const json = await readJsonFile(context.root, SECRET_MAP_FILE, 'SECRET_MAP_INVALID_JSON');
  if (json === undefined) {
    throw usageError(
      'SECRET_MAP_NOT_FOUND',
      `${SECRET_MAP_FILE} is missing: it lists the keys each service needs`,
      'Run generate-secrets first: npx tsdevstack-secrets generate-secrets',
    );
  }
  const parsed = readSecretMap(json.raw);
  if (!parsed.ok) {
    throw usageError(
      'SECRET_MAP_INVALID',
      formatShapeIssues(SECRET_MAP_FILE, parsed.issues),
      'The file is generated: run generate-secrets to write it again.',
    );
  }
  const configured = context.config.services.map((s) => s.name);
  const stale = [
    ...configured.filter((name) => !parsed.data.has(name)),
    ...[...parsed.data.keys()].filter((name) => !configured.includes(name)),
  ];
  if (stale.length > 0) {
    context.output.warn(
      `${SECRET_MAP_FILE} does not match the config (${stale.join(', ')}); run generate-secrets to update it`,
    );
  }
  return parsed.data;
}

async function readUserSecrets(context: CloudContext): Promise<UserFileData | undefined> {
  const json = await readJsonFile(context.root, USER_FILE, 'USER_SECRETS_INVALID_JSON');
  if (json === undefined) return undefined;
  const parsed = readUserFile(json.raw);
  if (!parsed.ok) {
    throw usageError(
      'USER_SECRETS_INVALID',
      formatShapeIssues(USER_FILE, parsed.issues),
      'Fix the file, then run the command again.',
    );
  }
  return parsed.data;
}

function printPlan(plan: DiffPlan, context: CloudContext): void {
  const { output, env } = context;
  const entries = (refs: SecretRef[]) => refs.map(({ key, scope }) => ({ key, scope }));
  if (context.options.json) {
    const doc = { missing: entries(plan.missing), extra: entries(plan.extra) };
    output.data(`${JSON.stringify(doc, null, 2)}\n`);
    return;
  }
  const section = (title: string, refs: SecretRef[]) =>
    `${title}:\n${refs.map((r) => `  ${r.scope}/${r.key}\n`).join('')}`;
  if (plan.missing.length > 0)
    output.data(section(`Missing in ${env} (${String(plan.missing.length)})`, plan.missing));
  if (plan.extra.length > 0) {
    const title = `Extra in ${env}, needed by nothing in this project (${String(plan.extra.length)})`;
    output.data(section(title, plan.extra));
  }
  if (plan.missing.length === 0) {
    output.data(`${env} has all ${String(plan.present.length)} secrets this project needs.\n`);
  } else {
    context.output.warn(
      `${String(plan.missing.length)} missing: set each with cloud-secrets:set KEY --env ${env} (add --service SVC for a service scope)`,
    );
  }
}
