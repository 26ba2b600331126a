import { generateKeyPairSync } from 'node:crypto';
import {
  chmod,
  chown,
  lstat,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  symlink,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  builtBinary,
  cleanupBinary,
  cleanupProjects,
  cliErrorOf,
  copyFixture,
  describeSnapshot,
  snapshotTree,
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

describe.concurrent('adversarial inputs found in review', () => {
  async function generated() {
    const project = await makeProject({ config: shopConfig() });
    await runGenerate(project);
    return project;
  }

  it('refuses a user file that is not valid UTF-8, naming line and column, and leaves it untouched', async () => {
    const project = await generated();
    const user = await project.read('.secrets.user.json');
    const latin1 = Buffer.concat([
      Buffer.from(user.replace('"secrets": {', '"secrets": {\n    "SMTP_PASSWORD": "Gr')),
    ]);
    const at = latin1.indexOf('"Gr') + 3;
    const bytes = Buffer.concat([
      latin1.subarray(0, at),
      Buffer.from([0xfc, 0xdf]),
      latin1.subarray(at),
    ]);
    await project.write('.secrets.user.json', { content: bytes, mode: 0o600 });
    const before = await snapshotTree(project.root);
    const error = await cliErrorOf(runGenerate(project));
    expect(error).toMatchObject({ exitCode: 2, code: 'USER_SECRETS_INVALID_JSON' });
    expect(error.message).toMatch(/^\.secrets\.user\.json:4:25: not valid UTF-8/);
    expect(describeSnapshot(await snapshotTree(project.root))).toEqual(describeSnapshot(before));
  });

  it('treats a dangling symlink as an error, never as a missing file to regenerate', async () => {
    const project = await generated();
    const vault = await mkdtemp(join(tmpdir(), 'tsds-vault-'));
    await rename(project.path('.secrets.tsdevstack.json'), join(vault, 'fw.json'));
    await symlink(join(vault, 'fw.json'), project.path('.secrets.tsdevstack.json'));
    expect((await runGenerate(project)).changed).toBe(false);
    await rm(vault, { recursive: true });
    const before = await snapshotTree(project.root);
    const error = await cliErrorOf(runGenerate(project));
    expect(error).toMatchObject({ exitCode: 3, code: 'FILE_BROKEN_LINK' });
    expect(describeSnapshot(await snapshotTree(project.root))).toEqual(describeSnapshot(before));
  });

  it('writes through a symlinked user file instead of replacing the link', async () => {
    const project = await generated();
    const elsewhere = await mkdtemp(join(tmpdir(), 'tsds-link-'));
    await rename(project.path('.secrets.user.json'), join(elsewhere, 'user.json'));
    await symlink(join(elsewhere, 'user.json'), project.path('.secrets.user.json'));
    await project.writeConfig(
      shopConfig([...SHOP_SERVICES, { name: 'billing-service', type: 'nestjs', port: 3010 }]),
    );
    await runGenerate(project);
    expect((await lstat(project.path('.secrets.user.json'))).isSymbolicLink()).toBe(true);
    expect(await readFile(join(elsewhere, 'user.json'), 'utf8')).toContain('"billing-service"');
    await rm(elsewhere, { recursive: true });
  });

  it('never echoes a literal-looking API_KEY, and keeps it out of the committed example file', async () => {
    const project = await generated();
    const user = await project.readJson<Record<string, unknown>>('.secrets.user.json');
    user['offers-servce'] = { API_KEY: 'sk_live_51HxYzAbCdEf123456' };
    await project.write('.secrets.user.json', { content: JSON.stringify(user), mode: 0o600 });
    await runGenerate(project);
    expect(await project.read('.secrets.user.example.json')).not.toContain('sk_live');
    user['offers-service'] = { API_KEY: 'sk_live_51HSUPERSECRETabcdef' };
    await project.write('.secrets.user.json', { content: JSON.stringify(user), mode: 0o600 });
    const cli = await runCli(['generate-secrets', '--json', '--cwd', project.root]);
    expect(cli.code).toBe(2);
    expect(cli.stdout + cli.stderr).not.toContain('SUPERSECRET');
  });

  it('refuses an EC key as the JWT private key', async () => {
    const project = await generated();
    const doc = await project.readJson<SecretsDoc>('.secrets.tsdevstack.json');
    const { privateKey } = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    doc.secrets.JWT_PRIVATE_KEY_CURRENT = privateKey;
    await project.write('.secrets.tsdevstack.json', { content: JSON.stringify(doc), mode: 0o600 });
    expect(await cliErrorOf(runGenerate(project))).toMatchObject({ code: 'JWT_KEY_INVALID' });
  });

  it('refuses secrets:rotate --jwt in a project without JWT keys', async () => {
    const project = await makeProject({
      config: { ...shopConfig(), framework: { template: null } },
    });
    await runGenerate(project);
    const cli = await runCli(['secrets:rotate', '--jwt', '--cwd', project.root]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('no JWT keys');
  });

  it('retires the losing old value of a migration conflict instead of dropping it', async () => {
    const project = await copyFixture('legacy-acme-shop');
    const doc = await project.readJson<SecretsDoc>('.secrets.tsdevstack.json');
    const old = doc.secrets['DB_ORDER-HISTORY_PASSWORD'];
    doc.secrets.DB_ORDER_HISTORY_PASSWORD = 'a-newer-password-value';
    await project.write('.secrets.tsdevstack.json', { content: JSON.stringify(doc), mode: 0o600 });
    const result = await runGenerate(project);
    expect(result.warnings.map((w) => w.code)).toContain('MIGRATION_CONFLICT');
    const after = await project.readJson<SecretsDoc>('.secrets.tsdevstack.json');
    expect(after.secrets.DB_ORDER_HISTORY_PASSWORD).toBe('a-newer-password-value');
    expect(JSON.stringify(after.$retired)).toContain(JSON.stringify(old));
  });
});

describe('a folder the run cannot write into', () => {
  const isRoot = process.getuid?.() === 0;
  it.runIf(isRoot)('is found before the first write: exit 3, nothing written', async () => {
    const project = await makeProject({ config: shopConfig() });
    await runGenerate(project);
    // a new frontend port changes the framework file, the root .env and apps/frontend/.env
    await project.writeConfig(
      shopConfig(SHOP_SERVICES.map((s) => (s.name === 'frontend' ? { ...s, port: 3100 } : s))),
    );
    // Everything belongs to an unprivileged user, except one app folder it cannot write into.
    const nobody = 65534;
    await chownTree(project.root, nobody);
    await chown(project.path('apps/frontend'), 0, 0);
    await chmod(project.path('apps/frontend'), 0o755);
    const before = await snapshotTree(project.root);
    const { spawnSync } = await import('node:child_process');
    const bin = await builtBinary();
    await chmod(dirname(dirname(bin)), 0o755);
    const run = spawnSync(process.execPath, [bin, 'generate-secrets', '--cwd', project.root], {
      uid: nobody,
      gid: nobody,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(run.status).toBe(3);
    expect(run.stderr).toContain('cannot write into apps/frontend/');
    expect(describeSnapshot(await snapshotTree(project.root))).toEqual(describeSnapshot(before));
  });
});

async function chownTree(dir: string, id: number): Promise<void> {
  await chown(dir, id, id);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(path, id);
    else await chown(path, id, id);
  }
}
