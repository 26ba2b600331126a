import { closestNames } from './naming.js';
import {
  BACKEND_TYPES,
  bucketSchema,
  got,
  isRecord,
  serviceFields,
  tryName,
  valid,
  type DatabaseType,
  type ServiceType,
} from './config-schema.js';

// Rules that span fields, in plain code; config-ports.ts and config-derived-keys.ts hold the rest.

export type Segment = string | number;
/** A problem at a path of segments; parseProjectConfig sorts them and formats the paths. */
export interface Found {
  at: Segment[];
  message: string;
}

/** One `services[i]` entry, each field kept only if it is valid on its own (so one mistake reports once). */
export interface Entry {
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

export function readEntries(services: unknown): Entry[] {
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

export function checkNames(entries: Entry[], issues: Found[]): Map<string, Entry> {
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

export function checkBaseServices(
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

export interface Bucket {
  index: number;
  name: string;
}

export function readBuckets(storage: unknown, issues: Found[]): Bucket[] {
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

const PROJECT_NAME_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const PROJECT_NAME_MAX = 63;
const FALLBACK_PROJECT_NAME = 'project';

export function readProjectName(project: unknown, warnings: Found[]): string {
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
