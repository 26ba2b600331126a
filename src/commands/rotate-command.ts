import { isMetadataKey, KEY_PATTERN } from '../core/naming.js';
import { usageError } from '../errors.js';
import { nodeSecretSource } from '../io/node-secret-source.js';
import { createOutput } from '../io/output.js';
import type { RunContext } from '../run-context.js';
import { printGenerateResult } from './generate-command.js';
import { generateSecrets } from './generate-secrets.js';

/**
 * `secrets:rotate KEY...` / `--jwt`: the same pipeline as generate-secrets with the named values
 * forced to regenerate, so every derived file is rewritten consistently in one locked run.
 */
export async function runRotateCommand(
  keys: string[],
  raw: Record<string, unknown>,
  context: RunContext,
): Promise<void> {
  const rotateJwt = raw.jwt === true;
  if (keys.length === 0 && !rotateJwt) {
    throw usageError(
      'ROTATE_NOTHING',
      'name the keys to rotate, or pass --jwt',
      'Example: secrets:rotate KONG_TRUST_TOKEN',
    );
  }
  for (const key of keys) {
    if (!KEY_PATTERN.test(key) || isMetadataKey(key)) {
      throw usageError(
        'ROTATE_BAD_KEY',
        `"${key}" is not a key name`,
        'Key names look like KONG_TRUST_TOKEN.',
      );
    }
    if (key.startsWith('JWT_')) {
      throw usageError(
        'ROTATE_JWT_KEY',
        `${key} is part of the JWT key pair`,
        'Rotate the pair with: secrets:rotate --jwt',
      );
    }
  }
  const result = await generateSecrets(
    {
      cwd: typeof raw.cwd === 'string' ? raw.cwd : context.cwd,
      dryRun: false,
      check: false,
      prune: false,
      resetFramework: false,
      rotateKeys: new Set(keys),
      rotateJwt,
    },
    { source: nodeSecretSource, now: () => new Date() },
    (known) => {
      if (rotateJwt && !known.has('JWT_PRIVATE_KEY_CURRENT')) {
        throw usageError(
          'ROTATE_NO_JWT',
          'this project has no JWT keys: its framework.template is not "fullstack-auth" or "auth"',
          'Nothing was written.',
        );
      }
      const unknown = keys.filter((key) => !known.has(key));
      if (unknown.length > 0) {
        throw usageError(
          'ROTATE_UNKNOWN_KEY',
          `not a generated framework secret of this project: ${unknown.join(', ')}`,
          `Rotatable here: ${[...known].sort().join(', ')}. Fixed values and usernames are not secrets to rotate; JWT keys rotate with --jwt.`,
        );
      }
    },
  );
  const output = createOutput(context.streams, context.env, { quiet: raw.quiet === true });
  if (raw.json !== true) {
    for (const key of keys.filter((k) => k.startsWith('DB_') && k.endsWith('_PASSWORD'))) {
      output.warn(
        `${key} rotated: the running database still has the old password; change it there too (or recreate the volume).`,
      );
    }
  }
  printGenerateResult(result, { dryRun: false, check: false }, raw, context);
}
