import type { FrameworkInput } from './framework.js';
import {
  apiKeyName,
  dbPasswordKey,
  dbUsernameKey,
  legacyDbPasswordKey,
  legacyDbUsernameKey,
} from './naming.js';
import { emptyKeyReport, type Warning } from './report.js';
import { AUTH_SERVICE_NAME } from './service-refs.js';

/** Where values of services that cannot be named go in `$retired`. */
export const UNATTRIBUTED = '(unattributed)';

export type KeyOutcome = 'generated' | 'kept' | 'reset';

/**
 * The bookkeeping of one framework generation: previous values (old key names migrated), what
 * each key became, and what is left over to retire. generateFramework decides; this records.
 */
export class GenerationState {
  readonly output = new Map<string, string>();
  /** previous values, old key names already migrated to the new ones */
  readonly available = new Map<string, string>();
  readonly retired: Map<string, Map<string, string>>;
  readonly report = emptyKeyReport();
  readonly warnings: Warning[] = [];
  readonly pruned: string[] = [];
  readonly rotatable = new Set<string>();
  private readonly consumed = new Set<string>();
  private readonly previousSections: string[];

  constructor(private readonly input: FrameworkInput) {
    const existing = input.existing;
    this.previousSections = existing?.sectionNames ?? [];
    this.retired = new Map([...(existing?.retired ?? [])].map(([k, v]) => [k, new Map(v)]));
    if (existing) this.migrate(existing.secrets);
  }

  /** Old hyphenated `DB_X-Y_*` keys move to `DB_X_Y_*`; a differing new key wins, with a warning. */
  private migrate(previous: Map<string, string>): void {
    for (const [key, value] of previous) {
      if (!key.includes('-')) {
        this.available.set(key, value);
        continue;
      }
      const newKey = key.replaceAll('-', '_');
      const current = previous.get(newKey);
      if (current !== undefined && current !== '' && current !== value) {
        // The old value may be the one a database volume still uses: retire it, never drop it.
        this.available.set(key, value);
        this.warnings.push({
          code: 'MIGRATION_CONFLICT',
          message: `.secrets.tsdevstack.json holds both ${key} and ${newKey} with different values; keeping ${newKey}, the old value is kept in $retired`,
        });
        continue;
      }
      if (current === undefined || current === '') {
        this.available.set(newKey, value);
        this.report.migrated.push(newKey);
      }
    }
  }

  markConsumed(key: string): void {
    this.consumed.add(key);
  }

  /** Moves a retired value back into the pool of previous values (a returning service or template). */
  reclaim(key: string, owner: string): void {
    if (this.available.get(key)) return;
    const value = this.takeExisting(key, owner);
    if (value !== undefined) this.available.set(key, value);
  }

  record(key: string, value: string, outcome: KeyOutcome): void {
    this.output.set(key, value);
    this.consumed.add(key);
    this.report[outcome].push(key);
  }

  /** A value that is the same on every run; a changed stored value is set back and reported. */
  fixed(key: string, value: string): void {
    const previous = this.available.get(key);
    this.output.set(key, value);
    this.consumed.add(key);
    if (previous !== undefined && previous !== value) this.report.reset.push(key);
  }

  /** A value that is generated once and then kept verbatim (SPEC §3 "kept"). */
  keep(
    key: string,
    generate: () => string,
    options: { owner?: string; rotatable?: boolean } = {},
  ): void {
    if (options.rotatable !== false) this.rotatable.add(key);
    const rotating = options.rotatable !== false && this.input.rotateKeys?.has(key) === true;
    const existing = rotating ? undefined : this.takeExisting(key, options.owner);
    this.consumed.add(key);
    if (existing !== undefined) {
      this.output.set(key, existing);
      this.report.kept.push(key);
      return;
    }
    this.output.set(key, generate());
    this.report.generated.push(key);
  }

  private takeExisting(key: string, owner: string | undefined): string | undefined {
    const current = this.available.get(key);
    if (current !== undefined && current !== '') return current;
    const owners = owner === undefined ? [...this.retired.keys()] : [owner, ...this.retired.keys()];
    for (const name of owners) {
      const value = this.retired.get(name)?.get(key);
      if (value === undefined || value === '') continue;
      this.retired.get(name)?.delete(key);
      if (this.retired.get(name)?.size === 0) this.retired.delete(name);
      return value;
    }
    return undefined;
  }

  /**
   * Every previous value that this run did not use and cannot recompute goes to `$retired`, keyed
   * by the service it belonged to: a database volume outlives a config edit (SPEC §3).
   */
  retireLeftovers(): void {
    for (const [key, value] of this.available) {
      if (this.consumed.has(key) || value === '' || isRecomputable(key, value)) continue;
      const owner = this.ownerOf(key);
      const bucket = this.retired.get(owner) ?? new Map<string, string>();
      bucket.set(key, value);
      this.retired.set(owner, bucket);
      this.report.retired.push(key);
    }
    if (this.input.prune === true) {
      for (const values of this.retired.values()) this.pruned.push(...values.keys());
      this.retired.clear();
    }
  }

  private ownerOf(key: string): string {
    if (key.startsWith('JWT_') || key === 'REFRESH_TOKEN_SECRET' || key === 'BCRYPT_ROUNDS') {
      return AUTH_SERVICE_NAME;
    }
    const owner = this.previousSections.find(
      (name) =>
        key === apiKeyName(name) ||
        key === dbUsernameKey(name) ||
        key === dbPasswordKey(name) ||
        key === legacyDbUsernameKey(name) ||
        key === legacyDbPasswordKey(name),
    );
    return owner ?? UNATTRIBUTED;
  }
}

/** Values that any later run derives again from the config, so dropping them loses nothing. */
function isRecomputable(key: string, value: string): boolean {
  if (key.startsWith('STORAGE_') || key.startsWith('REDIS_')) return true;
  if (
    ['NODE_ENV', 'SECRETS_PROVIDER', 'LOG_LEVEL', 'KONG_SSL_VERIFY', 'KONG_INTERNAL_URL'].includes(
      key,
    )
  ) {
    return true;
  }
  return key.endsWith('_URL') && /^http:\/\/localhost:\d+$/.test(value);
}
