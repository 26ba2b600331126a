import { assignDatabasePorts, isBackend, isWorker, type ProjectConfig } from './config.js';
import { buildDatabaseUrl } from './database-url.js';
import { resolveJwtKeys } from './jwt.js';
import {
  apiKeyName,
  bucketKeyName,
  dbPasswordKey,
  dbUsername,
  dbUsernameKey,
  legacyDbPasswordKey,
  legacyDbUsernameKey,
  urlKeyName,
} from './naming.js';
import { emptyKeyReport, type KeyReport, type Warning } from './report.js';
import type { FrameworkFileData } from './secrets-file.js';
import type { SecretSource } from './secret-source.js';
import {
  AUTH_SERVICE_NAME,
  databaseOwner,
  frameworkRefs,
  JWT_CURRENT_KEYS,
  JWT_PREVIOUS_KEYS,
  servicesWithApiKey,
  STORAGE_FIXED_KEYS,
} from './service-refs.js';

export interface FrameworkInput {
  config: ProjectConfig;
  /** the validated existing file; undefined when there is none (or it is being reset) */
  existing: FrameworkFileData | undefined;
  source: SecretSource;
  /** today's UTC date, YYYY-MM-DD, for new JWT key ids */
  today: string;
  /** framework keys to regenerate even though they exist (secrets:rotate KEY...) */
  rotateKeys?: ReadonlySet<string>;
  /** move the current JWT trio to *_PREVIOUS and make a new one (secrets:rotate --jwt) */
  rotateJwt?: boolean;
  /** delete `$retired` values instead of keeping them */
  prune?: boolean;
}

export interface FrameworkSection {
  PORT?: string;
  secrets: string[];
  API_KEY?: string;
  DATABASE_URL?: string;
}

export interface FrameworkResult {
  secrets: Map<string, string>;
  sections: Map<string, FrameworkSection>;
  retired: Map<string, Map<string, string>>;
  report: KeyReport;
  warnings: Warning[];
  /** keys pruned from `$retired` (with --prune) */
  pruned: string[];
  /** keys generated once and then kept: the ones secrets:rotate can regenerate */
  rotatable: Set<string>;
}

/** Where values of services that cannot be named go in `$retired`. */
export const UNATTRIBUTED = '(unattributed)';

const FIXED_VALUES: ReadonlyArray<readonly [string, string]> = [
  ['REDIS_HOST', 'localhost'],
  ['REDIS_PORT', '6379'],
  ['REDIS_PASSWORD', 'redis_pass'],
  ['REDIS_TLS', 'false'],
  ['KONG_SSL_VERIFY', 'no'],
  ['KONG_INTERNAL_URL', 'http://localhost:8000'],
];
const STORAGE_VALUES: Record<(typeof STORAGE_FIXED_KEYS)[number], string> = {
  STORAGE_ENDPOINT: 'http://localhost:9000',
  STORAGE_ACCESS_KEY: 'minioadmin',
  STORAGE_SECRET_KEY: 'minioadmin',
  STORAGE_FORCE_PATH_STYLE: 'true',
};

/**
 * Computes the framework secrets (SPEC §3) and service sections (§4) from the config and the
 * previous file: kept values are reused verbatim, the original tool's key names are migrated, and
 * values nobody needs any more are retired rather than destroyed.
 */
export function generateFramework(input: FrameworkInput): FrameworkResult {
  const state = new GenerationState(input);
  const { config, source } = input;
  const out = state.output;

  state.fixed('NODE_ENV', 'development');
  state.fixed('SECRETS_PROVIDER', 'local');
  state.fixed('LOG_LEVEL', 'debug');
  if (config.authTemplate) {
    for (const key of [...JWT_CURRENT_KEYS, ...JWT_PREVIOUS_KEYS])
      state.reclaim(key, AUTH_SERVICE_NAME);
    const jwt = resolveJwtKeys({
      available: state.available,
      source,
      today: input.today,
      rotate: input.rotateJwt === true,
    });
    for (const [key, value] of jwt.values) state.record(key, value, jwt.outcome.get(key) ?? 'kept');
    state.warnings.push(...jwt.warnings);
    // A rotation replaces the previous trio: the old one is dropped, not retired.
    for (const key of JWT_PREVIOUS_KEYS) state.markConsumed(key);
    // Rotated as a trio, with secrets:rotate --jwt.
    for (const key of JWT_CURRENT_KEYS) state.rotatable.add(key);
    state.keep('REFRESH_TOKEN_SECRET', () => source.randomBase64Url(32));
    state.keep('BCRYPT_ROUNDS', () => '12', { rotatable: false });
  }
  state.keep('KONG_TRUST_TOKEN', () => source.randomHex(32));
  for (const service of servicesWithApiKey(config)) {
    state.keep(apiKeyName(service.name), () => source.randomHex(32), { owner: service.name });
  }
  for (const [key, value] of FIXED_VALUES) state.fixed(key, value);
  for (const service of config.services.filter(isBackend)) {
    state.fixed(urlKeyName(service.name), `http://localhost:${String(service.port)}`);
  }
  for (const service of config.services.filter((s) => s.hasDatabase)) {
    const username = dbUsername(service.name, service.databaseType);
    // A username names the database role: regenerating it would not rotate anything, it would
    // lock the service out. So it is kept but not rotatable.
    state.keep(dbUsernameKey(service.name), () => username, {
      owner: service.name,
      rotatable: false,
    });
    state.keep(dbPasswordKey(service.name), () => source.randomBase64Url(32), {
      owner: service.name,
    });
  }
  if (config.buckets.length > 0) {
    for (const key of STORAGE_FIXED_KEYS) state.fixed(key, STORAGE_VALUES[key]);
    for (const bucket of config.buckets) {
      state.fixed(bucketKeyName(bucket), `${config.projectName}-${bucket}-dev`);
    }
  }

  state.retireLeftovers();
  const sections = buildSections(config, out);
  return {
    secrets: out,
    sections,
    retired: state.retired,
    report: state.report,
    warnings: state.warnings,
    pruned: state.pruned,
    rotatable: state.rotatable,
  };
}

function buildSections(
  config: ProjectConfig,
  secrets: Map<string, string>,
): Map<string, FrameworkSection> {
  const hasPreviousJwt = secrets.has('JWT_PRIVATE_KEY_PREVIOUS');
  const ports = assignDatabasePorts(config.services);
  const sections = new Map<string, FrameworkSection>();
  for (const service of config.services) {
    const section: FrameworkSection = { secrets: [] };
    if (!isWorker(service) && service.port !== undefined) section.PORT = String(service.port);
    section.secrets = frameworkRefs(config, service, hasPreviousJwt);
    if (isBackend(service) || isWorker(service))
      section.API_KEY = secrets.get(apiKeyName(service.name));
    const owner = databaseOwner(config, service);
    if (owner) {
      section.DATABASE_URL = buildDatabaseUrl(
        owner.databaseType,
        secrets.get(dbUsernameKey(owner.name)) ?? '',
        secrets.get(dbPasswordKey(owner.name)) ?? '',
        ports.get(owner.name) ?? 0,
        owner.name,
      );
    }
    sections.set(service.name, section);
  }
  return sections;
}

export type KeyOutcome = 'generated' | 'kept' | 'reset';

class GenerationState {
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
