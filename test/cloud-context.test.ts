import { describe, expect, it } from 'vitest';
import {
  findSharedTargets,
  isAllowedEndpoint,
  parseCredentials,
  type CloudProvider,
} from '../src/commands/cloud-secrets/credentials.js';
import {
  confirmProductionWrite,
  isCi,
  isProductionEnv,
  resolveEnvironment,
  type EnvironmentInput,
} from '../src/commands/cloud-secrets/environment.js';
import { CliError } from '../src/errors.js';
import { cliErrorOf } from './support/temp-project.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const PEM =
  '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n';

const AWS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: SECRET, region: 'eu-west-1', accountId: '123456789012' }; // prettier-ignore
const GCP = { type: 'service_account', project_id: 'acme-dev', private_key_id: 'abc', private_key: PEM, client_email: 'ci@acme-dev.iam.gserviceaccount.com', region: 'europe-west1' }; // prettier-ignore
const AZURE = { clientId: '11111111-2222-3333-4444-555555555555', clientSecret: SECRET, tenantId: 'contoso.onmicrosoft.com', subscriptionId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee', vaultName: 'acme-dev-kv' }; // prettier-ignore

function issuesOf(provider: CloudProvider, raw: unknown): string[] {
  const result = parseCredentials(provider, raw);
  return result.ok ? [] : result.issues;
}

describe('parseCredentials (SPEC §9.3)', () => {
  it.each<[CloudProvider, unknown]>([
    ['aws', { dev: AWS, prod: { ...AWS, accountId: '210987654321', sessionToken: 'tok', endpoint: 'https://sm.example.com' } }], // prettier-ignore
    ['gcp', { dev: GCP, $comment: 'metadata is skipped' }],
    ['gcp', { dev: { ...GCP, endpoint: 'http://127.0.0.1:8085' } }],
    ['azure', { dev: AZURE }],
    ['azure', { dev: { ...AZURE, vaultName: undefined, vaultUrl: 'https://acme-dev-kv.vault.azure.net' } }], // prettier-ignore
  ])('accepts a valid %s file', (provider, raw) => {
    const result = parseCredentials(provider, raw);
    expect(result.ok).toBe(true);
  });

  it('keeps every field of the entry (the GCP adapter needs the whole key file)', () => {
    const result = parseCredentials('gcp', { dev: GCP });
    expect(result.ok && result.entries.get('dev')).toEqual(GCP);
  });

  it.each<[string, CloudProvider, unknown, string[]]>([
    ['a missing field', 'aws', { prod: { ...AWS, accountId: undefined } }, ['prod.accountId: required: the 12-digit account id']], // prettier-ignore
    ['a malformed account id', 'aws', { prod: { ...AWS, accountId: '1234' } }, ['prod.accountId: must be the 12-digit AWS account id']], // prettier-ignore
    ['a secret of the wrong type', 'aws', { dev: { ...AWS, secretAccessKey: 12345 } }, ['dev.secretAccessKey: must be a string: the secret access key']], // prettier-ignore
    ['an empty secret', 'aws', { dev: { ...AWS, secretAccessKey: '' } }, ['dev.secretAccessKey: must not be empty: the secret access key']], // prettier-ignore
    ['plain http to a remote host', 'aws', { dev: { ...AWS, endpoint: 'http://sm.example.com' } }, ['dev.endpoint: must be an https:// URL (plain http:// only for a loopback address, e.g. http://127.0.0.1:8080)']], // prettier-ignore
    ['a key file that is not a service account', 'gcp', { dev: { ...GCP, type: 'authorized_user' } }, ['dev.type: must be "service_account": paste the key file as downloaded from the console']], // prettier-ignore
    ['a private key that is not PEM', 'gcp', { dev: { ...GCP, private_key: 'not a key' } }, ['dev.private_key: must be the PEM private key of the key file, as downloaded']], // prettier-ignore
    ['a GCP entry without region', 'gcp', { dev: { ...GCP, region: undefined } }, ['dev.region: required: the region, e.g. "europe-west1"']], // prettier-ignore
    ['an Azure entry without a vault', 'azure', { dev: { ...AZURE, vaultName: undefined } }, ['dev.vaultName: required: the Key Vault name (or give vaultUrl)']], // prettier-ignore
    ['a client id that is not a GUID', 'azure', { dev: { ...AZURE, clientId: 'abc' } }, ['dev.clientId: must be a GUID (the application id)']], // prettier-ignore
    ['a bare GCP key file', 'gcp', GCP, ['holds a bare key file: nest it under an environment name, e.g. { "dev": { ...the key file..., "region": "europe-west1" } }']], // prettier-ignore
    ['an environment that is not an object', 'aws', { dev: 'x' }, ['dev: must be an object of credentials']], // prettier-ignore
    ['a bad environment name', 'aws', { Prod: AWS }, ['Prod: environment names must match /^[a-z][a-z0-9-]{0,30}$/ (lowercase letters, digits and "-", starting with a letter, at most 31 characters)']], // prettier-ignore
    ['not an object', 'aws', [], ['must be a JSON object keyed by environment name']],
  ])('names the environment and field of %s, never a value', (_label, provider, raw, expected) => {
    const issues = issuesOf(provider, raw);
    expect(issues).toEqual(expected);
    expect(issues.join('\n')).not.toContain(SECRET);
  });

  it('reports every problem of every environment at once', () => {
    const issues = issuesOf('aws', { dev: { ...AWS, region: undefined }, prod: {} });
    expect(issues).toEqual([
      'dev.region: required: the region, e.g. "eu-west-1"',
      'prod.accessKeyId: required: the access key id',
      'prod.secretAccessKey: required: the secret access key',
      'prod.region: required: the region, e.g. "eu-west-1"',
      'prod.accountId: required: the 12-digit account id',
    ]);
  });
});

describe('findSharedTargets (environment isolation)', () => {
  const entries = (values: Record<string, Record<string, unknown>>) => new Map(Object.entries(values)); // prettier-ignore
  it.each<[CloudProvider, Record<string, Record<string, unknown>>, string[]]>([
    ['aws', { dev: AWS, prod: { ...AWS, accountId: '210987654321' } }, []],
    ['aws', { dev: AWS, staging: AWS, prod: { ...AWS, accountId: '210987654321' } }, ['AWS account id 123456789012 is used by dev, staging']], // prettier-ignore
    ['gcp', { dev: GCP, qa: GCP, prod: GCP }, ['GCP project id acme-dev is used by dev, qa, prod']], // prettier-ignore
    ['azure', { dev: AZURE, prod: { ...AZURE, subscriptionId: AZURE.subscriptionId.toUpperCase() } }, ['Azure subscription id aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee is used by dev, prod']], // prettier-ignore
  ])('%s %#', (provider, values, expected) => {
    expect(findSharedTargets(provider, entries(values))).toEqual(expected);
  });
});

describe('isAllowedEndpoint', () => {
  it.each([
    ['https://secretmanager.googleapis.com', true],
    ['http://127.0.0.1:8085', true],
    ['http://127.5.0.1:8085', true],
    ['http://localhost:4566', true],
    ['http://[::1]:4566', true],
    ['http://localhost.example.com', false],
    ['http://10.0.0.1:80', false],
    ['ftp://127.0.0.1', false],
    ['not a url', false],
  ])('%s → %s', (url, expected) => expect(isAllowedEndpoint(url)).toBe(expected));
});

describe('resolveEnvironment (SPEC §9.3)', () => {
  const base: EnvironmentInput = {
    flag: undefined,
    processEnv: {},
    known: undefined,
    credentialsPath: '.tsdevstack/.credentials.aws.json',
    interactive: false,
    ask: () => Promise.reject(new Error('must not prompt')),
  };

  it.each<[string, Partial<EnvironmentInput>, string]>([
    ['--env first', { flag: 'dev', processEnv: { TARGET_ENV: 'staging' }, known: ['prod'] }, 'dev'],
    ['then TARGET_ENV', { processEnv: { TARGET_ENV: 'staging' }, known: ['prod'] }, 'staging'],
    ['an empty TARGET_ENV counts as unset', { processEnv: { TARGET_ENV: '' }, known: ['prod'] }, 'prod'], // prettier-ignore
    ['then the only environment of the credentials file', { known: ['prod'] }, 'prod'],
    ['then a prompt in a terminal', { known: ['dev', 'prod'], interactive: true, ask: () => Promise.resolve('qa') }, 'qa'], // prettier-ignore
  ])('%s', async (_label, input, expected) => {
    expect(await resolveEnvironment({ ...base, ...input })).toBe(expected);
  });

  it('offers the known environments in the prompt', async () => {
    const questions: string[] = [];
    const ask = (question: string) => {
      questions.push(question);
      return Promise.resolve('dev');
    };
    await resolveEnvironment({ ...base, known: ['dev', 'prod'], interactive: true, ask });
    expect(questions).toEqual(['Environment (dev, prod): ']);
  });

  it.each<[string, Partial<EnvironmentInput>, string, string]>([
    ['no way to choose outside a terminal', { known: ['dev', 'prod'] }, 'ENV_REQUIRED', 'which environment? Give --env NAME or set TARGET_ENV; .tsdevstack/.credentials.aws.json has dev, prod'], // prettier-ignore
    ['no credentials file either', { known: undefined }, 'ENV_REQUIRED', 'which environment? Give --env NAME or set TARGET_ENV'], // prettier-ignore
    ['an invalid --env', { flag: 'Prod' }, 'ENV_NAME_INVALID', '--env: "Prod" is not a valid environment name'], // prettier-ignore
    ['an invalid TARGET_ENV', { processEnv: { TARGET_ENV: '../x' } }, 'ENV_NAME_INVALID', 'TARGET_ENV: "../x" is not a valid environment name'], // prettier-ignore
    ['an invalid answer', { interactive: true, ask: () => Promise.resolve('my env') }, 'ENV_NAME_INVALID', 'the answer: "my env" is not a valid environment name'], // prettier-ignore
    ['an empty answer', { interactive: true, ask: () => Promise.resolve('') }, 'ENV_REQUIRED', 'no environment given: nothing was changed'], // prettier-ignore
  ])('refuses %s (exit 2)', async (_label, input, code, message) => {
    const error = await cliErrorOf(resolveEnvironment({ ...base, ...input }));
    expect({ code: error.code, message: error.message, exit: error.exitCode }).toEqual({ code, message, exit: 2 }); // prettier-ignore
  });
});

describe('production safety', () => {
  it.each([
    ['prod', true],
    ['production', true],
    ['PROD', true],
    ['Production', true],
    ['prod-eu', false],
    ['preprod', false],
    ['dev', false],
  ])('%s is production: %s', (env, expected) => expect(isProductionEnv(env)).toBe(expected));

  const confirm = (env: string, yes: boolean, interactive: boolean, answer?: string) =>
    confirmProductionWrite({
      env,
      action: 'set shared/KEY',
      yes,
      interactive,
      ask: () =>
        answer === undefined ? Promise.reject(new Error('must not ask')) : Promise.resolve(answer),
    });

  it.each<[string, string, boolean, boolean, string | undefined]>([
    ['not production', 'dev', false, false, undefined],
    ['--yes', 'prod', true, false, undefined],
    ['--yes in a terminal: no question', 'prod', true, true, undefined],
    ['a "y" in a terminal', 'production', false, true, 'y'],
    ['a "YES" in a terminal', 'prod', false, true, 'YES'],
  ])('goes ahead with %s', async (_label, env, yes, interactive, answer) => {
    await expect(confirm(env, yes, interactive, answer)).resolves.toBeUndefined();
  });

  it.each<[string, boolean, string | undefined, string]>([
    ['no --yes outside a terminal', false, undefined, 'PRODUCTION_NEEDS_YES'],
    ['an empty answer', true, '', 'PRODUCTION_NOT_CONFIRMED'],
    ['a "no"', true, 'no', 'PRODUCTION_NOT_CONFIRMED'],
  ])('stops (exit 2) on %s', async (_label, interactive, answer, code) => {
    const error = await cliErrorOf(confirm('prod', false, interactive, answer));
    expect(error).toBeInstanceOf(CliError);
    expect([error.code, error.exitCode]).toEqual([code, 2]);
  });
});

describe('isCi', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['false', false],
    ['0', false],
    ['true', true],
    ['1', true],
    ['TRUE', true],
  ])('CI=%s → %s', (value, expected) => expect(isCi({ CI: value })).toBe(expected));
});
