import { z } from 'zod';

const secret = (description: string) => z.string().min(1).meta({ writeOnly: true, description });

/** Credentials for the request's own origin: never sent to another origin after a redirect. */
export const authSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('basic').meta({ description: 'HTTP Basic authentication (RFC 7617).' }),
      username: z.string().meta({ description: 'User name (not secret).', examples: ['ubom'] }),
      password: secret('Password.'),
    }),
    z.strictObject({
      type: z.literal('bearer').meta({ description: 'A bearer token (RFC 6750).' }),
      token: secret('Sent as `Authorization: Bearer <token>`.'),
    }),
    z.strictObject({
      type: z.literal('api_key').meta({ description: 'An API key sent in a header.' }),
      header: z
        .string()
        .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be a header name')
        .default('X-API-Key')
        .meta({ description: 'Header that carries the key.' }),
      value: secret('The API key.'),
    }),
    z.strictObject({
      type: z.literal('oauth2_client_credentials').meta({
        description: 'An OAuth 2.0 access token from the client credentials grant (RFC 6749 §4.4).',
      }),
      token_url: z
        .url({ protocol: /^https?$/, error: 'must be an absolute http:// or https:// URL' })
        .meta({ description: 'The token endpoint.', examples: ['https://auth.example.com/oauth/token'] }),
      client_id: z
        .string()
        .min(1)
        .meta({ description: 'The OAuth client id (not secret).', examples: ['my-client'] }),
      client_secret: secret('The client secret.'),
      scope: z.string().min(1).optional().meta({ description: 'Space-separated scopes.' }),
      audience: z.string().min(1).optional().meta({ description: 'Sent as `audience` (Auth0, Okta…).' }),
      client_auth: z.enum(['basic', 'body']).default('basic').meta({
        description:
          '`basic`: client id and secret in an Authorization header (RFC 6749 §2.3.1); `body`: in the form.',
      }),
    }),
  ])
  .meta({
    description:
      'Credentials: `basic`, `bearer`, `api_key` (a header) or `oauth2_client_credentials` (a token fetched, cached until it expires, fetched again once on a 401). Masked everywhere, also in derived forms.',
  });

export type AuthConfig = z.infer<typeof authSchema>;
export type OAuthConfig = Extract<AuthConfig, { type: 'oauth2_client_credentials' }>;
