/**
 * Where new secret material comes from. The core never touches node:crypto itself: the CLI injects
 * the real implementation (src/io/node-secret-source.ts) and tests inject a deterministic one.
 */
export interface SecretSource {
  /** `bytes` random bytes as lowercase hex (2 × bytes characters). */
  randomHex(bytes: number): string;
  /** `bytes` random bytes as unpadded base64url. */
  randomBase64Url(bytes: number): string;
  /** A fresh RSA-2048 key pair: PKCS#8 private PEM and SPKI public PEM, each ending with "\n". */
  generateRsaKeyPair(): { privateKeyPem: string; publicKeyPem: string };
  /**
   * The SPKI public PEM of a PKCS#8 (or PKCS#1) RSA private PEM of 2048 bits or more, or undefined
   * when it does not parse or is another kind of key.
   */
  publicKeyFromPrivate(privateKeyPem: string): string | undefined;
}
