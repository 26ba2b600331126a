import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROVIDER_LIMITS, cloudSecretName } from '../../src/core/cloud-naming.js';
import { CliError } from '../../src/errors.js';
import type {
  ListedSecret,
  SecretRef,
  SecretStore,
  SetOptions,
} from '../../src/providers/secret-store.js';

/** What `open` gives each test: stores on an empty backend, and how to tear it down. */
export interface StoreContractSubject {
  store: SecretStore;
  /** a second store on the same backend (same file, account or vault) for another project name */
  otherProject?: SecretStore;
  /**
   * How many requests the backend has received so far, when a test server counts them: then the
   * refusals are also checked to happen before any request.
   */
  requestCount?: () => number;
  cleanup(): Promise<void>;
}

const CREATE: SetOptions = { kind: 'user', overwrite: false };
const OVERWRITE: SetOptions = { kind: 'user', overwrite: true };
const shared = (key: string): SecretRef => ({ key, scope: 'shared' });

/**
 * The behaviour every SecretStore must have (SPEC §9.1, §9.2), run against the local store and,
 * through the real SDKs, against each cloud provider's wire-protocol test server.
 *
 * `open` is called before every test and must return stores on an EMPTY backend (a fresh file,
 * server or namespace); `cleanup` runs after the test. Nothing here depends on timing, and the
 * suite uses the provider's own limits (PROVIDER_LIMITS), so it runs unchanged for every store.
 * Test servers should page `list` at 25 or fewer so that "follows every page" crosses a page.
 */
export function describeStoreContract(
  label: string,
  open: () => Promise<StoreContractSubject>,
): void {
  describe(`SecretStore contract: ${label}`, () => {
    let subject: StoreContractSubject | undefined;
    let store: SecretStore;

    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });

    afterEach(async () => {
      await subject?.cleanup();
      subject = undefined;
    });

    const limits = () => PROVIDER_LIMITS[store.provider];

    describe('reading', () => {
      it('starts empty: list is [] and get of a missing key is undefined', async () => {
        expect(await store.list()).toEqual([]);
        expect(await store.get(shared('NEVER_SET'))).toBeUndefined();
      });

      it('get and remove of a missing key give undefined and leave the others alone', async () => {
        expect(await store.set(shared('PRESENT'), 'present-value-1', CREATE)).toBe('created');
        expect(await store.get(shared('ABSENT'))).toBeUndefined();
        expect(await store.remove(shared('ABSENT'), {})).toBeUndefined();
        expect(await store.get(shared('PRESENT'))).toBe('present-value-1');
        expect(keysOf(await store.list())).toEqual(['shared/PRESENT']);
      });

      it('resolves names exactly: a key is never found through a longer key', async () => {
        // AWS reads `…-<6 characters>` as an ARN suffix; a prefix lookup finds API_KEY_PREVIOUS.
        await store.set(shared('API_KEY_PREVIOUS'), 'previous-value-1', CREATE);
        await store.set(shared('DOMAIN_X'), 'domain-x-value-1', CREATE);
        expect(await store.get(shared('API_KEY'))).toBeUndefined();
        expect(await store.get(shared('DOMAIN'))).toBeUndefined();
        expect(await store.remove(shared('API_KEY'), {})).toBeUndefined();
        expect(await store.set(shared('API_KEY'), 'current-value-1', CREATE)).toBe('created');
        expect(await store.set(shared('DOMAIN'), 'example.com', CREATE)).toBe('created');
        expect(await store.get(shared('API_KEY'))).toBe('current-value-1');
        expect(await store.get(shared('API_KEY_PREVIOUS'))).toBe('previous-value-1');
        expect(await store.get(shared('DOMAIN'))).toBe('example.com');
        expect(await store.get(shared('DOMAIN_X'))).toBe('domain-x-value-1');
      });
    });

    describe('set', () => {
      it('creates a secret and reads it back', async () => {
        expect(await store.set(shared('STRIPE_API_KEY'), 'sk_test_51Hc0ntract', CREATE)).toBe(
          'created',
        );
        expect(await store.get(shared('STRIPE_API_KEY'))).toBe('sk_test_51Hc0ntract');
      });

      it('an identical value is unchanged, with or without overwrite', async () => {
        await store.set(shared('SAME'), 'same-value-1', CREATE);
        expect(await store.set(shared('SAME'), 'same-value-1', CREATE)).toBe('unchanged');
        expect(await store.set(shared('SAME'), 'same-value-1', OVERWRITE)).toBe('unchanged');
        expect(await store.get(shared('SAME'))).toBe('same-value-1');
        expect(keysOf(await store.list())).toEqual(['shared/SAME']);
      });

      it('refuses a different value without overwrite (exit 2, SECRET_EXISTS) and keeps the old one', async () => {
        await store.set(shared('TAKEN'), 'the-old-value-1', CREATE);
        const error = await refusalOf(store.set(shared('TAKEN'), 'the-new-value-2', CREATE));
        expect({ code: error.code, exitCode: error.exitCode }).toEqual({
          code: 'SECRET_EXISTS',
          exitCode: 2,
        });
        expect(error.hint).toContain('--overwrite');
        expectNoValueIn(error, ['the-old-value-1', 'the-new-value-2']);
        expect(await store.get(shared('TAKEN'))).toBe('the-old-value-1');
      });

      it('replaces a different value with overwrite (updated)', async () => {
        await store.set(shared('ROTATED'), 'first-value-1', CREATE);
        expect(await store.set(shared('ROTATED'), 'second-value-2', OVERWRITE)).toBe('updated');
        expect(await store.get(shared('ROTATED'))).toBe('second-value-2');
        expect(await store.set(shared('ROTATED'), 'second-value-2', CREATE)).toBe('unchanged');
      });

      it('writes again to a removed name (created, or restored where removal is soft)', async () => {
        await store.set(shared('PHOENIX'), 'before-removal-1', CREATE);
        await store.remove(shared('PHOENIX'), {});
        expect(['created', 'restored']).toContain(
          await store.set(shared('PHOENIX'), 'after-removal-2', CREATE),
        );
        expect(await store.get(shared('PHOENIX'))).toBe('after-removal-2');
        expect(keysOf(await store.list())).toEqual(['shared/PHOENIX']);
      });

      it('sets of different keys at once all land', async () => {
        const keys = ['PAR_A', 'PAR_B', 'PAR_C', 'PAR_D', 'PAR_E', 'PAR_F'];
        const actions = await Promise.all(
          keys.map((key) => store.set(shared(key), `parallel-${key}`, CREATE)),
        );
        expect(actions).toEqual(keys.map(() => 'created'));
        const values = await Promise.all(keys.map((key) => store.get(shared(key))));
        expect(values).toEqual(keys.map((key) => `parallel-${key}`));
      });
    });

    describe('values are stored byte for byte', () => {
      it('keeps line breaks, spaces, tabs, shell and JSON characters, and any Unicode', async () => {
        const values = byteExactValues(limits().maxValueBytes);
        for (const [key, value] of Object.entries(values)) {
          expect(await store.set(shared(key), value, CREATE), key).toBe('created');
        }
        const read: Record<string, string | undefined> = {};
        for (const key of Object.keys(values)) read[key] = await store.get(shared(key));
        expect(read).toEqual(values);
        // Same text, same bytes: also prove nothing was normalised (NFC) along the way.
        for (const [key, value] of Object.entries(values)) {
          expect(Buffer.from(read[key] ?? '').equals(Buffer.from(value)), key).toBe(true);
        }
      });

      it('stores a value of exactly the provider limit in bytes', async () => {
        const value = valueOfBytes(limits().maxValueBytes);
        expect(await store.set(shared('AT_LIMIT'), value, CREATE)).toBe('created');
        expect(await store.get(shared('AT_LIMIT'))).toBe(value);
      });
    });

    describe('refusals, before any request', () => {
      it('refuses an empty value (exit 2, VALUE_EMPTY), new or replacing', async () => {
        await store.set(shared('KEEP'), 'kept-value-1', CREATE);
        const before = subject?.requestCount?.();
        const fresh = await refusalOf(store.set(shared('EMPTY'), '', CREATE));
        const replacing = await refusalOf(store.set(shared('KEEP'), '', OVERWRITE));
        for (const error of [fresh, replacing]) {
          expect({ code: error.code, exitCode: error.exitCode }).toEqual({
            code: 'VALUE_EMPTY',
            exitCode: 2,
          });
        }
        expect(subject?.requestCount?.()).toBe(before);
        expect(await store.get(shared('EMPTY'))).toBeUndefined();
        expect(await store.get(shared('KEEP'))).toBe('kept-value-1');
      });

      it('refuses a value over the provider limit counted in bytes, not characters (exit 2, VALUE_TOO_LARGE)', async () => {
        const max = limits().maxValueBytes;
        // Two bytes per character: fewer characters than the limit, more bytes.
        const wide = 'é'.repeat(Math.floor(max / 2) + 1);
        const ascii = 'x'.repeat(max + 1);
        const before = subject?.requestCount?.();
        for (const [key, value] of [
          ['TOO_WIDE', wide],
          ['TOO_LONG', ascii],
        ] as const) {
          const error = await refusalOf(store.set(shared(key), value, CREATE));
          expect({ key, code: error.code, exitCode: error.exitCode }).toEqual({
            key,
            code: 'VALUE_TOO_LARGE',
            exitCode: 2,
          });
          expectNoValueIn(error, [value.slice(0, 64)]);
        }
        expect(subject?.requestCount?.()).toBe(before);
        expect(await store.list()).toEqual([]);
      });

      it('refuses a key the provider cannot name (exit 2, NAME_INVALID)', async () => {
        const before = subject?.requestCount?.();
        for (const key of ['HAS SPACE', 'K'.repeat(limits().maxNameLength)]) {
          const error = await refusalOf(store.set(shared(key), 'some-value-1', CREATE));
          expect({ key, code: error.code, exitCode: error.exitCode }).toEqual({
            key,
            code: 'NAME_INVALID',
            exitCode: 2,
          });
        }
        expect(subject?.requestCount?.()).toBe(before);
        expect(await store.list()).toEqual([]);
      });
    });

    describe('scopes', () => {
      it('a service scope and the shared scope are distinct secrets', async () => {
        const service: SecretRef = { key: 'DATABASE_URL', scope: 'auth-service' };
        expect(await store.set(shared('DATABASE_URL'), 'postgres://shared-db', CREATE)).toBe(
          'created',
        );
        expect(await store.set(service, 'postgres://auth-db', CREATE)).toBe('created');
        expect(await store.get(shared('DATABASE_URL'))).toBe('postgres://shared-db');
        expect(await store.get(service)).toBe('postgres://auth-db');
        expect(await store.get({ key: 'DATABASE_URL', scope: 'offers-service' })).toBeUndefined();
        expect(keysOf(await store.list())).toEqual([
          'auth-service/DATABASE_URL',
          'shared/DATABASE_URL',
        ]);
        expect(await store.remove(service, {})).toBe('deleted');
        expect(await store.get(shared('DATABASE_URL'))).toBe('postgres://shared-db');
        expect(keysOf(await store.list())).toEqual(['shared/DATABASE_URL']);
      });
    });

    describe('list', () => {
      it('lists every secret of the project across scopes with kind, name and updatedAt, never a value', async () => {
        const secrets: Array<[SecretRef, string, SetOptions['kind']]> = [
          [shared('STRIPE_API_KEY'), 'sk_live_listvalue1', 'user'],
          [shared('JWT_SECRET'), 'jwt-secret-listvalue2', 'framework'],
          [shared('DOMAIN'), 'list.example.com', 'user'],
          [{ key: 'DATABASE_URL', scope: 'auth-service' }, 'postgres://listvalue3', 'framework'],
          [{ key: 'API_KEY', scope: 'offers-service' }, 'offers-listvalue4', 'framework'],
        ];
        for (const [ref, value, kind] of secrets) {
          await store.set(ref, value, { kind, overwrite: false });
        }
        const listed = await store.list();
        expect(sortListed(listed).map(({ scope, key, kind }) => ({ scope, key, kind }))).toEqual(
          sortListed(secrets.map(([ref, , kind]) => ({ ...ref, kind }))),
        );
        for (const entry of listed) {
          // `{project}-{scope}-{KEY}`, with the provider's own mapping of the key
          const ref = { key: entry.key, scope: entry.scope };
          expect(entry.name.endsWith(cloudSecretName(store.provider, '', ref)), entry.name).toBe(
            true,
          );
          expect(entry.name.length).toBeGreaterThan(
            cloudSecretName(store.provider, '', ref).length,
          );
          if (entry.updatedAt !== null) {
            expect(entry.updatedAt).toBeInstanceOf(Date);
            expect(Number.isNaN(entry.updatedAt.getTime()), entry.name).toBe(false);
          }
          expect(entry).not.toHaveProperty('value');
        }
        const printed = JSON.stringify(listed);
        for (const [, value] of secrets) expect(printed).not.toContain(value);
      });

      it('keys with underscores round-trip exactly', async () => {
        const refs: SecretRef[] = [
          shared('STRIPE_API_KEY'),
          shared('JWT_PRIVATE_KEY_PREVIOUS'),
          shared('A__B'),
          shared('_LEADING'),
          shared('TRAILING_'),
          { key: 'DB_AUTH_SERVICE_PASSWORD', scope: 'auth-service' },
        ];
        for (const ref of refs) await store.set(ref, `underscore-${ref.key}`, CREATE);
        expect(keysOf(await store.list())).toEqual(refs.map((r) => `${r.scope}/${r.key}`).sort());
        for (const ref of refs) expect(await store.get(ref)).toBe(`underscore-${ref.key}`);
      });

      it("does not list another project's secrets, nor read or remove them", async (context) => {
        const other = subject?.otherProject;
        if (other === undefined) {
          context.skip('no otherProject store given');
          return;
        }
        await store.set(shared('SHARED_NAME'), 'ours-value-1', CREATE);
        await store.set({ key: 'DATABASE_URL', scope: 'auth-service' }, 'ours-db-1', CREATE);
        await other.set(shared('SHARED_NAME'), 'theirs-value-1', CREATE);
        await other.set(shared('THEIRS_ONLY'), 'theirs-only-1', CREATE);
        expect(keysOf(await store.list())).toEqual([
          'auth-service/DATABASE_URL',
          'shared/SHARED_NAME',
        ]);
        expect(keysOf(await other.list())).toEqual(['shared/SHARED_NAME', 'shared/THEIRS_ONLY']);
        expect(await store.get(shared('THEIRS_ONLY'))).toBeUndefined();
        expect(await store.get(shared('SHARED_NAME'))).toBe('ours-value-1');
        expect(await store.remove(shared('SHARED_NAME'), {})).toBe('deleted');
        expect(await other.get(shared('SHARED_NAME'))).toBe('theirs-value-1');
        expect(keysOf(await other.list())).toEqual(['shared/SHARED_NAME', 'shared/THEIRS_ONLY']);
      });

      it('follows every page', async () => {
        const keys = Array.from({ length: 30 }, (_, i) => `PAGED_${String(i).padStart(2, '0')}`);
        await Promise.all(keys.map((key) => store.set(shared(key), `paged-${key}`, CREATE)));
        expect(keysOf(await store.list())).toEqual(keys.map((key) => `shared/${key}`));
      });
    });

    describe('remove', () => {
      it('deletes: then get is undefined, list leaves it out, and a second remove is undefined', async () => {
        await store.set(shared('DOOMED'), 'doomed-value-1', CREATE);
        await store.set(shared('SURVIVOR'), 'survivor-value-1', CREATE);
        expect(await store.remove(shared('DOOMED'), {})).toBe('deleted');
        expect(await store.get(shared('DOOMED'))).toBeUndefined();
        expect(keysOf(await store.list())).toEqual(['shared/SURVIVOR']);
        expect(await store.remove(shared('DOOMED'), {})).toBeUndefined();
        expect(await store.get(shared('SURVIVOR'))).toBe('survivor-value-1');
      });

      it('with force and purge the secret is gone as well', async () => {
        await store.set(shared('FORCED'), 'forced-value-1', CREATE);
        expect(['deleted', 'purged']).toContain(
          await store.remove(shared('FORCED'), { force: true, purge: true }),
        );
        expect(await store.get(shared('FORCED'))).toBeUndefined();
        expect(await store.list()).toEqual([]);
      });
    });
  });
}

/** `scope/key` of each listed secret, sorted, for diffs that read well. */
function keysOf(listed: readonly ListedSecret[]): string[] {
  return listed.map((s) => `${s.scope}/${s.key}`).sort();
}

function sortListed<T extends SecretRef>(items: readonly T[]): T[] {
  return [...items].sort((a, b) =>
    `${a.scope}/${a.key}` < `${b.scope}/${b.key}`
      ? -1
      : `${a.scope}/${a.key}` > `${b.scope}/${b.key}`
        ? 1
        : 0,
  );
}

/** The CliError a store call rejects with; the test fails if it succeeds or throws anything else. */
async function refusalOf(promise: Promise<unknown>): Promise<CliError> {
  const outcome = await promise.then(
    () => new Error('expected the store to refuse, but the call succeeded'),
    (error: unknown) => error,
  );
  if (!(outcome instanceof CliError)) throw outcome;
  return outcome;
}

/** SPEC §8: values never appear in error messages or hints. */
function expectNoValueIn(error: CliError, values: readonly string[]): void {
  for (const value of values) {
    expect(error.message).not.toContain(value);
    expect(error.hint ?? '').not.toContain(value);
  }
}

/** A value of exactly `bytes` UTF-8 bytes, mixing 1- to 4-byte characters and line breaks. */
export function valueOfBytes(bytes: number): string {
  const unit = 'aé€😀\n'; // 1 + 2 + 3 + 4 + 1 bytes
  const unitBytes = Buffer.byteLength(unit);
  const value = unit.repeat(Math.floor(bytes / unitBytes)) + 'x'.repeat(bytes % unitBytes);
  if (Buffer.byteLength(value) !== bytes) throw new Error('valueOfBytes: miscounted');
  return value;
}

/** Values a store must return exactly as given; keys are valid names for every provider. */
export function byteExactValues(maxValueBytes: number): Record<string, string> {
  return {
    LF_INSIDE: 'line one\nline two',
    CRLF: 'first\r\nsecond\r\n',
    LONE_CR: 'a\rb',
    TRAILING_NEWLINE: 'value-with-newline\n',
    TRAILING_SPACES: 'value-with-spaces   ',
    LEADING_SPACES: '   leading',
    ONLY_SPACES: '  ',
    TABS: '\tcolumn one\tcolumn two\t',
    SHELL: '$HOME ${VAR} $(id) # not a comment "double" \'single\' `backtick` \\ ; | & * ?',
    JSON_LIKE: '{"a": [1, "two"], "b": null, "c": "\\u0041"}',
    UNICODE: 'naïve café — “quotes” — 日本語 — Ünïcödé',
    EMOJI: '🔑 key, 👩‍💻 a ZWJ sequence, 🇪🇺 a flag',
    COMBINING: 'e\u0301 (decomposed) vs \u00e9 (composed), a\u030a\u0323',
    BOM_FIRST: '\uFEFFstarts with a byte order mark',
    PEM: '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n',
    // 60 KB, or the provider's limit when that is lower (Azure: 25,000 bytes)
    LARGE: valueOfBytes(Math.min(60 * 1024, maxValueBytes)),
  };
}
