import { isBackend, isWorker, type ProjectConfig, type ServiceConfig } from './config.js';
import { apiKeyName, bucketKeyName, dbPasswordKey, dbUsernameKey, urlKeyName } from './naming.js';

export const JWT_CURRENT_KEYS = [
  'JWT_PRIVATE_KEY_CURRENT',
  'JWT_PUBLIC_KEY_CURRENT',
  'JWT_KEY_ID_CURRENT',
] as const;
export const JWT_PREVIOUS_KEYS = [
  'JWT_PRIVATE_KEY_PREVIOUS',
  'JWT_PUBLIC_KEY_PREVIOUS',
  'JWT_KEY_ID_PREVIOUS',
] as const;
export const STORAGE_FIXED_KEYS = [
  'STORAGE_ENDPOINT',
  'STORAGE_ACCESS_KEY',
  'STORAGE_SECRET_KEY',
  'STORAGE_FORCE_PATH_STYLE',
] as const;
export const AUTH_SERVICE_NAME = 'auth-service';

/** Services that get an `<SVC>_API_KEY`: backends and workers. */
export function servicesWithApiKey(config: ProjectConfig): ServiceConfig[] {
  return config.services.filter((s) => isBackend(s) || isWorker(s));
}

export function storageKeys(config: ProjectConfig): string[] {
  if (config.buckets.length === 0) return [];
  return [...STORAGE_FIXED_KEYS, ...config.buckets.map(bucketKeyName)];
}

function ownDatabaseKeys(service: ServiceConfig): string[] {
  return service.hasDatabase ? [dbUsernameKey(service.name), dbPasswordKey(service.name)] : [];
}

const commonRefsCache = new WeakMap<ProjectConfig, readonly string[]>();

/**
 * The list every backend receives (SPEC §4), without service-specific extras. It names every
 * backend, so it is built once per config: rebuilding it per service is quadratic work.
 */
function commonBackendRefs(config: ProjectConfig): readonly string[] {
  let refs = commonRefsCache.get(config);
  if (refs === undefined) {
    refs = buildCommonBackendRefs(config);
    commonRefsCache.set(config, refs);
  }
  return refs;
}

function buildCommonBackendRefs(config: ProjectConfig): string[] {
  return [
    'NODE_ENV',
    'LOG_LEVEL',
    'REDIS_HOST',
    'REDIS_PORT',
    'REDIS_PASSWORD',
    'REDIS_TLS',
    'KONG_TRUST_TOKEN',
    ...servicesWithApiKey(config).map((s) => apiKeyName(s.name)),
    ...config.services.filter(isBackend).map((s) => urlKeyName(s.name)),
  ];
}

function authRefs(
  config: ProjectConfig,
  service: ServiceConfig,
  hasPreviousJwt: boolean,
): string[] {
  if (!config.authTemplate || service.name !== AUTH_SERVICE_NAME) return [];
  return [
    ...JWT_CURRENT_KEYS,
    ...(hasPreviousJwt ? JWT_PREVIOUS_KEYS : []),
    'REFRESH_TOKEN_SECRET',
    'BCRYPT_ROUNDS',
  ];
}

function backendRefs(
  config: ProjectConfig,
  service: ServiceConfig,
  hasPreviousJwt: boolean,
): string[] {
  return [
    ...commonBackendRefs(config),
    ...authRefs(config, service, hasPreviousJwt),
    ...ownDatabaseKeys(service),
    ...storageKeys(config),
  ];
}

/** The framework reference list of one service (SPEC §4), in a stable order without duplicates. */
export function frameworkRefs(
  config: ProjectConfig,
  service: ServiceConfig,
  hasPreviousJwt: boolean,
): string[] {
  let refs: string[];
  if (isBackend(service)) {
    refs = backendRefs(config, service, hasPreviousJwt);
  } else if (isWorker(service)) {
    const base = baseServiceOf(config, service);
    refs = base
      ? [...backendRefs(config, base, hasPreviousJwt), ...ownDatabaseKeys(service)]
      : [...commonBackendRefs(config), ...ownDatabaseKeys(service), ...storageKeys(config)];
  } else if (service.type === 'nextjs') {
    refs = ['KONG_INTERNAL_URL', ...ownDatabaseKeys(service)];
  } else {
    refs = ownDatabaseKeys(service);
  }
  return [...new Set(refs)];
}

export function baseServiceOf(
  config: ProjectConfig,
  service: ServiceConfig,
): ServiceConfig | undefined {
  if (service.baseService === undefined) return undefined;
  return config.services.find((s) => s.name === service.baseService);
}

/** The service whose database a service's DATABASE_URL points at: its own, else a worker's base. */
export function databaseOwner(
  config: ProjectConfig,
  service: ServiceConfig,
): ServiceConfig | undefined {
  if (service.hasDatabase) return service;
  if (!isWorker(service)) return undefined;
  const base = baseServiceOf(config, service);
  return base?.hasDatabase ? base : undefined;
}
