import { z } from 'zod';

const secret = (description: string) => z.string().min(1).meta({ writeOnly: true, description });

/** Credentials for the request's own origin: never sent to another origin after a redirect. */
export const authSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('basic'),
      username: z.string().meta({ description: 'User name (not secret).' }),
      password: secret('Password.'),
    }),
    z.strictObject({
      type: z.literal('bearer'),
      token: secret('Sent as `Authorization: Bearer <token>`.'),
    }),
    z.strictObject({
      type: z.literal('api_key'),
      header: z
        .string()
        .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be a header name')
        .default('X-API-Key')
        .meta({ description: 'Header that carries the key.' }),
      value: secret('The API key.'),
    }),
    z.strictObject({
      type: z.literal('oauth2_client_credentials'),
      token_url: z
        .url({ protocol: /^https?$/, error: 'must be an absolute http:// or https:// URL' })
        .meta({ description: 'The token endpoint.' }),
      client_id: z.string().min(1),
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
