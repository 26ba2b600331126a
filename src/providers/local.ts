import { dirname, join } from 'node:path';
import {
  TAG_KIND,
  TAG_ORIGINAL_KEY,
  TAG_PROJECT,
  TAG_SCOPE,
  assertSecretLimits,
  cloudSecretName,
  refFromLegacyName,
  secretMetadata,
  secretExistsError,
} from '../core/cloud-naming.js';
import { parseJsonText, stringifyJsonText, type JsonTextStyle } from '../core/json-text.js';
import { findInvalidUtf8 } from '../core/utf8.js';
import { usageError } from '../errors.js';
import { readExistingFile, removeStaleTempFiles, writeFileAtomic } from '../io/files.js';
import { acquireLock } from '../io/lock.js';
import type { StoreOptions } from './registry.js';
import type { ListedSecret, SecretRef, SecretStore, SetAction } from './secret-store.js';

/*
 * The local store is one JSON file per environment, `.tsdevstack/.local-store.<env>.json`
 * (mode 0600, gitignored by `.tsdevstack/.local-store.*.json`):
 *
 *   {
 *     "$comment": "…",
 *     "secrets": {
 *       "acme-shop-shared-STRIPE_API_KEY": {
 *         "value": "sk_test_…",
 *         "tags": { "project-name": "acme-shop", "service-name": "shared",
 *                   "managed-by": "tsdevstack", "secret-type": "user",
 *                   "original-key": "STRIPE_API_KEY" },
 *         "createdAt": "2026-03-14T09:26:53.000Z",
 *         "updatedAt": "2026-03-14T09:26:53.000Z",
 *         "versions": 1
 *       }
 *     }
 *   }
 *
 * It imitates a cloud store rather than the secrets files: entries are keyed by the cloud name and
 * carry the same tags (so `list` filters on `project-name` and several projects can share a file,
 * as they share an account), and the timestamps and version count exist because a cloud store
 * has them and `list` shows `updatedAt`. `value` is the exact string (JSON escapes keep CR, LF and
 * tabs). Entries are written sorted by name; members other than `secrets` are kept as found.
 */

const ENV_NAME = /^[a-z][a-z0-9-]{0,30}$/;
const COMMENT =
  'tsdevstack local secrets store (cloud-secrets:* --provider local): a stand-in for a cloud store, one file per environment. It holds secret values: never commit it.';
const DEFAULT_STYLE: JsonTextStyle = { bom: false, eol: '\n', indent: '  ', finalNewline: true };

interface StoredSecret {
  value: string;
  tags: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  versions: number;
}

interface StoreDocument {
  /** top-level members other than `$comment` and `secrets`, kept as found */
  others: Array<[string, unknown]>;
  secrets: Map<string, StoredSecret>;
  style: JsonTextStyle;
}

interface StoreFile {
  root: string;
  path: string;
  /** relative to the root, for messages */
  shown: string;
}

/** The store file's path relative to the project root. */
export function localStorePath(env: string): string {
  return `.tsdevstack/.local-store.${env}.json`;
}

// eslint-disable-next-line @typescript-eslint/require-await -- a factory of the registry: async by contract
export async function createLocalStore(options: StoreOptions): Promise<SecretStore> {
  const { project, env, root } = options;
  // The environment becomes part of a path: never let it leave the folder.
  if (!ENV_NAME.test(env)) {
    throw usageError(
      'ENV_INVALID',
      `the environment name "${env}" is not valid: use a lowercase letter, then up to 30 lowercase letters, digits or hyphens`,
    );
  }
  const shown = localStorePath(env);
  const file: StoreFile = { root, path: join(root, shown), shown };
  const description = `local (${shown})`;

  const nameOf = (ref: SecretRef): string => {
    const name = cloudSecretName('local', project, ref);
    assertSecretLimits('local', ref, name);
    return name;
  };

  return {
    provider: 'local',
    description,

    async list() {
      const { secrets } = await readDocument(file);
      const listed: ListedSecret[] = [];
      for (const [name, entry] of secrets) {
        if (entry.tags[TAG_PROJECT] !== project) continue;
        const ref = refOf(project, name, entry.tags);
        if (ref === undefined) continue;
        const kind = entry.tags[TAG_KIND];
        listed.push({
          ...ref,
          name,
          kind: kind === 'framework' || kind === 'user' ? kind : null,
          updatedAt: new Date(entry.updatedAt),
        });
      }
      return listed.sort((a, b) => compareNames(a.name, b.name));
    },

    async get(ref) {
      const name = nameOf(ref);
      return (await readDocument(file)).secrets.get(name)?.value;
    },

    async set(ref, value, options) {
      const name = nameOf(ref);
      assertSecretLimits('local', ref, name, value);
      return update(file, (secrets): Outcome<SetAction> => {
        const existing = secrets.get(name);
        if (existing?.value === value) return { result: 'unchanged', changed: false };
        if (existing !== undefined && !options.overwrite) {
          throw secretExistsError(ref, env);
        }
        const now = new Date().toISOString();
        const tags = secretMetadata(project, ref, options.kind);
        secrets.set(
          name,
          existing === undefined
            ? { value, tags, createdAt: now, updatedAt: now, versions: 1 }
            : { ...existing, value, tags, updatedAt: now, versions: existing.versions + 1 },
        );
        return { result: existing === undefined ? 'created' : 'updated', changed: true };
      });
    },

    // Nothing is soft-deleted locally, so --force and --purge change nothing.
    async remove(ref) {
      const name = nameOf(ref);
      return update(file, (secrets): Outcome<'deleted' | undefined> => {
        const removed = secrets.delete(name);
        return { result: removed ? 'deleted' : undefined, changed: removed };
      });
    },
  };
}

function refOf(project: string, name: string, tags: Record<string, string>): SecretRef | undefined {
  const scope = tags[TAG_SCOPE];
  if (scope === undefined) return undefined;
  const key = tags[TAG_ORIGINAL_KEY];
  return key === undefined ? refFromLegacyName('local', project, scope, name) : { key, scope };
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface Outcome<T> {
  result: T;
  /** whether the document must be written */
  changed: boolean;
}

/**
 * One read-modify-write of the store file under the project lock, so two CLI runs cannot lose
 * each other's updates. Within a process the writes to one file also queue up here: waiting for
 * the lock file means polling, which would make a concurrent push crawl.
 */
function update<T>(file: StoreFile, change: (secrets: Map<string, StoredSecret>) => Outcome<T>) {
  return serialize(file.path, async () => {
    const lock = await acquireLock(file.root);
    try {
      const document = await readDocument(file);
      const outcome = change(document.secrets);
      // Every writer holds the lock, so a temp file seen now is a crashed run's (holding secrets).
      await removeStaleTempFiles([dirname(file.path)], { root: file.root });
      if (outcome.changed) await writeDocument(file, document);
      return outcome.result;
    } finally {
      await lock.release();
    }
  });
}

const queues = new Map<string, Promise<void>>();

function serialize<T>(key: string, work: () => Promise<T>): Promise<T> {
  const result = (queues.get(key) ?? Promise.resolve()).then(work);
  const tail = result.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return result;
}

/** A missing file is an empty store; a damaged one is an error (exit 2), never "empty". */
async function readDocument(file: StoreFile): Promise<StoreDocument> {
  const existing = await readExistingFile(file.path, { root: file.root });
  if (existing === undefined) return { others: [], secrets: new Map(), style: DEFAULT_STYLE };
  const badByte = existing.bytes === undefined ? undefined : findInvalidUtf8(existing.bytes);
  if (badByte !== undefined) {
    throw damaged(file, 'not valid UTF-8', badByte);
  }
  const parsed = parseJsonText(existing.text);
  if (!parsed.ok) {
    throw damaged(file, parsed.message, parsed);
  }
  const top = parsed.value as Record<string, unknown>;
  const secrets = new Map<string, StoredSecret>();
  const others: Array<[string, unknown]> = [];
  for (const [member, value] of Object.entries(top)) {
    if (member !== 'secrets' && member !== '$comment') others.push([member, value]);
  }
  const section = top.secrets;
  if (section !== undefined) {
    if (!isObject(section)) throw damaged(file, '"secrets" must be an object');
    for (const [name, entry] of Object.entries(section)) {
      secrets.set(name, checkEntry(file, name, entry));
    }
  }
  return { others, secrets, style: parsed.style };
}

/** The entry as stored, or an error naming the member that is wrong (never a value). */
function checkEntry(file: StoreFile, name: string, entry: unknown): StoredSecret {
  const where = `secrets[${JSON.stringify(name)}]`;
  if (!isObject(entry)) throw damaged(file, `${where} must be an object`);
  const { value, tags, createdAt, updatedAt, versions } = entry;
  if (typeof value !== 'string') throw damaged(file, `${where}.value must be a string`);
  if (!isObject(tags) || !Object.values(tags).every((tag) => typeof tag === 'string')) {
    throw damaged(file, `${where}.tags must be an object of strings`);
  }
  for (const [field, time] of [
    ['createdAt', createdAt],
    ['updatedAt', updatedAt],
  ] as const) {
    if (typeof time !== 'string' || Number.isNaN(Date.parse(time))) {
      throw damaged(file, `${where}.${field} must be an ISO date`);
    }
  }
  if (typeof versions !== 'number' || !Number.isSafeInteger(versions) || versions < 1) {
    throw damaged(file, `${where}.versions must be a whole number from 1`);
  }
  return {
    value,
    tags: tags as Record<string, string>,
    createdAt: createdAt as string,
    updatedAt: updatedAt as string,
    versions,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function damaged(file: StoreFile, problem: string, at?: { line: number; column: number }) {
  const place = at === undefined ? '' : `:${String(at.line)}:${String(at.column)}`;
  return usageError(
    'LOCAL_STORE_INVALID',
    `${file.shown}${place}: ${problem}`,
    `Fix ${file.shown} by hand, or move it away to start an empty local store. It was left as it was.`,
  );
}

async function writeDocument(file: StoreFile, document: StoreDocument): Promise<void> {
  const secrets = [...document.secrets].sort(([a], [b]) => compareNames(a, b));
  // Object.fromEntries defines own properties, so even a "__proto__" entry stays an entry.
  const content = Object.fromEntries([
    ['$comment', COMMENT],
    ...document.others,
    ['secrets', Object.fromEntries(secrets)],
  ]);
  await writeFileAtomic(file.path, stringifyJsonText(content, document.style), {
    mode: 0o600,
    root: file.root,
  });
}
