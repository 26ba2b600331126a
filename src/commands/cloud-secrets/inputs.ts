import { join } from 'node:path';
import { parseProjectConfig, type ProjectConfig } from '../../core/config.js';
import { parseJsonText } from '../../core/json-text.js';
import { findInvalidUtf8 } from '../../core/utf8.js';
import { usageError } from '../../errors.js';
import { readExistingFile, type ExistingFile } from '../../io/files.js';
import type { Output } from '../../io/output.js';
import { CONFIG_FILE } from '../../io/project-root.js';
import {
  credentialsFile,
  findSharedTargets,
  parseCredentials,
  type CloudProvider,
  type CredentialEntries,
} from './credentials.js';

/*
 * The project files every cloud command reads before it opens a store: the config (whose
 * project.name must be fit for cloud names) and the provider's credentials file. A missing file
 * may be fine; one that does not parse is an error naming file, line and column.
 */

export async function readCloudConfig(root: string, output: Output): Promise<ProjectConfig> {
  const json = await readJsonFile(root, CONFIG_FILE, 'CONFIG_INVALID_JSON');
  if (json === undefined) {
    throw usageError(
      'CONFIG_NOT_FOUND',
      `${CONFIG_FILE} is missing`,
      'Run inside a tsdevstack project.',
    );
  }
  const parsed = parseProjectConfig(json.raw);
  if (!parsed.ok) {
    const lines = parsed.issues.map((issue) => `${CONFIG_FILE}: ${issue.path}: ${issue.message}`);
    throw usageError(
      'CONFIG_INVALID',
      `${CONFIG_FILE} is invalid (${String(lines.length)} problem${lines.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
      'Fix the config, then run the command again. Nothing was changed.',
    );
  }
  // project.name is part of every cloud secret name: what generate-secrets warns about, we refuse.
  const nameIssues = parsed.warnings.filter(
    (w) => w.path === 'project' || w.path.startsWith('project.'),
  );
  if (nameIssues.length > 0) {
    throw usageError(
      'PROJECT_NAME_INVALID',
      nameIssues.map((w) => `${CONFIG_FILE}: ${w.path}: ${w.message}`).join('\n'),
      'Set project.name to the project name in kebab-case (at most 63 characters), e.g. "acme-shop".',
    );
  }
  for (const w of parsed.warnings) output.warn(`${CONFIG_FILE}: ${w.path}: ${w.message}`);
  return parsed.config;
}

export interface CredentialsFile {
  path: string;
  entries: CredentialEntries;
}

export async function readCredentials(
  root: string,
  provider: CloudProvider,
  output: Output,
): Promise<CredentialsFile | undefined> {
  const path = credentialsFile(provider);
  const json = await readJsonFile(root, path, 'CREDENTIALS_INVALID_JSON');
  if (json === undefined) return undefined;
  if ((json.file.mode & 0o044) !== 0) {
    output.warn(
      `${path} is readable by other users (mode ${json.file.mode.toString(8)}); run: chmod 600 ${path}`,
    );
  }
  const parsed = parseCredentials(provider, json.raw);
  if (!parsed.ok) {
    throw usageError(
      'CREDENTIALS_INVALID',
      `${path} is invalid:\n${parsed.issues.map((issue) => `${path}: ${issue}`).join('\n')}`,
      "The file is an object keyed by environment name, each entry holding that environment's credentials. Nothing was changed.",
    );
  }
  const shared = findSharedTargets(provider, parsed.entries);
  if (shared.length > 0) {
    throw usageError(
      'ENVIRONMENTS_NOT_ISOLATED',
      `${path}: environments must not share a cloud account:\n${shared.join('\n')}`,
      'Give each environment its own project, account or subscription, so that a command for one can never change another.',
    );
  }
  return { path, entries: parsed.entries };
}

export async function readJsonFile(
  root: string,
  path: string,
  code: string,
): Promise<{ file: ExistingFile; raw: unknown } | undefined> {
  const file = await readExistingFile(join(root, path), { root });
  if (file === undefined) return undefined;
  const invalid = file.bytes ? findInvalidUtf8(file.bytes) : undefined;
  if (invalid) {
    throw usageError(
      code,
      `${path}:${String(invalid.line)}:${String(invalid.column)}: not valid UTF-8`,
      'Save the file as UTF-8.',
    );
  }
  const parsed = parseJsonText(file.text);
  if (!parsed.ok) {
    throw usageError(
      code,
      `${path}:${String(parsed.line)}:${String(parsed.column)}: ${parsed.message}`,
      'Fix the JSON, then run the command again. Nothing was changed.',
    );
  }
  return { file, raw: parsed.value };
}
