import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cloudCli, cleanEnv } from './support/cloud-cli.js';
import {
  builtBinary,
  cleanupBinary,
  cleanupProjects,
  makeProject,
  REPO_ROOT,
  shopConfig,
} from './support/temp-project.js';

afterAll(cleanupProjects);
afterAll(cleanupBinary);

const HOOK = join(REPO_ROOT, 'test', 'support', 'record-imports.mjs');
const CLOUD_SDK = /@aws-sdk|@google-cloud|@azure|google-gax|@smithy/;

async function importLog(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'tsds-imports-')), 'imports.log');
}

describe('the cloud SDKs are loaded only by their stores (SPEC §9.1)', () => {
  it('the import recorder sees an SDK that is loaded', async () => {
    const log = await importLog();
    const result = spawnSync(
      process.execPath,
      ['--import', HOOK, '--input-type=module', '-e', "await import('@aws-sdk/client-secrets-manager')"], // prettier-ignore
      { cwd: REPO_ROOT, env: cleanEnv({ TSDS_IMPORT_LOG: log }), encoding: 'utf8' },
    );
    expect(result.status).toBe(0);
    expect(await readFile(log, 'utf8')).toMatch(/^import @aws-sdk\/client-secrets-manager$/m);
  });

  it('generate-secrets and --help load no module of any cloud SDK, even when they are installed', async () => {
    // Let the private binary copy resolve the SDKs exactly as an installed package would.
    const copy = dirname(dirname(await builtBinary()));
    if (!existsSync(join(copy, 'node_modules')))
      await symlink(join(REPO_ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
    const project = await makeProject({ config: { ...shopConfig(), cloud: { provider: 'aws' } } });
    const runs = [
      ['generate-secrets', '--cwd', project.root],
      ['generate-secrets', '--check', '--json', '--cwd', project.root],
      ['secrets:rotate', 'KONG_TRUST_TOKEN', '--cwd', project.root],
      ['cloud-secrets:set', '--help'],
    ];
    for (const args of runs) {
      const log = await importLog();
      const run = await cloudCli(args, {
        nodeArgs: ['--import', HOOK],
        env: { TSDS_IMPORT_LOG: log },
      });
      expect({ args, code: run.code, stderr: run.stderr }).toEqual({ args, code: 0, stderr: '' });
      const lines = (await readFile(log, 'utf8')).split('\n');
      expect(lines.some((line) => line.includes('dist/cli.js'))).toBe(true); // the recorder ran
      expect({ args, sdk: lines.filter((line) => CLOUD_SDK.test(line)) }).toEqual({
        args,
        sdk: [],
      });
    }
  });
});
