import type { AzureTarget } from './target.js';
import type { TokenCredential } from './sdk.js';

/**
 * Who the vault sees: the service principal's client id, else the identity in the token the chain
 * produced (its `upn`, `appid` or `oid` claim), else the chain itself.
 */
export function observeIdentity(target: AzureTarget): {
  wrap: (credential: TokenCredential) => TokenCredential;
  describe: () => string;
} {
  let fromToken: string | undefined;
  return {
    wrap: (credential) => ({
      getToken: async (scopes, options) => {
        const token = await credential.getToken(scopes, options);
        if (token) fromToken = identityFromToken(token.token);
        return token;
      },
    }),
    describe: () => {
      if (target.credential.kind === 'client-secret') {
        return `service principal ${target.credential.clientId}`;
      }
      return fromToken ?? 'the DefaultAzureCredential identity';
    },
  };
}

function identityFromToken(token: string): string | undefined {
  try {
    const payload = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString(),
    ) as Record<string, unknown>;
    const claim = (k: string): string | undefined => {
      const value = payload[k];
      return typeof value === 'string' ? value : undefined;
    };
    const user = claim('upn') ?? claim('unique_name') ?? claim('preferred_username');
    if (user) return `user ${user}`;
    const app = claim('appid') ?? claim('azp');
    if (app) return `application ${app}`;
    const object = claim('oid');
    return object ? `identity ${object}` : undefined;
  } catch {
    return undefined;
  }
}
