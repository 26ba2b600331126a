import { KEY_PATTERN, LEGACY_DB_KEY_PATTERN, isMetadataKey } from './naming.js';

/** A shape problem in a secrets file: the JSON path and what is wrong. Never holds a value. */
export interface ShapeIssue {
  path: string;
  message: string;
}

/** The parts of `.secrets.tsdevstack.json` that a run reads back. */
export interface FrameworkFileData {
  secrets: Map<string, string>;
  /** service sections found in the file (their content is recomputed, only names matter) */
  sectionNames: string[];
  /** `$retired`: kept values of services that left the config, by service name */
  retired: Map<string, Map<string, string>>;
}

export interface UserSection {
  /** the `secrets` reference list, as written */
  refs: string[];
  /** whether the section had a `secrets` list at all */
  hasRefList: boolean;
  /** direct string values (PORT, DATABASE_URL, custom keys), `API_KEY` excluded */
  values: Map<string, string>;
  /** `API_KEY`: a reference when it looks like a key name, else a literal */
  apiKey: string | undefined;
}

export interface UserFileData {
  secrets: Map<string, string>;
  sections: Map<string, UserSection>;
}

type Parsed<T> = { ok: true; data: T } | { ok: false; issues: ShapeIssue[] };

const RETIRED_KEY = '$retired';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function memberPath(parent: string, key: string): string {
  const segment = /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key) ? key : JSON.stringify(key);
  if (parent === '') return segment;
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)
    ? `${parent}.${key}`
    : `${parent}[${JSON.stringify(key)}]`;
}

function checkKeyName(
  key: string,
  path: string,
  issues: ShapeIssue[],
  allowLegacy = false,
): boolean {
  if (key === '__proto__') {
    issues.push({ path, message: 'the key name "__proto__" is not allowed' });
    return false;
  }
  if (KEY_PATTERN.test(key) || (allowLegacy && LEGACY_DB_KEY_PATTERN.test(key))) return true;
  issues.push({
    path,
    message:
      'key names must match ^[A-Za-z_][A-Za-z0-9_]*$ (letters, digits and _, not starting with a digit)',
  });
  return false;
}

/** Reads a flat `{ KEY: "value" }` map; every non-string value and bad key name is an issue. */
function readStringMap(
  value: unknown,
  path: string,
  issues: ShapeIssue[],
  allowLegacyKeys: boolean,
): Map<string, string> {
  const map = new Map<string, string>();
  if (!isPlainObject(value)) {
    issues.push({ path, message: 'must be an object of "KEY": "value" strings' });
    return map;
  }
  for (const [key, item] of Object.entries(value)) {
    if (isMetadataKey(key)) continue;
    const itemPath = memberPath(path, key);
    if (!checkKeyName(key, itemPath, issues, allowLegacyKeys)) continue;
    if (typeof item !== 'string') {
      issues.push({ path: itemPath, message: `must be a string, not ${describe(item)}` });
      continue;
    }
    map.set(key, item);
  }
  return map;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export function readFrameworkFile(raw: unknown): Parsed<FrameworkFileData> {
  const issues: ShapeIssue[] = [];
  if (!isPlainObject(raw))
    return { ok: false, issues: [{ path: '', message: 'must be a JSON object' }] };
  if (!('secrets' in raw)) {
    return {
      ok: false,
      issues: [{ path: 'secrets', message: 'is missing: the file holds no secrets map' }],
    };
  }
  const secrets = readStringMap(raw.secrets, 'secrets', issues, true);
  const retired = new Map<string, Map<string, string>>();
  const retiredRaw = raw[RETIRED_KEY];
  if (retiredRaw !== undefined) {
    if (!isPlainObject(retiredRaw)) {
      issues.push({ path: RETIRED_KEY, message: 'must be an object keyed by service name' });
    } else {
      for (const [service, values] of Object.entries(retiredRaw)) {
        retired.set(service, readStringMap(values, memberPath(RETIRED_KEY, service), issues, true));
      }
    }
  }
  const sectionNames = Object.keys(raw).filter((key) => key !== 'secrets' && !isMetadataKey(key));
  return issues.length > 0
    ? { ok: false, issues }
    : { ok: true, data: { secrets, sectionNames, retired } };
}

export function readUserFile(raw: unknown): Parsed<UserFileData> {
  const issues: ShapeIssue[] = [];
  if (!isPlainObject(raw))
    return { ok: false, issues: [{ path: '', message: 'must be a JSON object' }] };
  const secrets =
    raw.secrets === undefined
      ? new Map<string, string>()
      : readStringMap(raw.secrets, 'secrets', issues, false);
  const sections = new Map<string, UserSection>();
  for (const [name, value] of Object.entries(raw)) {
    if (name === 'secrets' || isMetadataKey(name)) continue;
    const section = readUserSection(value, memberPath('', name), issues);
    if (section) sections.set(name, section);
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, data: { secrets, sections } };
}

function readUserSection(
  value: unknown,
  path: string,
  issues: ShapeIssue[],
): UserSection | undefined {
  if (!isPlainObject(value)) {
    issues.push({
      path,
      message: 'a service section must be an object like { "secrets": ["KEY"] }',
    });
    return undefined;
  }
  const section: UserSection = {
    refs: [],
    hasRefList: false,
    values: new Map(),
    apiKey: undefined,
  };
  for (const [key, item] of Object.entries(value)) {
    if (isMetadataKey(key)) continue;
    const itemPath = memberPath(path, key);
    if (key === 'secrets') {
      section.hasRefList = true;
      if (!Array.isArray(item)) {
        issues.push({
          path: itemPath,
          message: 'must be a list of key names, e.g. ["STRIPE_KEY"]',
        });
        continue;
      }
      item.forEach((ref, index) => {
        const refPath = `${itemPath}[${index}]`;
        if (typeof ref !== 'string') {
          issues.push({
            path: refPath,
            message: `must be a key name string, not ${describe(ref)}`,
          });
        } else if (checkKeyName(ref, refPath, issues, true)) {
          section.refs.push(ref);
        }
      });
      continue;
    }
    if (!checkKeyName(key, itemPath, issues)) continue;
    if (typeof item !== 'string') {
      issues.push({ path: itemPath, message: `must be a string, not ${describe(item)}` });
      continue;
    }
    if (key === 'API_KEY') section.apiKey = item;
    else section.values.set(key, item);
  }
  return section;
}

/** One line per issue, prefixed with the file name: `.secrets.user.json: secrets.X: must be a string`. */
export function formatShapeIssues(file: string, issues: ShapeIssue[]): string {
  return issues
    .map((issue) => `${file}: ${issue.path === '' ? '' : `${issue.path}: `}${issue.message}`)
    .join('\n');
}
