import {
  BACKEND_TYPES,
  configSchema,
  isRecord,
  providerSchema,
  valid,
  type CloudProvider,
  type DatabaseType,
  type ServiceType,
} from './config-schema.js';
import {
  checkBaseServices,
  checkNames,
  readBuckets,
  readEntries,
  readProjectName,
  type Found,
  type Segment,
} from './config-checks.js';
import { checkPorts } from './config-ports.js';
import { checkDerivedKeys } from './config-derived-keys.js';

export {
  CLOUD_PROVIDERS,
  DATABASE_TYPES,
  SERVICE_TYPES,
  type CloudProvider,
  type DatabaseType,
  type ServiceType,
} from './config-schema.js';
export { DATABASE_BASE_PORTS, assignDatabasePorts } from './config-ports.js';
export { DEFAULT_USER_KEYS, FIXED_FRAMEWORK_KEYS, SECTION_KEYS } from './config-derived-keys.js';

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

export const isBackend = (s: ServiceConfig): boolean => BACKEND_TYPES.includes(s.type);
export const isFrontend = (s: ServiceConfig): boolean => s.type === 'nextjs' || s.type === 'spa';
export const isWorker = (s: ServiceConfig): boolean => s.type === 'worker';

/** `path: message`, or just the message for the file as a whole. */
export function formatConfigIssue(issue: ConfigIssue): string {
  return issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
}

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
