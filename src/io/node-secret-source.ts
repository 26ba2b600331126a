import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { SecretSource } from '../core/secret-source.js';

export const nodeSecretSource: SecretSource = {
  randomHex: (bytes) => randomBytes(bytes).toString('hex'),
  randomBase64Url: (bytes) => randomBytes(bytes).toString('base64url'),
  generateRsaKeyPair() {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    return { privateKeyPem: privateKey, publicKeyPem: publicKey };
  },
  publicKeyFromPrivate(privateKeyPem) {
    try {
      const key = createPrivateKey(privateKeyPem);
      // Tokens are signed RS256: an EC key or a short RSA key would parse, then fail at signing.
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      if (key.asymmetricKeyType !== 'rsa' || bits < 2048) return undefined;
      return createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
    } catch {
      return undefined;
    }
  },
};
