import { afterAll, describe, expect, it } from 'vitest';
import {
  cleanupBinary,
  cleanupProjects,
  makeProject,
  runCli,
  runGenerate,
  shopConfig,
  SHOP_SERVICES,
  type SecretsDoc,
} from './support/temp-project.js';
import { generateSecrets } from '../src/commands/generate-secrets.js';
import { FIXED_NOW, testSource } from './support/temp-project.js';

afterAll(async () => {
  await cleanupProjects();
  await cleanupBinary();
});

describe.concurrent('found in review', () => {
  it('removes the generated .env of a service that left the config (it holds a retired DATABASE_URL)', async () => {
    const project = await makeProject({ config: shopConfig() });
    await runGenerate(project);
    expect(project.exists('apps/offers-service/.env')).toBe(true);
    await project.write('apps/frontend/keep.txt', 'x');
    await project.writeConfig(shopConfig(SHOP_SERVICES.filter((s) => s.name !== 'offers-service')));
    const result = await runGenerate(project);
    expect(result.files).toContainEqual({ path: 'apps/offers-service/.env', action: 'removed' });
    expect(project.exists('apps/offers-service/.env')).toBe(false);
  });

  it('refuses to rotate a DB username or BCRYPT_ROUNDS (not secrets; a new username locks the service out)', async () => {
    const project = await makeProject({ config: shopConfig() });
    await runGenerate(project);
    const before = await project.read('.secrets.tsdevstack.json');
    let rotatable: ReadonlySet<string> = new Set();
    await generateSecrets(
      { cwd: project.root, dryRun: true, check: false, prune: false, resetFramework: false },
      { source: testSource(), now: () => FIXED_NOW },
      (keys) => {
        rotatable = keys;
      },
    );
    expect(rotatable.has('DB_AUTH_PASSWORD')).toBe(true);
    expect(rotatable.has('KONG_TRUST_TOKEN')).toBe(true);
    expect(rotatable.has('DB_AUTH_USERNAME')).toBe(false);
    expect(rotatable.has('BCRYPT_ROUNDS')).toBe(false);
    expect(await project.read('.secrets.tsdevstack.json')).toBe(before);
    const cli = await runCli(['secrets:rotate', 'DB_AUTH_USERNAME', '--cwd', project.root]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('not a generated framework secret');
    expect(await project.read('.secrets.tsdevstack.json')).toBe(before);
  });

  it('prints a JSON error document for usage mistakes under --json', async () => {
    const cli = await runCli(['generate-secrets', '--json', '--bogus']);
    expect(cli.code).toBe(2);
    const doc = JSON.parse(cli.stdout) as { error: { code: string; message: string } };
    expect(doc.error.code).toBe('USAGE');
    expect(doc.error.message).toContain('--bogus');
  });

  it('reports pruned keys in --json and migrated keys only once', async () => {
    const project = await makeProject({ config: shopConfig() });
    await runGenerate(project);
    await project.writeConfig(shopConfig(SHOP_SERVICES.filter((s) => s.name !== 'offers-service')));
    await runGenerate(project);
    const cli = await runCli(['generate-secrets', '--json', '--prune', '--cwd', project.root]);
    expect(cli.code).toBe(0);
    const doc = JSON.parse(cli.stdout) as { keys: Record<string, string[]> };
    expect(doc.keys.pruned).toEqual([
      'DB_OFFERS_PASSWORD',
      'DB_OFFERS_USERNAME',
      'OFFERS_SERVICE_API_KEY',
    ]);
    const framework = await project.readJson<SecretsDoc>('.secrets.tsdevstack.json');
    expect(framework).not.toHaveProperty('$retired');
  });
});
