import { json, startServer, type TestServer } from './server';

export interface TokenServer {
  server: TestServer;
  fetches: () => number;
  lastForm: () => URLSearchParams | undefined;
  lastAuth: () => string | undefined;
  revoke: () => void;
  setExpiresIn: (s: number | undefined) => void;
  failWith: (status: number | undefined) => void;
}

/** An OAuth2 token endpoint (client credentials) on its own origin. */
export async function tokenServer(
  clientId: string,
  clientSecret: string,
  valid: Set<string>,
): Promise<TokenServer> {
  let n = 0;
  let form: URLSearchParams | undefined;
  let auth: string | undefined;
  let expiresIn: number | undefined = 3600;
  let failure: number | undefined;
  const server = await startServer({
    routes: {
      '/oauth/token': (req, res, body) => {
        form = new URLSearchParams(body);
        auth = req.headers.authorization;
        if (failure)
          return json(res, failure, {
            error: 'invalid_client',
            error_description: `bad secret ${clientSecret}`,
          });
        const basic = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
        const byBody = form.get('client_id') === clientId && form.get('client_secret') === clientSecret;
        if (
          req.method !== 'POST' ||
          form.get('grant_type') !== 'client_credentials' ||
          (auth !== basic && !byBody)
        )
          return json(res, 401, { error: 'invalid_client' });
        n++;
        const token = `access-token-${n}-${Math.random().toString(36).slice(2)}`;
        valid.add(token);
        json(res, 200, {
          access_token: token,
          token_type: 'Bearer',
          ...(expiresIn === undefined ? {} : { expires_in: expiresIn }),
        });
      },
    },
  });
  return {
    server,
    fetches: () => n,
    lastForm: () => form,
    lastAuth: () => auth,
    revoke: () => valid.clear(),
    setExpiresIn: (s) => {
      expiresIn = s;
    },
    failWith: (status) => {
      failure = status;
    },
  };
}
