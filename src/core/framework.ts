import { assignDatabasePorts, isBackend, isWorker, type ProjectConfig } from './config.js';
import { buildDatabaseUrl } from './database-url.js';
import { GenerationState } from './framework-state.js';
import { resolveJwtKeys } from './jwt.js';
import {
  apiKeyName,
  bucketKeyName,
  dbPasswordKey,
  dbUsername,
  dbUsernameKey,
  urlKeyName,
} from './naming.js';
import type { KeyReport, Warning } from './report.js';
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
