import * as z from 'zod/mini';
import {
  apiKeyName,
  bucketKeyName,
  closestNames,
  dbPasswordEnvName,
  dbPasswordKey,
  dbUserEnvName,
  dbUsernameKey,
  urlKeyName,
} from './naming.js';

export const SERVICE_TYPES = [
  'nestjs',
  'express',
  'fastify',
  'custom',
  'nextjs',
  'spa',
  'worker',
] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];
export const DATABASE_TYPES = ['postgresql', 'mysql', 'mongodb'] as const;
export type DatabaseType = (typeof DATABASE_TYPES)[number];
export const CLOUD_PROVIDERS = ['gcp', 'aws', 'azure', 'local'] as const;
export type CloudProvider = (typeof CLOUD_PROVIDERS)[number];

export interface ServiceConfig {
  name: string;
  type: ServiceType;
  /** Always undefined for workers. */
  port: number | undefined;
  hasDatabase: boolean;
  databaseType: DatabaseType;
  /** Explicit `databasePort`; undefined unless `hasDatabase`. See {@link assignDatabasePorts}. */
  databasePort: number | undefined;
  /** Only ever set on workers. */
  baseService: string | undefined;
}

export interface ProjectConfig {
  /** `project.name` as written (it may fail the cloud rules: see the warnings), or "project" when it is missing. */
  projectName: string;
  /** `framework.template` is "fullstack-auth" or "auth". */
  authTemplate: boolean;
  provider: CloudProvider | null;
  services: ServiceConfig[];
  buckets: string[];
}

/** One problem in the config: a JSON path (`services[2].port`, "" for the whole file) and a message saying the problem and the fix. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/**
 * On success, `warnings` may hold problems that only cloud commands must refuse: a
 * `project.name` warning means the name cannot be used in cloud secret names.
 */
export type ConfigResult =
  | { ok: true; config: ProjectConfig; warnings: ConfigIssue[] }
  | { ok: false; issues: ConfigIssue[] };

const BACKEND_TYPES: readonly ServiceType[] = ['nestjs', 'express', 'fastify', 'custom'];
export const isBackend = (s: ServiceConfig): boolean => BACKEND_TYPES.includes(s.type);
export const isFrontend = (s: ServiceConfig): boolean => s.type === 'nextjs' || s.type === 'spa';
export const isWorker = (s: ServiceConfig): boolean => s.type === 'worker';

export const DATABASE_BASE_PORTS: Readonly<Record<DatabaseType, number>> = {
  postgresql: 5432,
  mysql: 3306,
  mongodb: 27017,
};

/** Every fixed framework key of SPEC §3, conditional ones included. */
export const FIXED_FRAMEWORK_KEYS: readonly string[] = [
  'NODE_ENV', 'SECRETS_PROVIDER', 'LOG_LEVEL', 'KONG_TRUST_TOKEN',
  'REDIS_HOST', 'REDIS_PORT', 'REDIS_PASSWORD', 'REDIS_TLS', 'KONG_SSL_VERIFY', 'KONG_INTERNAL_URL',
  'JWT_PRIVATE_KEY_CURRENT', 'JWT_PUBLIC_KEY_CURRENT', 'JWT_KEY_ID_CURRENT',
  'JWT_PRIVATE_KEY_PREVIOUS', 'JWT_PUBLIC_KEY_PREVIOUS', 'JWT_KEY_ID_PREVIOUS',
  'REFRESH_TOKEN_SECRET', 'BCRYPT_ROUNDS',
  'STORAGE_ENDPOINT', 'STORAGE_ACCESS_KEY', 'STORAGE_SECRET_KEY', 'STORAGE_FORCE_PATH_STYLE',
]; // prettier-ignore

/** The keys of a new user file's `secrets` (SPEC §5). */
export const DEFAULT_USER_KEYS: readonly string[] = [
  'DOMAIN', 'APP_URL', 'API_URL', 'KONG_SERVICE_HOST',
  'ACCESS_TOKEN_TTL', 'REFRESH_TOKEN_TTL', 'CONFIRMATION_TOKEN_TTL',
  'RESEND_API_KEY', 'EMAIL_FROM', 'EMAIL_PROVIDER', 'KONG_CORS_ORIGINS',
]; // prettier-ignore

/** Keys every service section has of its own (SPEC §4); a top-level key of the same name would shadow them. */
export const SECTION_KEYS: readonly string[] = ['PORT', 'API_KEY', 'DATABASE_URL'];

/**
 * The database port of each `hasDatabase` service, by name (SPEC §4): its explicit
 * `databasePort`, else — in config order — the lowest port at or above its type's base port
 * (5432 / 3306 / 27017) that no explicit `databasePort` holds and no earlier service got.
 */
export function assignDatabasePorts(services: readonly ServiceConfig[]): Map<string, number> {
  const ports = new Map<string, number>();
  databasePortsInOrder(services).forEach((port, i) => {
    const service = services[i];
    if (port !== undefined && service) ports.set(service.name, port);
  });
  return ports;
}

type DatabaseFields = Pick<ServiceConfig, 'hasDatabase' | 'databaseType' | 'databasePort'>;

function databasePortsInOrder(services: readonly DatabaseFields[]): (number | undefined)[] {
  const explicit = new Set(
    services.flatMap((s) =>
      s.hasDatabase && s.databasePort !== undefined ? [s.databasePort] : [],
    ),
  );
  const taken = new Set<number>();
  return services.map((s) => {
    if (!s.hasDatabase) return undefined;
    let port = s.databasePort ?? DATABASE_BASE_PORTS[s.databaseType];
    if (s.databasePort === undefined) while (explicit.has(port) || taken.has(port)) port++;
    taken.add(port);
    return port;
  });
}

/** `path: message`, or just the message for the file as a whole. */
export function formatConfigIssue(issue: ConfigIssue): string {
  return issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
}

// ---- structure, with zod/mini: types, ranges, enums ------------------------------------------

const SERVICE_NAME_PATTERN = /^[a-z][a-z0-9-]{1,39}$/;
const BUCKET_NAME_PATTERN = /^[a-z][a-z0-9-]{1,62}$/;
const PROJECT_NAME_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const PROJECT_NAME_MAX = 63;
const FALLBACK_PROJECT_NAME = 'project';

/** How a received value is quoted in a message: short, and never a whole object. */
function shown(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'an object';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function got(value: unknown, hint = ''): string {
  return ` (got ${shown(value)}${hint})`;
}

/** `; try "auth-service"` when lowercasing and hyphenating makes an invalid name valid. */
function tryName(value: unknown, pattern: RegExp, maxLength: number): string {
  if (typeof value !== 'string') return '';
  const repaired = value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, maxLength)
    .replace(/-+$/, '');
  return repaired !== value && pattern.test(repaired) ? `; try "${repaired}"` : '';
}

function oneOf(values: readonly string[], input: unknown, orNull = false): string {
  const [close] = typeof input === 'string' ? closestNames(input, values, 1) : [];
  const hint = close === undefined ? '' : `; did you mean "${close}"?`;
  return `must be one of ${values.join(', ')}${orNull ? ', or null' : ''}${got(input, hint)}`;
}

/** A zod error option: `missing` when the field is absent (if given), else `invalid(value)`. */
function says(invalid: (value: unknown) => string, missing?: string) {
  return {
    error: (issue: { input?: unknown }) =>
      issue.input === undefined && missing !== undefined ? missing : invalid(issue.input),
  };
}

const portMessage = says((v) => `must be an integer from 1 to 65535${got(v)}`);
const portSchema = z.int(portMessage).check(z.gte(1, portMessage), z.lte(65535, portMessage));
const nameMessage = (limits: string, pattern: RegExp, max: number) =>
  says(
    (v) =>
      `must be ${limits} characters: lowercase letters, digits and "-", starting with a letter` +
      got(v, tryName(v, pattern, max)),
  );
const anObject = (example: string) => says((v) => `must be an object like ${example}${got(v)}`);

const serviceFields = {
  name: z
    .string(
      says(
        (v) => `must be a string like "auth-service"${got(v)}`,
        'required: a name like "auth-service"',
      ),
    )
    .check(z.regex(SERVICE_NAME_PATTERN, nameMessage('2-40', SERVICE_NAME_PATTERN, 40))),
  type: z.enum(
    SERVICE_TYPES,
    says((v) => oneOf(SERVICE_TYPES, v), `required: one of ${SERVICE_TYPES.join(', ')}`),
  ),
  port: z.nullish(portSchema),
  hasDatabase: z.nullish(z.boolean(says((v) => `must be true or false${got(v)}`))),
  databaseType: z.nullish(
    z.enum(
      DATABASE_TYPES,
      says((v) => oneOf(DATABASE_TYPES, v)),
    ),
  ),
  databasePort: z.nullish(portSchema),
  baseService: z.nullish(z.string(says((v) => `must be the name of a backend service${got(v)}`))),
};

const bucketSchema = z
  .string(says((v) => `must be a string like "uploads"${got(v)}`))
  .check(z.regex(BUCKET_NAME_PATTERN, nameMessage('2-63', BUCKET_NAME_PATTERN, 63)));
const providerSchema = z.enum(
  CLOUD_PROVIDERS,
  says((v) => oneOf(CLOUD_PROVIDERS, v, true)),
);
const templateSchema = z.string(
  says((v) => `must be a string like "fullstack-auth", or null${got(v)}`),
);

/** Only what secrets need is checked; every other field is accepted as it is (SPEC §2). */
const configSchema = z.looseObject(
  {
    framework: z.nullish(
      z.looseObject({ template: z.nullish(templateSchema) }, anObject('{ "template": "auth" }')),
    ),
    cloud: z.nullish(
      z.looseObject({ provider: z.nullish(providerSchema) }, anObject('{ "provider": "gcp" }')),
    ),
    services: z.array(
      z.looseObject(serviceFields, anObject('{ "name": "auth-service", "type": "nestjs" }')),
      says(
        (v) => `must be a list of services${got(v)}`,
        'required: a list of services ([] for none)',
      ),
    ),
    storage: z.nullish(
      z.looseObject(
        {
          buckets: z.nullish(
            z.array(
              bucketSchema,
              says((v) => `must be a list like ["uploads"]${got(v)}`),
            ),
          ),
        },
        anObject('{ "buckets": ["uploads"] }'),
      ),
    ),
  },
  says((v) => `the config must be a JSON object like { "services": [] }${got(v)}`),
);

function valid<T>(schema: z.ZodMiniType<T>, value: unknown): T | undefined {
  const result = schema.safeParse(value);
  return result.success ? result.data : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---- cross-field checks, in plain code ---------------------------------------------------

type Segment = string | number;
interface Found {
  at: Segment[];
  message: string;
}

/** One `services[i]` entry, each field kept only if it is valid on its own (so one mistake reports once). */
interface Entry {
  index: number;
  label: string;
  raw: Record<string, unknown>;
  name: string | undefined;
  /** The name is valid, unique and not reserved, so its derived keys are checked. */
  named: boolean;
  type: ServiceType | undefined;
  port: number | undefined;
  hasDatabase: boolean;
  databaseType: DatabaseType;
  databasePort: number | undefined;
  baseService: string | undefined;
}

function readEntries(services: unknown): Entry[] {
  if (!Array.isArray(services)) return [];
  return services.flatMap((raw: unknown, index) => {
    if (!isRecord(raw)) return [];
    const name = valid(serviceFields.name, raw.name);
    return [
      {
        index,
        label: name === undefined ? `services[${index}]` : `services[${index}] ("${name}")`,
        raw,
        name,
        named: false,
        type: valid(serviceFields.type, raw.type),
        port: valid(serviceFields.port, raw.port) ?? undefined,
        hasDatabase: valid(serviceFields.hasDatabase, raw.hasDatabase) ?? false,
        databaseType: valid(serviceFields.databaseType, raw.databaseType) ?? 'postgresql',
        databasePort: valid(serviceFields.databasePort, raw.databasePort) ?? undefined,
        baseService: valid(serviceFields.baseService, raw.baseService) ?? undefined,
      },
    ];
  });
}

function checkNames(entries: Entry[], issues: Found[]): Map<string, Entry> {
  const byName = new Map<string, Entry>();
  for (const entry of entries) {
    const { name } = entry;
    if (name === undefined) continue;
    const first = byName.get(name);
    const at = ['services', entry.index, 'name'];
    if (name === 'shared') {
      issues.push({
        at,
        message: '"shared" is reserved for the shared cloud scope; rename the service',
      });
    } else if (first !== undefined) {
      issues.push({
        at,
        message: `"${name}" is already the name of services[${first.index}]; names must be unique`,
      });
    } else {
      byName.set(name, entry);
      entry.named = true;
    }
  }
  return byName;
}

/**
 * Service ports and database ports share one namespace: both are published on localhost, so
 * an explicit `databasePort` equal to any service's port is an error, and so is a service port
 * that a database gets automatically (SPEC §4 does not skip service ports when assigning).
 */
function checkPorts(entries: Entry[], issues: Found[], warnings: Found[]): void {
  const portOwners = new Map<number, Entry>();
  for (const entry of entries) {
    const at = (field: string) => ['services', entry.index, field];
    if (entry.type === 'worker' && entry.port !== undefined) {
      warnings.push({ at: at('port'), message: 'ignored: a worker has no port; remove it' });
      entry.port = undefined;
    }
    if (entry.type !== undefined && entry.type !== 'worker' && entry.raw.port == null) {
      issues.push({
        at: at('port'),
        message: `required for type "${entry.type}": add a free port from 1 to 65535`,
      });
    }
    if (!entry.hasDatabase && entry.databasePort !== undefined) {
      warnings.push({
        at: at('databasePort'),
        message: 'ignored: the service has no database; remove it or set "hasDatabase": true',
      });
      entry.databasePort = undefined;
    }
    if (entry.port === undefined) continue;
    const first = portOwners.get(entry.port);
    if (first === undefined) portOwners.set(entry.port, entry);
    else
      issues.push({
        at: at('port'),
        message: `${entry.port} is already the port of ${first.label}; ports must be unique`,
      });
  }
  const databaseOwners = new Map<number, Entry>();
  for (const entry of entries) {
    const port = entry.databasePort;
    if (port === undefined) continue;
    const at = ['services', entry.index, 'databasePort'];
    const first = databaseOwners.get(port);
    const service = portOwners.get(port);
    if (first === undefined) databaseOwners.set(port, entry);
    else
      issues.push({
        at,
        message: `${port} is already the databasePort of ${first.label}; each database needs its own port`,
      });
    if (service !== undefined) {
      issues.push({
        at,
        message: `${port} is also the port of ${service === entry ? 'this service' : service.label}; a database needs a port of its own`,
      });
    }
  }
  databasePortsInOrder(entries).forEach((port, i) => {
    const entry = entries[i];
    const service = port === undefined ? undefined : portOwners.get(port);
    if (entry === undefined || entry.databasePort !== undefined || service === undefined) return;
    const self = service === entry;
    issues.push({
      at: ['services', service.index, 'port'],
      message: `${port} is also the database port ${self ? 'this service' : entry.label} gets automatically (the first free one from ${DATABASE_BASE_PORTS[entry.databaseType]}); pick another port, or set ${self ? 'its' : "that service's"} databasePort`,
    });
  });
}

function checkBaseServices(
  entries: Entry[],
  byName: Map<string, Entry>,
  issues: Found[],
  warnings: Found[],
): void {
  const backends = [...byName.values()].filter(
    (e) => e.type !== undefined && BACKEND_TYPES.includes(e.type),
  );
  const rule = "a worker's baseService must be a backend (nestjs, express, fastify or custom)";
  for (const entry of entries) {
    const wanted = entry.baseService;
    if (wanted === undefined) continue;
    const at = ['services', entry.index, 'baseService'];
    if (entry.type !== 'worker') {
      if (entry.type !== undefined)
        warnings.push({ at, message: 'ignored: only a worker has a baseService; remove it' });
      entry.baseService = undefined;
      continue;
    }
    const base = byName.get(wanted);
    if (base === undefined) {
      const [close] = closestNames(
        wanted,
        backends.map((e) => e.name ?? ''),
        1,
      );
      const hint = close === undefined ? `; ${rule}` : ` (did you mean "${close}"?)`;
      issues.push({ at, message: `no service is named "${wanted}"${hint}` });
    } else if (base.type !== undefined && !BACKEND_TYPES.includes(base.type)) {
      issues.push({ at, message: `"${wanted}" is a ${base.type} service; ${rule}` });
    }
  }
}

interface Bucket {
  index: number;
  name: string;
}

function readBuckets(storage: unknown, issues: Found[]): Bucket[] {
  const list =
    isRecord(storage) && Array.isArray(storage.buckets) ? (storage.buckets as unknown[]) : [];
  const buckets: Bucket[] = [];
  list.forEach((raw, index) => {
    const name = valid(bucketSchema, raw);
    if (name === undefined) return;
    const first = buckets.find((b) => b.name === name);
    if (first === undefined) buckets.push({ index, name });
    else
      issues.push({
        at: ['storage', 'buckets', index],
        message: `"${name}" is listed twice (also storage.buckets[${first.index}]); remove one`,
      });
  });
  return buckets;
}

const RESERVED_KEYS = new Map<string, string>([
  ...FIXED_FRAMEWORK_KEYS.map((key) => [key, 'a framework secret'] as const),
  ...DEFAULT_USER_KEYS.map((key) => [key, 'a default user secret'] as const),
  ...SECTION_KEYS.map((key) => [key, "a key of each service's own section"] as const),
]);

interface KeySource {
  at: Segment[];
  name: string;
  label: string;
  noun: 'service' | 'bucket';
  keys: string[];
}

function listed(keys: string[]): string {
  return keys.length === 1 ? (keys[0] ?? '') : `${keys.slice(0, -1).join(', ')} and ${keys.at(-1)}`;
}

/** Every top-level key a service or bucket derives (SPEC §3) and the root `.env` names (§7): one namespace. */
function checkDerivedKeys(entries: Entry[], buckets: Bucket[], issues: Found[]): void {
  const sources: KeySource[] = [];
  for (const { index, name, named, type, hasDatabase, label } of entries) {
    if (name === undefined || !named || type === undefined) continue;
    const backend = BACKEND_TYPES.includes(type);
    const keys = [
      ...(backend || type === 'worker' ? [apiKeyName(name)] : []),
      ...(backend ? [urlKeyName(name)] : []),
      ...(hasDatabase
        ? [dbUsernameKey(name), dbPasswordKey(name), dbUserEnvName(name), dbPasswordEnvName(name)]
        : []),
    ];
    sources.push({ at: ['services', index, 'name'], name, label, noun: 'service', keys });
  }
  for (const { index, name } of buckets) {
    const label = `storage.buckets[${index}] ("${name}")`;
    sources.push({
      at: ['storage', 'buckets', index],
      name,
      label,
      noun: 'bucket',
      keys: [bucketKeyName(name)],
    });
  }
  const owners = new Map<string, KeySource>();
  for (const source of sources) {
    const shared = new Map<KeySource, string[]>();
    for (const key of source.keys) {
      const reserved = RESERVED_KEYS.get(key);
      const owner = owners.get(key);
      if (reserved !== undefined) {
        issues.push({
          at: source.at,
          message: `"${source.name}" derives ${key}, which is ${reserved}; rename the ${source.noun}`,
        });
      } else if (owner === undefined) owners.set(key, source);
      else shared.set(owner, [...(shared.get(owner) ?? []), key]);
    }
    for (const [owner, keys] of shared) {
      issues.push({
        at: source.at,
        message: `"${source.name}" derives ${listed(keys)}, which ${owner.label} derives too; rename one of them`,
      });
    }
  }
}

function readProjectName(project: unknown, warnings: Found[]): string {
  const at = ['project', 'name'];
  const fallback = `; cloud commands need it, and local values use "${FALLBACK_PROJECT_NAME}" until then`;
  if (project != null && !isRecord(project)) {
    warnings.push({
      at: ['project'],
      message: `must be an object like { "name": "acme-shop" }${got(project)}${fallback}`,
    });
    return FALLBACK_PROJECT_NAME;
  }
  const name = project?.name;
  if (name == null || name === '') {
    warnings.push({
      at,
      message: `missing: set it to the project's name in kebab-case, e.g. "acme-shop"${fallback}`,
    });
    return FALLBACK_PROJECT_NAME;
  }
  if (typeof name !== 'string') {
    warnings.push({ at, message: `must be a string like "acme-shop"${got(name)}${fallback}` });
    return FALLBACK_PROJECT_NAME;
  }
  if (/^\{\{.*\}\}$/.test(name)) {
    warnings.push({
      at,
      message: `still the template placeholder ${JSON.stringify(name)}: replace it with the project's name in kebab-case, e.g. "acme-shop", before running cloud commands`,
    });
  } else if (!PROJECT_NAME_PATTERN.test(name) || name.length > PROJECT_NAME_MAX) {
    const hint = tryName(name, PROJECT_NAME_PATTERN, PROJECT_NAME_MAX);
    warnings.push({
      at,
      message: `must be kebab-case (lowercase letters and digits, words joined by "-", starting with a letter) of at most ${PROJECT_NAME_MAX} characters for cloud commands, which put it in every secret name${got(name, hint)}`,
    });
  }
  return name;
}

// ---- result -------------------------------------------------------------------------------

const FIELD_ORDER = ['project', 'framework', 'cloud', 'services', 'storage', 'name', 'type', 'port', 'hasDatabase', 'databaseType', 'databasePort', 'baseService']; // prettier-ignore

function compareAt(a: Segment[], b: Segment[]): number {
  const rank = (s: Segment) => (typeof s === 'number' ? s : FIELD_ORDER.indexOf(s) + 1 || 99);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}

function formatPath(at: Segment[]): string {
  return at
    .map((s, i) => {
      if (typeof s === 'number') return `[${s}]`;
      if (!/^[A-Za-z_$][\w$]*$/.test(s)) return `[${JSON.stringify(s)}]`;
      return i === 0 ? s : `.${s}`;
    })
    .join('');
}

/** Issues in document order (by path; stable within a path), as `ConfigIssue`s. */
function toIssues(found: Found[]): ConfigIssue[] {
  return [...found]
    .sort((a, b) => compareAt(a.at, b.at))
    .map((f) => ({ path: formatPath(f.at), message: f.message }));
}

/**
 * Validates `.tsdevstack/config.json` (already JSON-parsed) and reports every problem at once.
 * Unknown fields are accepted everywhere. `null` counts as absent for optional fields.
 */
export function parseProjectConfig(raw: unknown): ConfigResult {
  const issues: Found[] = [];
  const warnings: Found[] = [];
  const structure = configSchema.safeParse(raw);
  if (!structure.success) {
    for (const issue of structure.error.issues) {
      issues.push({
        at: issue.path.map((s) => (typeof s === 'number' ? s : String(s))),
        message: issue.message,
      });
    }
  }
  const root = isRecord(raw) ? raw : {};
  const projectName = readProjectName(root.project, warnings);
  const entries = readEntries(root.services);
  const byName = checkNames(entries, issues);
  checkPorts(entries, issues, warnings);
  checkBaseServices(entries, byName, issues, warnings);
  const buckets = readBuckets(root.storage, issues);
  checkDerivedKeys(entries, buckets, issues);
  if (issues.length > 0) return { ok: false, issues: toIssues(issues) };

  const template = isRecord(root.framework) ? root.framework.template : undefined;
  const provider = isRecord(root.cloud) ? valid(providerSchema, root.cloud.provider) : undefined;
  const services = entries.flatMap(
    ({ name, type, port, hasDatabase, databaseType, databasePort, baseService }) =>
      name === undefined || type === undefined
        ? []
        : [{ name, type, port, hasDatabase, databaseType, databasePort, baseService }],
  );
  return {
    ok: true,
    config: {
      projectName,
      authTemplate: template === 'fullstack-auth' || template === 'auth',
      provider: provider ?? null,
      services,
      buckets: buckets.map((b) => b.name),
    },
    warnings: toIssues(warnings),
  };
}
