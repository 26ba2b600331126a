import { usageError } from '../errors.js';
import type { Warning } from './report.js';
import { JWT_PREVIOUS_KEYS } from './service-refs.js';
import type { SecretSource } from './secret-source.js';

interface JwtInput {
  available: ReadonlyMap<string, string>;
  source: SecretSource;
  today: string;
  rotate: boolean;
}

interface JwtResult {
  /** the JWT keys to write, current trio first, then the previous trio when there is one */
  values: Map<string, string>;
  outcome: Map<string, 'generated' | 'kept'>;
  warnings: Warning[];
}

interface Trio {
  privateKey: string;
  publicKey: string;
  keyId: string;
}

const ROTATE_HINT =
  'Run: npx tsdevstack-secrets secrets:rotate --jwt (tokens signed with the old key stop verifying)';

/**
 * The JWT key pair (SPEC §3): a valid current private key is kept and a missing public key or key
 * id is derived from it; an invalid one is an error, never a silent replacement, because every
 * signed-in user would be logged out. Rotation moves a valid current trio to *_PREVIOUS.
 */
export function resolveJwtKeys(input: JwtInput): JwtResult {
  const { available, source } = input;
  const outcome = new Map<string, 'generated' | 'kept'>();
  const warnings: Warning[] = [];
  const currentPrivate = nonEmpty(available.get('JWT_PRIVATE_KEY_CURRENT'));
  const existingPrevious = readPrevious(available);

  let current: Trio | undefined;
  let problem: string | undefined;
  if (currentPrivate !== undefined) {
    const checked = checkCurrent(available, currentPrivate, source);
    if (typeof checked === 'string') problem = checked;
    else current = checked.trio;
    if (!input.rotate && problem !== undefined) {
      throw usageError('JWT_KEY_INVALID', `.secrets.tsdevstack.json: ${problem}`, ROTATE_HINT);
    }
    if (!input.rotate && current && typeof checked !== 'string') {
      outcome.set('JWT_PRIVATE_KEY_CURRENT', 'kept');
      outcome.set('JWT_PUBLIC_KEY_CURRENT', checked.derivedPublic ? 'generated' : 'kept');
      outcome.set('JWT_KEY_ID_CURRENT', checked.derivedKeyId ? 'generated' : 'kept');
    }
  }

  let previous = existingPrevious;
  if (input.rotate) {
    if (current) previous = current;
    else if (problem !== undefined) {
      warnings.push({
        code: 'JWT_DISCARDED',
        message: `the current JWT key pair was invalid (${problem}); it was discarded, not kept as previous`,
      });
    }
    current = undefined;
  }
  if (!current) {
    current = newTrio(source, nextKeyId(input.today, [available, previous?.keyId]));
    for (const key of ['JWT_PRIVATE_KEY_CURRENT', 'JWT_PUBLIC_KEY_CURRENT', 'JWT_KEY_ID_CURRENT']) {
      outcome.set(key, 'generated');
    }
  } else if (current.keyId === '') {
    current.keyId = nextKeyId(input.today, [available, previous?.keyId]);
  }

  const values = new Map<string, string>([
    ['JWT_PRIVATE_KEY_CURRENT', current.privateKey],
    ['JWT_PUBLIC_KEY_CURRENT', current.publicKey],
    ['JWT_KEY_ID_CURRENT', current.keyId],
  ]);
  if (previous) {
    values.set('JWT_PRIVATE_KEY_PREVIOUS', previous.privateKey);
    values.set('JWT_PUBLIC_KEY_PREVIOUS', previous.publicKey);
    values.set('JWT_KEY_ID_PREVIOUS', previous.keyId);
    // On rotation these are the old current values, moved: kept, not generated.
    for (const key of JWT_PREVIOUS_KEYS) outcome.set(key, 'kept');
  }
  return { values, outcome, warnings };
}

function checkCurrent(
  available: ReadonlyMap<string, string>,
  privateKey: string,
  source: SecretSource,
): { trio: Trio; derivedPublic: boolean; derivedKeyId: boolean } | string {
  const derived = source.publicKeyFromPrivate(privateKey);
  if (derived === undefined)
    return 'JWT_PRIVATE_KEY_CURRENT is not a valid RSA private key (PEM, 2048 bits or more)';
  const storedPublic = nonEmpty(available.get('JWT_PUBLIC_KEY_CURRENT'));
  if (storedPublic !== undefined && normalizePem(storedPublic) !== normalizePem(derived)) {
    return 'JWT_PUBLIC_KEY_CURRENT does not match JWT_PRIVATE_KEY_CURRENT';
  }
  const keyId = nonEmpty(available.get('JWT_KEY_ID_CURRENT'));
  return {
    trio: { privateKey, publicKey: storedPublic ?? derived, keyId: keyId ?? '' },
    derivedPublic: storedPublic === undefined,
    derivedKeyId: keyId === undefined,
  };
}

function readPrevious(available: ReadonlyMap<string, string>): Trio | undefined {
  const privateKey = nonEmpty(available.get('JWT_PRIVATE_KEY_PREVIOUS'));
  if (privateKey === undefined) return undefined;
  return {
    privateKey,
    publicKey: available.get('JWT_PUBLIC_KEY_PREVIOUS') ?? '',
    keyId: available.get('JWT_KEY_ID_PREVIOUS') ?? '',
  };
}

function newTrio(source: SecretSource, keyId: string): Trio {
  const pair = source.generateRsaKeyPair();
  return { privateKey: pair.privateKeyPem, publicKey: pair.publicKeyPem, keyId };
}

/** `YYYY-MM-DD-key-N`, N one above the highest N already used today by the current or previous key. */
export function nextKeyId(
  today: string,
  sources: Array<ReadonlyMap<string, string> | string | undefined>,
): string {
  const ids: string[] = [];
  for (const item of sources) {
    if (typeof item === 'string') ids.push(item);
    else if (item)
      ids.push(item.get('JWT_KEY_ID_CURRENT') ?? '', item.get('JWT_KEY_ID_PREVIOUS') ?? '');
  }
  let highest = 0;
  for (const id of ids) {
    const match = /^(\d{4}-\d{2}-\d{2})-key-(\d+)$/.exec(id);
    if (match && match[1] === today) highest = Math.max(highest, Number(match[2]));
  }
  return `${today}-key-${String(highest + 1)}`;
}

function normalizePem(pem: string): string {
  return pem.replace(/\s+/g, '');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
