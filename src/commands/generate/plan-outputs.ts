import { generateFramework, type FrameworkResult } from '../../core/framework.js';
import {
  frameworkDocument,
  localDocument,
  secretMapDocument,
  stringifyOwnedJson,
} from '../../core/documents.js';
import { planEnvFiles } from '../../core/env-files.js';
import { insertJsonMembers, removeJsonMembers } from '../../core/json-edit.js';
import { stringifyJsonText } from '../../core/json-text.js';
import { mergeSecrets, type MergeResult } from '../../core/merge.js';
import type { KeyReport, Warning } from '../../core/report.js';
import type { SecretSource } from '../../core/secret-source.js';
import type { UserFileData } from '../../core/secrets-file.js';
import { blankUserFile, createUserFileValue, syncUserFile } from '../../core/user-file.js';
import { usageError } from '../../errors.js';
import { FRAMEWORK_FILE, USER_FILE, type Inputs } from './read-inputs.js';

import { EXAMPLE_FILE, LOCAL_FILE, SECRET_MAP_FILE } from '../../core/project-files.js';

/** A file the run wants to exist with this content (or, with content undefined, to be gone). */
export interface DesiredFile {
  path: string;
  content: string | undefined;
  /** exact bytes to write instead of `content` (a backup of a file that may not be valid UTF-8) */
  bytes?: Uint8Array;
  /** secrets files are 0600 and narrowed when wider; committed files are created 0644 and left alone */
  secret: boolean;
  /** the folder that must already exist (per-app .env files are skipped, not created, without it) */
  requiredDir?: string;
  /** only remove / overwrite it when it carries our banner (per-app and root .env files) */
  onlyIfGenerated?: boolean;
}

export interface OutputPlan {
  files: DesiredFile[];
  keys: KeyReport;
  warnings: Warning[];
  pruned: string[];
  merged: MergeResult;
  framework: FrameworkResult;
}

export interface PlanOptions {
  prune: boolean;
  resetFramework: boolean;
  rotateKeys?: ReadonlySet<string>;
  rotateJwt?: boolean;
}

/** Computes every output file in memory; nothing is written until all of it is valid (SPEC §6.2). */
export function planOutputs(
  inputs: Inputs,
  options: PlanOptions,
  source: SecretSource,
  today: string,
): OutputPlan {
  const { config } = inputs;
  const warnings: Warning[] = [...inputs.configWarnings];
  const files: DesiredFile[] = [];

  if (options.resetFramework && inputs.frameworkFile && inputs.backupPath !== undefined) {
    files.push({
      path: inputs.backupPath,
      content: inputs.frameworkFile.text,
      bytes: inputs.frameworkBytes,
      secret: true,
    });
  }
  if (
    options.resetFramework &&
    inputs.frameworkFile &&
    config.services.some((s) => s.hasDatabase)
  ) {
    warnings.push({
      code: 'RESET_DATABASE_PASSWORDS',
      message:
        'every database password is new: a running database (and its volume) still has the old one; the old values are in the backup',
    });
  }
  const framework = generateFramework({
    config,
    existing: options.resetFramework ? undefined : inputs.framework?.data,
    source,
    today,
    rotateKeys: options.rotateKeys,
    rotateJwt: options.rotateJwt,
    prune: options.prune,
  });
  warnings.push(...framework.warnings);
  files.push({
    path: FRAMEWORK_FILE,
    content: stringifyOwnedJson(frameworkDocument(framework)),
    secret: true,
  });

  const { userContent, userValue, userData, userWarnings } = planUserFile(inputs, options.prune);
  warnings.push(...userWarnings);
  files.push({ path: USER_FILE, content: userContent, secret: true });

  const merged = mergeSecrets(config, framework, userData);
  if (merged.unknownReferences.length > 0) {
    const lines = merged.unknownReferences.map((ref) =>
      ref.isApiKey === true
        ? `${ref.service}.API_KEY looks like a key name, so it is read as a reference, but no such key exists` +
          (ref.suggestions.length > 0 ? ` (did you mean ${ref.suggestions.join(', ')}?)` : '') +
          '; a literal API key must contain a character other than letters, digits and _'
        : `${ref.service} references ${ref.key}, which is not defined` +
          (ref.suggestions.length > 0 ? ` (did you mean ${ref.suggestions.join(', ')}?)` : ''),
    );
    throw usageError(
      'UNKNOWN_REFERENCE',
      `${USER_FILE}: ${lines.join('\n')}`,
      `Define the key in the "secrets" map of ${USER_FILE}, or remove the reference. Nothing was written.`,
    );
  }
  warnings.push(...merged.warnings);
  files.push({
    path: LOCAL_FILE,
    content: stringifyOwnedJson(localDocument(merged)),
    secret: true,
  });
  files.push({
    path: EXAMPLE_FILE,
    content: stringifyJsonText(
      blankUserFile(userValue, (name) => merged.secrets.has(name)),
      {
        bom: false,
        eol: '\n',
        indent: inputs.user?.style.indent ?? '  ',
        finalNewline: true,
      },
    ),
    secret: false,
  });
  files.push({
    path: SECRET_MAP_FILE,
    content: stringifyOwnedJson(secretMapDocument(merged)),
    secret: false,
  });

  const env = planEnvFiles(config, merged, inputs.framework?.data.sectionNames);
  if (env.refusal) {
    throw usageError(
      'DOTENV_UNREPRESENTABLE',
      `${env.refusal.file}: the value of ${env.refusal.key} cannot be written to a .env file: ${env.refusal.reason}`,
      'Change the value (set it in .secrets.user.json to override a framework value). Nothing was written.',
    );
  }
  warnings.push(...env.warnings);
  for (const file of env.files) {
    files.push({
      path: file.path,
      content: file.content,
      secret: true,
      requiredDir: file.appDir,
      onlyIfGenerated: true,
    });
  }
  return { files, keys: framework.report, warnings, pruned: framework.pruned, merged, framework };
}

function planUserFile(
  inputs: Inputs,
  prune: boolean,
): {
  userContent: string;
  userValue: Record<string, unknown>;
  userData: UserFileData;
  userWarnings: Warning[];
} {
  const { config } = inputs;
  if (!inputs.user) {
    const value = createUserFileValue(config);
    const content = stringifyJsonText(value, {
      bom: false,
      eol: '\n',
      indent: '  ',
      finalNewline: true,
    });
    const sync = syncUserFile(config, { secrets: new Map(), sections: new Map() }, value, false);
    // A new file already holds every default; the sync only supplies the parsed form.
    const data = {
      secrets: new Map(Object.entries(value.secrets as Record<string, string>)),
      sections: sync.data.sections,
    };
    return { userContent: content, userValue: value, userData: data, userWarnings: [] };
  }
  const { raw, style, data, file } = inputs.user;
  const sync = syncUserFile(config, data, raw, prune);
  let text = file.text;
  let value: Record<string, unknown> = raw;
  if (sync.addSecrets.length > 0) {
    text = sync.hasSecretsObject
      ? insertJsonMembers(text, ['secrets'], sync.addSecrets, style)
      : insertJsonMembers(text, [], [['secrets', Object.fromEntries(sync.addSecrets)]], style);
  }
  if (sync.removeSections.length > 0)
    text = removeJsonMembers(text, [], sync.removeSections, style);
  if (sync.addSections.length > 0) text = insertJsonMembers(text, [], sync.addSections, style);
  if (text !== file.text) {
    value = {
      ...Object.fromEntries(
        Object.entries(raw).filter(([key]) => !sync.removeSections.includes(key)),
      ),
    };
    const secrets = { ...((raw.secrets as Record<string, unknown> | undefined) ?? {}) };
    for (const [key, v] of sync.addSecrets) secrets[key] = v;
    value.secrets = secrets;
    for (const [key, section] of sync.addSections) value[key] = section;
  }
  return { userContent: text, userValue: value, userData: sync.data, userWarnings: sync.warnings };
}
