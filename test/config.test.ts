import { describe, expect, it } from 'vitest';
import {
  assignDatabasePorts,
  DEFAULT_USER_KEYS,
  FIXED_FRAMEWORK_KEYS,
  formatConfigIssue,
  isBackend,
  isFrontend,
  isWorker,
  parseProjectConfig,
  type ConfigIssue,
  type DatabaseType,
  type ProjectConfig,
  type ServiceConfig,
  type ServiceType,
} from '../src/core/config.js';

const SERVICE_TYPES_TEXT = 'nestjs, express, fastify, custom, nextjs, spa, worker';
const NAME_RULE =
  'must be 2-40 characters: lowercase letters, digits and "-", starting with a letter';
const BUCKET_RULE =
  'must be 2-63 characters: lowercase letters, digits and "-", starting with a letter';
const PORT_RULE = 'must be an integer from 1 to 65535';
const BACKEND_RULE =
  "a worker's baseService must be a backend (nestjs, express, fastify or custom)";
const PROJECT_FALLBACK = '; cloud commands need it, and local values use "project" until then';

function service(
  name: string,
  type: ServiceType,
  fields: Partial<Omit<ServiceConfig, 'name' | 'type'>> = {},
): ServiceConfig {
  return {
    name,
    type,
    port: undefined,
    hasDatabase: false,
    databaseType: 'postgresql',
    databasePort: undefined,
    baseService: undefined,
    ...fields,
  };
}

/** A config with a valid project name, so only the problems under test show up. */
function config(services: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { project: { name: 'acme-shop' }, services, ...extra };
}

function issuesOf(raw: unknown): ConfigIssue[] {
  const result = parseProjectConfig(raw);
  if (result.ok) throw new Error(`expected issues, got a valid config: ${JSON.stringify(result)}`);
  return result.issues;
}

function valid(raw: unknown): { config: ProjectConfig; warnings: ConfigIssue[] } {
  const result = parseProjectConfig(raw);
  if (!result.ok) throw new Error(`expected a valid config, got: ${JSON.stringify(result.issues)}`);
  return { config: result.config, warnings: result.warnings };
}

describe('parseProjectConfig: valid configs', () => {
  it('reads the SPEC §2 example with the real template’s extra fields', () => {
    const raw = {
      $schema: './config.schema.json',
      project: { name: 'acme-shop', version: '0.1.0' },
      framework: {
        template: 'fullstack-auth',
        version: '1.4.2',
        type: 'monorepo',
        packageScope: '@acme',
      },
      cloud: { provider: 'gcp', region: 'europe-west1' },
      services: [
        {
          name: 'auth-service',
          type: 'nestjs',
          port: 3001,
          hasDatabase: true,
          globalPrefix: 'auth',
        },
        { name: 'frontend', type: 'nextjs', port: 3000 },
        {
          name: 'offers-service',
          type: 'nestjs',
          port: 3003,
          hasDatabase: true,
          databasePort: 5440,
        },
        { name: 'react-app', type: 'spa', port: 3004 },
        { name: 'email-worker', type: 'worker', baseService: 'auth-service' },
      ],
      storage: { buckets: ['uploads'], provider: 'minio' },
      infrastructure: { gateway: { type: 'kong', mode: 'db-less' }, databases: {} },
      environments: { dev: { domain: 'localhost' }, prod: { domain: 'acme.example' } },
      messaging: { topics: [{ name: 'orders' }] },
    };
    expect(parseProjectConfig(raw)).toEqual({
      ok: true,
      config: {
        projectName: 'acme-shop',
        authTemplate: true,
        provider: 'gcp',
        services: [
          {
            name: 'auth-service',
            type: 'nestjs',
            port: 3001,
            hasDatabase: true,
            databaseType: 'postgresql',
            databasePort: undefined,
            baseService: undefined,
          },
          {
            name: 'frontend',
            type: 'nextjs',
            port: 3000,
            hasDatabase: false,
            databaseType: 'postgresql',
            databasePort: undefined,
            baseService: undefined,
          },
          {
            name: 'offers-service',
            type: 'nestjs',
            port: 3003,
            hasDatabase: true,
            databaseType: 'postgresql',
            databasePort: 5440,
            baseService: undefined,
          },
          {
            name: 'react-app',
            type: 'spa',
            port: 3004,
            hasDatabase: false,
            databaseType: 'postgresql',
            databasePort: undefined,
            baseService: undefined,
          },
          {
            name: 'email-worker',
            type: 'worker',
            port: undefined,
            hasDatabase: false,
            databaseType: 'postgresql',
            databasePort: undefined,
            baseService: 'auth-service',
          },
        ],
        buckets: ['uploads'],
      },
      warnings: [],
    });
  });

  it('reads the tsdevstack template as shipped, warning about its unfilled project name', () => {
    const template = {
      $schema: './config.schema.json',
      project: { name: '{{PROJECT_NAME}}', version: '0.1.0' },
      framework: { template: null },
      cloud: { provider: null },
      services: [],
    };
    expect(parseProjectConfig(template)).toEqual({
      ok: true,
      config: {
        projectName: '{{PROJECT_NAME}}',
        authTemplate: false,
        provider: null,
        services: [],
        buckets: [],
      },
      warnings: [
        {
          path: 'project.name',
          message:
            'still the template placeholder "{{PROJECT_NAME}}": replace it with the project\'s name in kebab-case, e.g. "acme-shop", before running cloud commands',
        },
      ],
    });
  });

  it('applies the defaults, and treats null like an absent field', () => {
    const { config: parsed } = valid(
      config([
        { name: 'a-b', type: 'nestjs', port: 3001 },
        {
          name: 'c-d',
          type: 'express',
          port: 3002,
          hasDatabase: null,
          databaseType: null,
          databasePort: null,
          baseService: null,
        },
        { name: 'e-f', type: 'fastify', port: 3003, hasDatabase: true, databaseType: 'mysql' },
      ]),
    );
    expect(parsed.services).toEqual([
      service('a-b', 'nestjs', { port: 3001 }),
      service('c-d', 'express', { port: 3002 }),
      service('e-f', 'fastify', { port: 3003, hasDatabase: true, databaseType: 'mysql' }),
    ]);
    expect(parsed.buckets).toEqual([]);
  });

  it.each<[string, unknown, boolean]>([
    ['fullstack-auth', { template: 'fullstack-auth' }, true],
    ['auth', { template: 'auth' }, true],
    ['another template', { template: 'minimal' }, false],
    ['"Auth" (case matters)', { template: 'Auth' }, false],
    ['null template', { template: null }, false],
    ['no template', {}, false],
    ['no framework', undefined, false],
    ['null framework', null, false],
  ])('framework.template %s → authTemplate %s', (_label, framework, expected) => {
    expect(valid(config([], { framework })).config.authTemplate).toBe(expected);
  });

  it.each<[unknown, ProjectConfig['provider']]>([
    [{ provider: 'gcp' }, 'gcp'],
    [{ provider: 'aws' }, 'aws'],
    [{ provider: 'azure' }, 'azure'],
    [{ provider: 'local' }, 'local'],
    [{ provider: null }, null],
    [{}, null],
    [undefined, null],
  ])('cloud %j → provider %j', (cloud, expected) => {
    expect(valid(config([], { cloud })).config.provider).toBe(expected);
  });

  // prettier-ignore
  it.each<[string, unknown, string, ConfigIssue[]]>([
    ['a kebab-case name', { name: 'acme-shop' }, 'acme-shop', []],
    ['a one-letter name', { name: 'a' }, 'a', []],
    ['a name with digits', { name: 'shop2-eu' }, 'shop2-eu', []],
    [
      'no project',
      undefined,
      'project',
      [{ path: 'project.name', message: `missing: set it to the project's name in kebab-case, e.g. "acme-shop"${PROJECT_FALLBACK}` }],
    ],
    [
      'no name',
      { version: '0.1.0' },
      'project',
      [{ path: 'project.name', message: `missing: set it to the project's name in kebab-case, e.g. "acme-shop"${PROJECT_FALLBACK}` }],
    ],
    [
      'an empty name',
      { name: '' },
      'project',
      [{ path: 'project.name', message: `missing: set it to the project's name in kebab-case, e.g. "acme-shop"${PROJECT_FALLBACK}` }],
    ],
    [
      'a number',
      { name: 42 },
      'project',
      [{ path: 'project.name', message: `must be a string like "acme-shop" (got 42)${PROJECT_FALLBACK}` }],
    ],
    [
      'a project that is not an object',
      'acme',
      'project',
      [{ path: 'project', message: `must be an object like { "name": "acme-shop" } (got "acme")${PROJECT_FALLBACK}` }],
    ],
    [
      'spaces and capitals',
      { name: 'Acme Shop' },
      'Acme Shop',
      [{ path: 'project.name', message: 'must be kebab-case (lowercase letters and digits, words joined by "-", starting with a letter) of at most 63 characters for cloud commands, which put it in every secret name (got "Acme Shop"; try "acme-shop")' }],
    ],
    [
      'a double hyphen',
      { name: 'acme--shop' },
      'acme--shop',
      [{ path: 'project.name', message: 'must be kebab-case (lowercase letters and digits, words joined by "-", starting with a letter) of at most 63 characters for cloud commands, which put it in every secret name (got "acme--shop"; try "acme-shop")' }],
    ],
    [
      'a leading digit (no suggestion)',
      { name: '1shop' },
      '1shop',
      [{ path: 'project.name', message: 'must be kebab-case (lowercase letters and digits, words joined by "-", starting with a letter) of at most 63 characters for cloud commands, which put it in every secret name (got "1shop")' }],
    ],
    [
      '64 characters',
      { name: 'a'.repeat(64) },
      'a'.repeat(64),
      [{ path: 'project.name', message: `must be kebab-case (lowercase letters and digits, words joined by "-", starting with a letter) of at most 63 characters for cloud commands, which put it in every secret name (got "${'a'.repeat(56)}...; try "${'a'.repeat(63)}")` }],
    ],
  ])('project: %s', (_label, project, projectName, warnings) => {
    const raw = project === undefined ? { services: [] } : { project, services: [] };
    expect(valid(raw)).toEqual({
      config: { projectName, authTemplate: false, provider: null, services: [], buckets: [] },
      warnings,
    });
  });

  it('ignores fields that do not apply, with a warning, and leaves them out of the result', () => {
    const result = valid(
      config([
        { name: 'auth-service', type: 'nestjs', port: 3001, baseService: 'auth-service' },
        { name: 'mailer', type: 'worker', port: 4000, baseService: 'auth-service' },
        { name: 'offers', type: 'express', port: 3002, databasePort: 5440 },
      ]),
    );
    expect(result).toEqual({
      config: {
        projectName: 'acme-shop',
        authTemplate: false,
        provider: null,
        services: [
          service('auth-service', 'nestjs', { port: 3001 }),
          service('mailer', 'worker', { baseService: 'auth-service' }),
          service('offers', 'express', { port: 3002 }),
        ],
        buckets: [],
      },
      warnings: [
        {
          path: 'services[0].baseService',
          message: 'ignored: only a worker has a baseService; remove it',
        },
        { path: 'services[1].port', message: 'ignored: a worker has no port; remove it' },
        {
          path: 'services[2].databasePort',
          message: 'ignored: the service has no database; remove it or set "hasDatabase": true',
        },
      ],
    });
  });

  it('frontends derive no API key or URL, so they may use names a backend may not', () => {
    const { config: parsed } = valid(
      config(
        [
          { name: 'api', type: 'spa', port: 3000 },
          { name: 'app', type: 'nextjs', port: 3001 },
          { name: 'storage-bucket-media', type: 'nextjs', port: 3002 },
        ],
        { storage: { buckets: ['media-url', 'user-uploads', 'a--b', 'a-b'] } },
      ),
    );
    expect(parsed.services.map((s) => s.name)).toEqual(['api', 'app', 'storage-bucket-media']);
    expect(parsed.buckets).toEqual(['media-url', 'user-uploads', 'a--b', 'a-b']);
  });

  it('accepts an explicit databasePort equal to another database type’s base port', () => {
    const { config: parsed } = valid(
      config([
        { name: 'pg', type: 'nestjs', port: 3001, hasDatabase: true, databasePort: 3306 },
        { name: 'my', type: 'nestjs', port: 3002, hasDatabase: true, databaseType: 'mysql' },
      ]),
    );
    expect([...assignDatabasePorts(parsed.services)]).toEqual([
      ['pg', 3306],
      ['my', 3307],
    ]);
  });
});

describe('parseProjectConfig: invalid configs report every problem with its path and fix', () => {
  // prettier-ignore
  const cases: [string, unknown, ConfigIssue[]][] = [
    ['null', null, [{ path: '', message: 'the config must be a JSON object like { "services": [] } (got null)' }]],
    ['a list', [], [{ path: '', message: 'the config must be a JSON object like { "services": [] } (got a list)' }]],
    ['a string', 'x', [{ path: '', message: 'the config must be a JSON object like { "services": [] } (got "x")' }]],
    ['no services', {}, [{ path: 'services', message: 'required: a list of services ([] for none)' }]],
    ['services not a list', config([], { services: { a: 1 } }), [
      { path: 'services', message: 'must be a list of services (got an object)' },
    ]],
    ['services that are not objects', config([42, null, ['x']]), [
      { path: 'services[0]', message: 'must be an object like { "name": "auth-service", "type": "nestjs" } (got 42)' },
      { path: 'services[1]', message: 'must be an object like { "name": "auth-service", "type": "nestjs" } (got null)' },
      { path: 'services[2]', message: 'must be an object like { "name": "auth-service", "type": "nestjs" } (got a list)' },
    ]],
    ['a service without name and type (port not required while the type is unknown)', config([{ port: 3000 }]), [
      { path: 'services[0].name', message: 'required: a name like "auth-service"' },
      { path: 'services[0].type', message: `required: one of ${SERVICE_TYPES_TEXT}` },
    ]],
    ['bad service names', config([
      { name: 'A', type: 'worker' },
      { name: 'Auth_Service', type: 'worker' },
      { name: '1st-service', type: 'worker' },
      { name: 'a', type: 'worker' },
      { name: 'x'.repeat(41), type: 'worker' },
      { name: 7, type: 'worker' },
    ]), [
      { path: 'services[0].name', message: `${NAME_RULE} (got "A")` },
      { path: 'services[1].name', message: `${NAME_RULE} (got "Auth_Service"; try "auth-service")` },
      { path: 'services[2].name', message: `${NAME_RULE} (got "1st-service")` },
      { path: 'services[3].name', message: `${NAME_RULE} (got "a")` },
      { path: 'services[4].name', message: `${NAME_RULE} (got "${'x'.repeat(41)}"; try "${'x'.repeat(40)}")` },
      { path: 'services[5].name', message: 'must be a string like "auth-service" (got 7)' },
    ]],
    ['bad service types', config([
      { name: 'a1', type: 'nest', port: 3001 },
      { name: 'a2', type: 'python', port: 3002 },
      { name: 'a3', type: 'NestJS', port: 3003 },
      { name: 'a4', type: 5, port: 3004 },
    ]), [
      { path: 'services[0].type', message: `must be one of ${SERVICE_TYPES_TEXT} (got "nest"; did you mean "nestjs"?)` },
      { path: 'services[1].type', message: `must be one of ${SERVICE_TYPES_TEXT} (got "python")` },
      { path: 'services[2].type', message: `must be one of ${SERVICE_TYPES_TEXT} (got "NestJS"; did you mean "nestjs"?)` },
      { path: 'services[3].type', message: `must be one of ${SERVICE_TYPES_TEXT} (got 5)` },
    ]],
    ['bad and missing ports', config([
      { name: 'p-zero', type: 'nestjs', port: 0 },
      { name: 'p-big', type: 'express', port: 65536 },
      { name: 'p-frac', type: 'fastify', port: 3000.5 },
      { name: 'p-str', type: 'custom', port: '3001' },
      { name: 'p-next', type: 'nextjs' },
      { name: 'p-spa', type: 'spa', port: null },
      { name: 'p-nest', type: 'nestjs' },
      { name: 'p-worker', type: 'worker' },
    ]), [
      { path: 'services[0].port', message: `${PORT_RULE} (got 0)` },
      { path: 'services[1].port', message: `${PORT_RULE} (got 65536)` },
      { path: 'services[2].port', message: `${PORT_RULE} (got 3000.5)` },
      { path: 'services[3].port', message: `${PORT_RULE} (got "3001")` },
      { path: 'services[4].port', message: 'required for type "nextjs": add a free port from 1 to 65535' },
      { path: 'services[5].port', message: 'required for type "spa": add a free port from 1 to 65535' },
      { path: 'services[6].port', message: 'required for type "nestjs": add a free port from 1 to 65535' },
    ]],
    ['bad database fields', config([
      { name: 'a1', type: 'nestjs', port: 3001, hasDatabase: 'yes', databaseType: 'postgres', databasePort: '5432', baseService: 3 },
      { name: 'a2', type: 'nestjs', port: 3002, hasDatabase: true, databaseType: 'redis', databasePort: 70000 },
    ]), [
      { path: 'services[0].hasDatabase', message: 'must be true or false (got "yes")' },
      { path: 'services[0].databaseType', message: 'must be one of postgresql, mysql, mongodb (got "postgres"; did you mean "postgresql"?)' },
      { path: 'services[0].databasePort', message: `${PORT_RULE} (got "5432")` },
      { path: 'services[0].baseService', message: 'must be the name of a backend service (got 3)' },
      { path: 'services[1].databaseType', message: 'must be one of postgresql, mysql, mongodb (got "redis")' },
      { path: 'services[1].databasePort', message: `${PORT_RULE} (got 70000)` },
    ]],
    ['reserved and duplicate names (a duplicate is not also reported as a key collision)', config([
      { name: 'shared', type: 'nestjs', port: 3001 },
      { name: 'auth-service', type: 'nestjs', port: 3002 },
      { name: 'auth-service', type: 'worker' },
    ]), [
      { path: 'services[0].name', message: '"shared" is reserved for the shared cloud scope; rename the service' },
      { path: 'services[2].name', message: '"auth-service" is already the name of services[1]; names must be unique' },
    ]],
    ['duplicate ports, and database ports that clash', config([
      { name: 'auth-service', type: 'nestjs', port: 3001, hasDatabase: true, databasePort: 5440 },
      { name: 'offers-service', type: 'nestjs', port: 3001, hasDatabase: true, databasePort: 5440 },
      { name: 'orders-service', type: 'nestjs', port: 3002, hasDatabase: true, databasePort: 3002 },
      { name: 'frontend', type: 'nextjs', port: 3003, hasDatabase: true, databasePort: 3001 },
    ]), [
      { path: 'services[1].port', message: '3001 is already the port of services[0] ("auth-service"); ports must be unique' },
      { path: 'services[1].databasePort', message: '5440 is already the databasePort of services[0] ("auth-service"); each database needs its own port' },
      { path: 'services[2].databasePort', message: '3002 is also the port of this service; a database needs a port of its own' },
      { path: 'services[3].databasePort', message: '3001 is also the port of services[0] ("auth-service"); a database needs a port of its own' },
    ]],
    ['a service port that a database gets automatically', config([
      { name: 'legacy-api', type: 'express', port: 5432 },
      { name: 'auth-service', type: 'nestjs', port: 3001, hasDatabase: true },
      { name: 'shop', type: 'nestjs', port: 27017, hasDatabase: true, databaseType: 'mongodb' },
    ]), [
      { path: 'services[0].port', message: '5432 is also the database port services[1] ("auth-service") gets automatically (the first free one from 5432); pick another port, or set that service\'s databasePort' },
      { path: 'services[2].port', message: '27017 is also the database port this service gets automatically (the first free one from 27017); pick another port, or set its databasePort' },
    ]],
    ['bad baseService', config([
      { name: 'auth-service', type: 'nestjs', port: 3001 },
      { name: 'frontend', type: 'nextjs', port: 3000 },
      { name: 'w1', type: 'worker', baseService: 'auht-service' },
      { name: 'w2', type: 'worker', baseService: 'billing' },
      { name: 'w3', type: 'worker', baseService: 'frontend' },
      { name: 'w4', type: 'worker', baseService: 'w1' },
      { name: 'w5', type: 'worker', baseService: 'w5' },
    ]), [
      { path: 'services[2].baseService', message: 'no service is named "auht-service" (did you mean "auth-service"?)' },
      { path: 'services[3].baseService', message: `no service is named "billing"; ${BACKEND_RULE}` },
      { path: 'services[4].baseService', message: `"frontend" is a nextjs service; ${BACKEND_RULE}` },
      { path: 'services[5].baseService', message: `"w1" is a worker service; ${BACKEND_RULE}` },
      { path: 'services[6].baseService', message: `"w5" is a worker service; ${BACKEND_RULE}` },
    ]],
    ['bad buckets', config([], { storage: { buckets: ['uploads', 'Uploads', 'uploads', 'a', 42, 'user_files'] } }), [
      { path: 'storage.buckets[1]', message: `${BUCKET_RULE} (got "Uploads"; try "uploads")` },
      { path: 'storage.buckets[2]', message: '"uploads" is listed twice (also storage.buckets[0]); remove one' },
      { path: 'storage.buckets[3]', message: `${BUCKET_RULE} (got "a")` },
      { path: 'storage.buckets[4]', message: 'must be a string like "uploads" (got 42)' },
      { path: 'storage.buckets[5]', message: `${BUCKET_RULE} (got "user_files"; try "user-files")` },
    ]],
    ['buckets not a list', config([], { storage: { buckets: 'uploads' } }), [
      { path: 'storage.buckets', message: 'must be a list like ["uploads"] (got "uploads")' },
    ]],
    ['storage not an object', config([], { storage: ['uploads'] }), [
      { path: 'storage', message: 'must be an object like { "buckets": ["uploads"] } (got a list)' },
    ]],
    ['framework and cloud not objects', config([], { framework: 'auth', cloud: 'gcp' }), [
      { path: 'framework', message: 'must be an object like { "template": "auth" } (got "auth")' },
      { path: 'cloud', message: 'must be an object like { "provider": "gcp" } (got "gcp")' },
    ]],
    ['bad template and provider', config([], { framework: { template: 42 }, cloud: { provider: 'GCP' } }), [
      { path: 'framework.template', message: 'must be a string like "fullstack-auth", or null (got 42)' },
      { path: 'cloud.provider', message: 'must be one of gcp, aws, azure, local, or null (got "GCP"; did you mean "gcp"?)' },
    ]],
    ['an unknown provider', config([], { cloud: { provider: 'digitalocean' } }), [
      { path: 'cloud.provider', message: 'must be one of gcp, aws, azure, local, or null (got "digitalocean")' },
    ]],
    ['two services with one database prefix', config([
      { name: 'billing', type: 'nestjs', port: 3001, hasDatabase: true },
      { name: 'billing-service', type: 'nestjs', port: 3002, hasDatabase: true },
    ]), [
      { path: 'services[1].name', message: '"billing-service" derives DB_BILLING_USERNAME, DB_BILLING_PASSWORD, BILLING_DB_USER and BILLING_DB_PASSWORD, which services[0] ("billing") derives too; rename one of them' },
    ]],
    ['a root .env name equal to another service\'s key', config([
      { name: 'db-x', type: 'nestjs', port: 3001, hasDatabase: true },
      { name: 'x-db', type: 'nestjs', port: 3002, hasDatabase: true },
    ]), [
      { path: 'services[1].name', message: '"x-db" derives DB_X_DB_PASSWORD, which services[0] ("db-x") derives too; rename one of them' },
    ]],
    ['backends and workers deriving fixed, default user or section keys', config([
      { name: 'api', type: 'nestjs', port: 3001 },
      { name: 'app', type: 'express', port: 3002 },
      { name: 'resend', type: 'worker' },
      { name: 'database', type: 'fastify', port: 3003 },
      { name: 'kong-internal', type: 'custom', port: 3004 },
    ]), [
      { path: 'services[0].name', message: '"api" derives API_URL, which is a default user secret; rename the service' },
      { path: 'services[1].name', message: '"app" derives APP_URL, which is a default user secret; rename the service' },
      { path: 'services[2].name', message: '"resend" derives RESEND_API_KEY, which is a default user secret; rename the service' },
      { path: 'services[3].name', message: '"database" derives DATABASE_URL, which is a key of each service\'s own section; rename the service' },
      { path: 'services[4].name', message: '"kong-internal" derives KONG_INTERNAL_URL, which is a framework secret; rename the service' },
    ]],
    ['buckets deriving a service\'s keys', config([{ name: 'storage-bucket-media', type: 'nestjs', port: 3001 }], {
      storage: { buckets: ['media-url', 'media-api-key'] },
    }), [
      { path: 'storage.buckets[0]', message: '"media-url" derives STORAGE_BUCKET_MEDIA_URL, which services[0] ("storage-bucket-media") derives too; rename one of them' },
      { path: 'storage.buckets[1]', message: '"media-api-key" derives STORAGE_BUCKET_MEDIA_API_KEY, which services[0] ("storage-bucket-media") derives too; rename one of them' },
    ]],
    ['many problems at once, in document order', {
      project: { name: '{{PROJECT_NAME}}' },
      storage: { buckets: ['up_loads'] },
      services: [
        { name: 'auth-service', type: 'nestjs' },
        { name: 'Frontend', type: 'next', port: 3000 },
        { port: 3000, name: 'api', type: 'express' },
        { name: 'mailer', type: 'worker', baseService: 'frontend' },
      ],
      framework: { template: 42 },
    }, [
      { path: 'framework.template', message: 'must be a string like "fullstack-auth", or null (got 42)' },
      { path: 'services[0].port', message: 'required for type "nestjs": add a free port from 1 to 65535' },
      { path: 'services[1].name', message: `${NAME_RULE} (got "Frontend"; try "frontend")` },
      { path: 'services[1].type', message: `must be one of ${SERVICE_TYPES_TEXT} (got "next"; did you mean "nextjs"?)` },
      { path: 'services[2].name', message: '"api" derives API_URL, which is a default user secret; rename the service' },
      { path: 'services[2].port', message: '3000 is already the port of services[1]; ports must be unique' },
      { path: 'services[3].baseService', message: `no service is named "frontend"; ${BACKEND_RULE}` },
      { path: 'storage.buckets[0]', message: `${BUCKET_RULE} (got "up_loads"; try "up-loads")` },
    ]],
  ];

  it.each(cases)('%s', (_label, raw, expected) => {
    expect(issuesOf(raw)).toEqual(expected);
  });
});

describe('assignDatabasePorts', () => {
  const pg = (name: string, databasePort?: number) =>
    service(name, 'nestjs', { hasDatabase: true, databasePort });
  const db = (name: string, databaseType: DatabaseType, databasePort?: number) =>
    service(name, 'nestjs', { hasDatabase: true, databaseType, databasePort });

  // prettier-ignore
  it.each<[string, ServiceConfig[], [string, number][]]>([
    ['none explicit: the original tool’s sequence', [pg('a'), pg('b'), pg('c')], [['a', 5432], ['b', 5433], ['c', 5434]]],
    ['services without a database get none', [service('x', 'nestjs'), pg('a'), service('y', 'spa'), pg('b')], [['a', 5432], ['b', 5433]]],
    ['explicit ports off the sequence', [pg('a'), pg('offers', 5440), pg('c')], [['a', 5432], ['offers', 5440], ['c', 5433]]],
    ['explicit ports interleaved, also later in the list', [pg('a'), pg('b', 5433), pg('c'), pg('d', 5432), pg('e')], [['a', 5434], ['b', 5433], ['c', 5435], ['d', 5432], ['e', 5436]]],
    ['mysql and mongodb bases', [db('m1', 'mysql'), db('p1', 'postgresql'), db('m2', 'mysql'), db('g1', 'mongodb'), db('g2', 'mongodb', 27017)], [['m1', 3306], ['p1', 5432], ['m2', 3307], ['g1', 27018], ['g2', 27017]]],
    ['an explicit port of another type blocks the base', [db('p', 'postgresql', 3306), db('m', 'mysql')], [['p', 3306], ['m', 3307]]],
    ['workers and frontends with a database count too', [service('w', 'worker', { hasDatabase: true }), service('f', 'nextjs', { hasDatabase: true })], [['w', 5432], ['f', 5433]]],
    ['an explicit port on a service without a database is ignored', [service('x', 'nestjs', { databasePort: 5432 }), pg('a')], [['a', 5432]]],
    ['no services', [], []],
  ])('%s', (_label, services, expected) => {
    expect([...assignDatabasePorts(services)]).toEqual(expected);
  });
});

describe('service kinds and key lists', () => {
  it.each<[ServiceType, boolean, boolean, boolean]>([
    ['nestjs', true, false, false],
    ['express', true, false, false],
    ['fastify', true, false, false],
    ['custom', true, false, false],
    ['nextjs', false, true, false],
    ['spa', false, true, false],
    ['worker', false, false, true],
  ])('%s: backend %s, frontend %s, worker %s', (type, backend, frontend, worker) => {
    const s = service('x', type);
    expect([isBackend(s), isFrontend(s), isWorker(s)]).toEqual([backend, frontend, worker]);
  });

  it('lists the default user keys of SPEC §5 and the fixed framework keys of SPEC §3', () => {
    expect(DEFAULT_USER_KEYS).toEqual([
      'DOMAIN',
      'APP_URL',
      'API_URL',
      'KONG_SERVICE_HOST',
      'ACCESS_TOKEN_TTL',
      'REFRESH_TOKEN_TTL',
      'CONFIRMATION_TOKEN_TTL',
      'RESEND_API_KEY',
      'EMAIL_FROM',
      'EMAIL_PROVIDER',
      'KONG_CORS_ORIGINS',
    ]);
    expect([...FIXED_FRAMEWORK_KEYS].sort()).toEqual([
      'BCRYPT_ROUNDS',
      'JWT_KEY_ID_CURRENT',
      'JWT_KEY_ID_PREVIOUS',
      'JWT_PRIVATE_KEY_CURRENT',
      'JWT_PRIVATE_KEY_PREVIOUS',
      'JWT_PUBLIC_KEY_CURRENT',
      'JWT_PUBLIC_KEY_PREVIOUS',
      'KONG_INTERNAL_URL',
      'KONG_SSL_VERIFY',
      'KONG_TRUST_TOKEN',
      'LOG_LEVEL',
      'NODE_ENV',
      'REDIS_HOST',
      'REDIS_PASSWORD',
      'REDIS_PORT',
      'REDIS_TLS',
      'REFRESH_TOKEN_SECRET',
      'SECRETS_PROVIDER',
      'STORAGE_ACCESS_KEY',
      'STORAGE_ENDPOINT',
      'STORAGE_FORCE_PATH_STYLE',
      'STORAGE_SECRET_KEY',
    ]);
  });

  it.each([
    [
      { path: 'services[2].port', message: 'required for type "nestjs"' },
      'services[2].port: required for type "nestjs"',
    ],
    [{ path: '', message: 'the config must be a JSON object' }, 'the config must be a JSON object'],
  ])('formatConfigIssue(%j) = %j', (issue, expected) => {
    expect(formatConfigIssue(issue)).toBe(expected);
  });
});
