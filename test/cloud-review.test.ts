import { afterAll, describe, expect, it } from 'vitest';
import {
  cleanupBinary,
  cleanupProjects,
  makeProject,
  runCli,
  shopConfig,
} from './support/temp-project.js';

afterAll(async () => {
  await cleanupProjects();
  await cleanupBinary();
});

describe('cloud-secrets:set, found in review', () => {
  it('refuses a command-line value that arrived as U+FFFD (invalid UTF-8) instead of storing it', async () => {
    const project = await makeProject({ config: shopConfig() });
    const args = ['--provider', 'local', '--env', 'dev', '--cwd', project.root, '--json'];
    const run = await runCli(['cloud-secrets:set', 'K', 'a\uFFFDb', ...args]);
    expect(run.code).toBe(2);
    expect((JSON.parse(run.stdout) as { error: { code: string } }).error.code).toBe(
      'VALUE_NOT_UTF8',
    );
    expect(project.exists('.tsdevstack/.local-store.dev.json')).toBe(false);
    const get = await runCli(['cloud-secrets:get', 'K', ...args]);
    expect(get.code).toBe(1);
  });
});
