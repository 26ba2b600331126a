import { describe, expect, it } from 'vitest';
import { parseProjectConfig, type ProjectConfig } from '../src/core/config.js';
import { readUserFile } from '../src/core/secrets-file.js';
import { blankUserFile, createUserFileValue, syncUserFile } from '../src/core/user-file.js';

function config(services: unknown[], template: string | null = 'fullstack-auth'): ProjectConfig {
  const result = parseProjectConfig({
    project: { name: 'shop' },
    framework: { template },
    services,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.config;
}

const cfg = config([
  { name: 'auth-service', type: 'nestjs', port: 3001 },
  { name: 'frontend', type: 'nextjs', port: 3000 },
  { name: 'react-app', type: 'spa', port: 3004 },
  { name: 'bff-service', type: 'nestjs', port: 3002 },
  { name: 'mailer', type: 'worker' },
]);

describe('createUserFileValue', () => {
  it('creates the SPEC §5 defaults with one CORS origin per frontend', () => {
    expect(createUserFileValue(cfg)).toEqual({
      $comment: 'Your secrets. Edit freely, then run: npx tsdevstack generate-secrets',
      secrets: {
        DOMAIN: '',
        APP_URL: 'http://localhost:3000',
        API_URL: 'http://localhost:8000',
        KONG_SERVICE_HOST: 'http://host.docker.internal',
        ACCESS_TOKEN_TTL: '900',
        REFRESH_TOKEN_TTL: '604800',
        CONFIRMATION_TOKEN_TTL: '86400',
        RESEND_API_KEY: '',
        EMAIL_FROM: 'noreply@example.com',
        EMAIL_PROVIDER: 'console',
        KONG_CORS_ORIGINS: 'http://localhost:3000,http://localhost:3004',
      },
      'auth-service': {
        secrets: ['ACCESS_TOKEN_TTL', 'REFRESH_TOKEN_TTL', 'CONFIRMATION_TOKEN_TTL', 'APP_URL'],
      },
      frontend: { secrets: ['API_URL', 'ACCESS_TOKEN_TTL', 'REFRESH_TOKEN_TTL'] },
      'react-app': { secrets: ['API_URL'] },
      'bff-service': { secrets: [] },
      mailer: { secrets: [] },
    });
  });

  it('leaves out CORS without frontends and auth references without the auth template', () => {
    const value = createUserFileValue(
      config([{ name: 'auth-service', type: 'nestjs', port: 3001 }], null),
    );
    expect(value.secrets).not.toHaveProperty('KONG_CORS_ORIGINS');
    expect(value['auth-service']).toEqual({ secrets: [] });
  });
});

describe('syncUserFile', () => {
  const raw = {
    $note: 'mine',
    secrets: { STRIPE: 'x', ACCESS_TOKEN_TTL: '60' },
    'auth-service': { secrets: ['APP_URL'] },
    'old-service': { secrets: [] },
  };
  const parsed = readUserFile(raw);
  if (!parsed.ok) throw new Error('fixture');

  it('adds missing sections, TTL defaults and the defaults new sections refer to', () => {
    const sync = syncUserFile(cfg, parsed.data, raw, false);
    expect(sync.addSecrets).toEqual([
      ['REFRESH_TOKEN_TTL', '604800'],
      ['CONFIRMATION_TOKEN_TTL', '86400'],
      ['API_URL', 'http://localhost:8000'],
    ]);
    expect(sync.addSections.map(([name]) => name)).toEqual([
      'frontend',
      'react-app',
      'bff-service',
      'mailer',
    ]);
    expect(sync.data.sections.get('auth-service')?.refs).toEqual(['APP_URL']);
    expect(sync.data.secrets.get('ACCESS_TOKEN_TTL')).toBe('60');
  });

  it('keeps an orphan section with a warning, or removes it with prune', () => {
    const kept = syncUserFile(cfg, parsed.data, raw, false);
    expect(kept.removeSections).toEqual([]);
    expect(kept.warnings).toEqual([expect.objectContaining({ code: 'USER_SECTION_ORPHANED' })]);
    expect(kept.warnings[0]?.message).toContain('old-service');
    const pruned = syncUserFile(cfg, parsed.data, raw, true);
    expect(pruned.removeSections).toEqual(['old-service']);
    expect(pruned.data.sections.has('old-service')).toBe(false);
  });
});

describe('blankUserFile', () => {
  it('blanks every value except $ metadata, reference lists and API_KEY references', () => {
    const known = new Set(['OFFERS_SERVICE_API_KEY']);
    expect(
      blankUserFile(
        {
          $comment: 'keep me',
          $meta: { nested: 'kept too' },
          secrets: { STRIPE: 'sk_live', API_KEY: 'LOOKS_LIKE_A_NAME' },
          billing: {
            secrets: ['STRIPE'],
            API_KEY: 'OFFERS_SERVICE_API_KEY',
            HOOK: '/hooks',
            $why: 'x',
          },
          offers: { API_KEY: 'literal-key-value' },
          typo: { API_KEY: 'sk_live_LooksLikeAName' },
        },
        (name) => known.has(name),
      ),
    ).toEqual({
      $comment: 'keep me',
      $meta: { nested: 'kept too' },
      secrets: { STRIPE: '', API_KEY: '' },
      billing: { secrets: ['STRIPE'], API_KEY: 'OFFERS_SERVICE_API_KEY', HOOK: '', $why: 'x' },
      offers: { API_KEY: '' },
      typo: { API_KEY: '' },
    });
  });
});
