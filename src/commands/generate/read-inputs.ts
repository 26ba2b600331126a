import { join } from 'node:path';
import { parseProjectConfig, type ProjectConfig } from '../../core/config.js';
import { parseJsonText, type JsonTextStyle } from '../../core/json-text.js';
import { findInvalidUtf8 } from '../../core/utf8.js';
import { CONFIG_FILE, FRAMEWORK_FILE, USER_FILE } from '../../core/project-files.js';

export { CONFIG_FILE, FRAMEWORK_FILE, USER_FILE };
import type { Warning } from '../../core/report.js';
import {
  formatShapeIssues,
  readFrameworkFile,
  readUserFile,
  type FrameworkFileData,
  type UserFileData,
} from '../../core/secrets-file.js';
import { usageError } from '../../errors.js';
import { readExistingBytes, readExistingFile, type ExistingFile } from '../../io/files.js';

export interface ParsedJsonFile<T> {
  file: ExistingFile;
  raw: Record<string, unknown>;
  style: JsonTextStyle;
  data: T;
}

export interface Inputs {
  config: ProjectConfig;
  configWarnings: Warning[];
  /** the framework file as found */
  frameworkFile: ExistingFile | undefined;
  /** its exact bytes, read only for the backup --reset-framework makes (it may not be UTF-8) */
  frameworkBytes: Uint8Array | undefined;
  /** where --reset-framework saves the old file: a name no earlier backup holds */
  backupPath: string | undefined;
  framework: ParsedJsonFile<FrameworkFileData> | undefined;
  /** set when --reset-framework replaces a file that does not parse */
  frameworkDamaged: boolean;
  userFile: ExistingFile | undefined;
  user: ParsedJsonFile<UserFileData> | undefined;
}

/**
 * Reads and validates the three input files. A file that is missing may be created; one that does
 * not parse is an error naming file, line and column and is never treated as missing (SPEC §8).
 */
export async function readInputs(root: string, resetFramework: boolean): Promise<Inputs> {
  const [configFile, frameworkFile, userFile] = await Promise.all([
    readExistingFile(join(root, CONFIG_FILE)),
    readExistingFile(join(root, FRAMEWORK_FILE)),
    readExistingFile(join(root, USER_FILE)),
  ]);
  if (!configFile) {
    throw usageError(
      'CONFIG_NOT_FOUND',
      `${CONFIG_FILE} is missing`,
      'Run inside a tsdevstack project.',
    );
  }
  const configJson = parseJson(CONFIG_FILE, configFile, 'CONFIG_INVALID_JSON');
  const parsedConfig = parseProjectConfig(configJson.raw);
  if (!parsedConfig.ok) {
    const lines = parsedConfig.issues.map(
      (issue) => `${CONFIG_FILE}: ${issue.path}: ${issue.message}`,
    );
    throw usageError(
      'CONFIG_INVALID',
      `${CONFIG_FILE} is invalid (${String(lines.length)} problem${lines.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
      'Fix the config, then run generate-secrets again. Nothing was written.',
    );
  }

  let framework: ParsedJsonFile<FrameworkFileData> | undefined;
  let frameworkDamaged = false;
  if (frameworkFile) {
    try {
      const json = parseJson(
        FRAMEWORK_FILE,
        frameworkFile,
        'FRAMEWORK_SECRETS_INVALID_JSON',
        resetHint,
      );
      const shape = readFrameworkFile(json.raw);
      if (!shape.ok) {
        throw usageError(
          'FRAMEWORK_SECRETS_INVALID',
          formatShapeIssues(FRAMEWORK_FILE, shape.issues),
          resetHint,
        );
      }
      framework = { ...json, file: frameworkFile, data: shape.data };
    } catch (error) {
      if (!resetFramework) throw error;
      frameworkDamaged = true;
    }
  }

  const frameworkBytes =
    resetFramework && frameworkFile
      ? await readExistingBytes(join(root, FRAMEWORK_FILE))
      : undefined;
  const backupPath = frameworkBytes ? await freeBackupPath(root, frameworkBytes) : undefined;

  let user: ParsedJsonFile<UserFileData> | undefined;
  if (userFile) {
    const json = parseJson(USER_FILE, userFile, 'USER_SECRETS_INVALID_JSON', userHint);
    const shape = readUserFile(json.raw);
    if (!shape.ok) {
      throw usageError(
        'USER_SECRETS_INVALID',
        formatShapeIssues(USER_FILE, shape.issues),
        userHint,
      );
    }
    user = { ...json, file: userFile, data: shape.data };
  }

  return {
    config: parsedConfig.config,
    configWarnings: parsedConfig.warnings.map((w) => ({
      code: 'CONFIG_WARNING',
      message: `${CONFIG_FILE}: ${w.path}: ${w.message}`,
    })),
    frameworkFile,
    frameworkBytes,
    backupPath,
    framework,
    frameworkDamaged,
    userFile,
    user,
  };
}

/**
 * `.secrets.tsdevstack.json.bak`, or `.secrets.tsdevstack.N.json.bak` when an earlier reset left a
 * different backup there: a backup may hold the only copy of old values, so it is never replaced.
 * Every name matches the `.secrets.*.json.bak` ignore pattern.
 */
async function freeBackupPath(root: string, bytes: Uint8Array): Promise<string> {
  for (let n = 1; ; n += 1) {
    const path = n === 1 ? `${FRAMEWORK_FILE}.bak` : `.secrets.tsdevstack.${String(n)}.json.bak`;
    const existing = await readExistingBytes(join(root, path));
    if (!existing || Buffer.from(existing).equals(Buffer.from(bytes))) return path;
  }
}

const resetHint =
  'The file is left untouched. Fix it, or run: npx tsdevstack-secrets generate-secrets --reset-framework (saves it as .secrets.tsdevstack.json.bak and generates NEW values for every framework secret).';
const userHint = 'The file is left untouched. Fix it, then run generate-secrets again.';

function parseJson(
  name: string,
  file: ExistingFile,
  code: string,
  hint?: string,
): { raw: Record<string, unknown>; style: JsonTextStyle } {
  const invalid = file.bytes ? findInvalidUtf8(file.bytes) : undefined;
  if (invalid) {
    throw usageError(
      code,
      `${name}:${String(invalid.line)}:${String(invalid.column)}: not valid UTF-8 (is the file saved in another encoding, such as Latin-1 or UTF-16?)`,
      hint,
    );
  }
  const result = parseJsonText(file.text);
  if (!result.ok) {
    throw usageError(
      code,
      `${name}:${String(result.line)}:${String(result.column)}: ${result.message}`,
      hint,
    );
  }
  return { raw: result.value as Record<string, unknown>, style: result.style };
}
