import type { HttpClients } from './clients';
import type { AuthConfig } from './config-auth';
import { fetchToken, type PostForm } from './oauth';

/** The headers that authenticate a request to the work's own origin. */
export interface Credentials {
  headers: Record<string, string>;
  /** The OAuth2 access token in use (to drop it on a 401). */
  token?: string;
  /** True when this work fetched the token (not from the cache). */
  fetched?: boolean;
}

export interface CredentialTools {
  clients: HttpClients;
  post: PostForm;
  secret: (value: string) => void;
  log: (message: string) => void;
}

/** No `auth`: no headers. */
export const NO_CREDENTIALS: Credentials = { headers: {} };

/**
 * The credential headers for `auth`. Derived values (the Basic header, the fetched token) are
 * registered as secrets before they are used. `stale`: an OAuth2 token the server refused.
 */
export async function credentials(
  auth: AuthConfig | undefined,
  tools: CredentialTools,
  stale?: string,
): Promise<Credentials> {
  switch (auth?.type) {
    case undefined:
      return NO_CREDENTIALS;
    case 'basic': {
      const encoded = Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
      tools.secret(encoded);
      tools.secret(`Basic ${encoded}`);
      return { headers: { authorization: `Basic ${encoded}` } };
    }
    case 'bearer':
      return { headers: { authorization: `Bearer ${auth.token}` } };
    case 'api_key':
      return { headers: { [auth.header.toLowerCase()]: auth.value } };
    case 'oauth2_client_credentials': {
      const { token, fetched } = await tools.clients.tokens.get(
        auth,
        () => fetchToken(auth, tools.post, tools.secret),
        stale,
      );
      // a cached token is new to this work's masker
      tools.secret(token.value);
      tools.secret(`Bearer ${token.value}`);
      if (fetched) {
        const life =
          token.expiresAt === undefined
            ? 'no expiry given'
            : `reused for ${Math.round((token.expiresAt - Date.now()) / 1000)}s`;
        tools.log(`fetched an OAuth2 access token from ${auth.token_url} (${life})`);
      }
      return { headers: { authorization: `Bearer ${token.value}` }, token: token.value, fetched };
    }
  }
}

/** The header an `api_key` auth uses (removed with the credentials on another origin). */
export const apiKeyHeader = (auth: AuthConfig | undefined): string | undefined =>
  auth?.type === 'api_key' ? auth.header : undefined;
