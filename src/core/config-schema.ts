import * as z from 'zod/mini';
import { closestNames } from './naming.js';

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
export const BACKEND_TYPES: readonly ServiceType[] = ['nestjs', 'express', 'fastify', 'custom'];

// Structure only (types, ranges, enums): rules that span fields are in config-checks.ts.

const SERVICE_NAME_PATTERN = /^[a-z][a-z0-9-]{1,39}$/;
const BUCKET_NAME_PATTERN = /^[a-z][a-z0-9-]{1,62}$/;

/** How a received value is quoted in a message: short, and never a whole object. */
function shown(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'an object';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function got(value: unknown, hint = ''): string {
  return ` (got ${shown(value)}${hint})`;
}

/** `; try "auth-service"` when lowercasing and hyphenating makes an invalid name valid. */
export function tryName(value: unknown, pattern: RegExp, maxLength: number): string {
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

export const serviceFields = {
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

export const bucketSchema = z
  .string(says((v) => `must be a string like "uploads"${got(v)}`))
  .check(z.regex(BUCKET_NAME_PATTERN, nameMessage('2-63', BUCKET_NAME_PATTERN, 63)));
export const providerSchema = z.enum(
  CLOUD_PROVIDERS,
  says((v) => oneOf(CLOUD_PROVIDERS, v, true)),
);
const templateSchema = z.string(
  says((v) => `must be a string like "fullstack-auth", or null${got(v)}`),
);

/** Only what secrets need is checked; every other field is accepted as it is (SPEC §2). */
export const configSchema = z.looseObject(
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

export function valid<T>(schema: z.ZodMiniType<T>, value: unknown): T | undefined {
  const result = schema.safeParse(value);
  return result.success ? result.data : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
