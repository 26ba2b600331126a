import { generateKeyPairSync } from 'node:crypto';
import type { SecretSource } from '../../src/core/secret-source.js';
import { nodeSecretSource } from '../../src/io/node-secret-source.js';

let sharedPairs: Array<{ privateKeyPem: string; publicKeyPem: string }> | undefined;

function realPairs(): Array<{ privateKeyPem: string; publicKeyPem: string }> {
  sharedPairs ??= [0, 1, 2].map(() => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    return { privateKeyPem: privateKey, publicKeyPem: publicKey };
  });
  return sharedPairs;
}

/**
 * A deterministic SecretSource for core tests: random values are numbered so a test can tell which
 * call produced which value; RSA pairs are real (generated once per test file) and handed out in turn.
 */
export function countingSource(
  firstPair = 0,
): SecretSource & { calls: { hex: number; base64: number; rsa: number } } {
  const calls = { hex: 0, base64: 0, rsa: 0 };
  let nextPair = firstPair;
  return {
    calls,
    randomHex(bytes) {
      calls.hex += 1;
      return String(calls.hex).padStart(bytes * 2, 'a');
    },
    randomBase64Url(bytes) {
      calls.base64 += 1;
      return `b64-${String(calls.base64)}`.padEnd(Math.ceil((bytes * 4) / 3), 'x');
    },
    generateRsaKeyPair() {
      const pairs = realPairs();
      const pair = pairs[nextPair % pairs.length];
      nextPair += 1;
      calls.rsa += 1;
      if (!pair) throw new Error('no key pair');
      return pair;
    },
    publicKeyFromPrivate: (pem) => nodeSecretSource.publicKeyFromPrivate(pem),
  };
}
