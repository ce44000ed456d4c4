import { DURATION_PATTERN, type KernelConfigKeys, SIZE_PATTERN } from '@ubom/core';
import { z } from 'zod';
import { authSchema } from './config-auth';

/** Shown in errors: `[ubom] [http] …`. */
export const SCOPE = 'http';

export const duration = (description: string) =>
  z
    .union([
      z.string().regex(new RegExp(DURATION_PATTERN), 'must look like 500ms, 30s or 1m30s'),
      z.int().nonnegative().meta({ description: 'milliseconds' }),
    ])
    .meta({ description, examples: ['500ms', '30s'] });

/** RFC 9110 `token`: what a header name may be made of. */
export const HEADER_NAME_PATTERN = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$";
const headerName = z.string().regex(new RegExp(HEADER_NAME_PATTERN), 'must be a header name');
const headerValue = z.string().regex(/^[^\r\n\0]*$/, 'must not contain CR, LF or NUL');

/** Checked by pattern (a fraction of `z.url()`'s cost on every run); `validate` parses it. */
export const httpUrl = z
  .string()
  .regex(/^https?:\/\/[^\s/?#]+[^\s]*$/, 'must be an absolute http:// or https:// URL');

export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type Method = (typeof METHODS)[number];
/** RFC 9110 §9.2.2 idempotent methods: retried by default. */
export const IDEMPOTENT_METHODS: readonly Method[] = ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'];

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const params = z.record(z.string().min(1), z.union([scalar, z.array(scalar)]));

const bodySchema = z
  .strictObject({
    json: z.json().optional().meta({ description: 'Sent as JSON (`application/json`).' }),
    form: params.optional().meta({
      description: 'Sent URL-encoded (`application/x-www-form-urlencoded`); arrays repeat the key.',
    }),
    text: z.string().optional().meta({ description: 'Sent as is (`text/plain; charset=utf-8`).' }),
    base64: z
      .base64()
      .optional()
      .meta({ description: 'Bytes, base64-encoded (`application/octet-stream`).' }),
  })
  .refine((b) => Object.values(b).filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of json, form, text or base64',
  })
  .meta({
    description:
      'The request body: exactly one of `json`, `form`, `text`, `base64`. A `content-type` header overrides the default type.',
    examples: [{ json: { name: 'ubom' } }, { form: { q: 'x' } }],
  });

const statusPattern = z.union([
  z.int().min(100).max(599),
  z.string().regex(/^[1-5]xx$/, 'must be a status (404) or a class ("2xx")'),
]);

export const tlsSchema = z
  .strictObject({
    ca_cert: z.string().min(1).optional().meta({
      description:
        'CA certificate(s) the server must chain to, PEM text or a file path. Replaces the system roots.',
    }),
    client_cert: z.string().min(1).optional().meta({
      description: 'Client certificate for mutual TLS, PEM text or a file path (with `client_key`).',
    }),
    client_key: z
      .string()
      .min(1)
      .optional()
      .meta({ writeOnly: true, description: 'Private key of `client_cert`, PEM text or a file path.' }),
    client_key_passphrase: z
      .string()
      .min(1)
      .optional()
      .meta({ writeOnly: true, description: 'Passphrase of an encrypted `client_key`.' }),
    server_name: z.string().min(1).optional().meta({
      description: "Name the server's certificate is checked against (and SNI), instead of the URL's host.",
    }),
    insecure_skip_verify: z.boolean().default(false).meta({
      description: 'Accept any server certificate. Insecure: every work using it logs a warning.',
    }),
  })
  .meta({ description: 'TLS for https:// URLs. Certificates are verified unless `insecure_skip_verify`.' });

export const retrySchema = z
  .strictObject({
    max_attempts: z.int().min(1).max(10).default(3).meta({ description: 'Attempts in all (1 = no retry).' }),
    initial_delay: duration('Wait before the first retry.').default('500ms'),
    max_delay: duration('Longest wait between attempts; a longer Retry-After stops the retries.').default(
      '30s',
    ),
    backoff_multiplier: z
      .number()
      .min(1)
      .max(10)
      .default(2)
      .meta({ description: 'Growth of the wait per retry.' }),
    retry_on: z
      .array(z.int().min(100).max(599))
      .default([502, 503, 504, 429])
      .meta({ description: 'Statuses that are retried (network errors always are).' }),
    methods: z
      .array(z.enum(METHODS))
      .default([...IDEMPOTENT_METHODS])
      .meta({
        description:
          'Methods that may be retried. Default: the idempotent ones; add POST or PATCH to retry them too.',
      }),
  })
  .meta({ description: 'Retries on network errors and `retry_on` statuses, honouring Retry-After.' });

/** `executor_config` of an `http` work. Defined once: the TS type and the JSON Schema come from it. */
export const httpConfigSchema = z
  .strictObject({
    url: httpUrl.meta({ description: 'The URL to call.', examples: ['https://api.example.com/v1/items'] }),
    method: z
      .enum(METHODS)
      .default('GET')
      .meta({ description: 'The HTTP method. GET and HEAD send no body.' }),
    query: params.optional().meta({
      description: 'Query parameters added to the URL (arrays repeat the key).',
      examples: [{ page: 2, tag: ['a', 'b'] }],
    }),
    headers: z
      .record(headerName, headerValue)
      .optional()
      .meta({
        description: 'Request headers. Not secret: credentials belong in `auth`.',
        examples: [{ accept: 'application/json' }],
      }),
    body: bodySchema.optional(),
    auth: authSchema.optional(),
    tls: tlsSchema.optional(),
    success_status: z
      .array(statusPattern)
      .min(1)
      .default(['2xx'])
      .meta({ description: 'Statuses that make the work succeed.', examples: [['2xx', 304]] }),
    retry: retrySchema.optional(),
    max_redirects: z
      .int()
      .min(0)
      .max(50)
      .default(10)
      .meta({ description: 'Redirects followed at most (0: the 3xx response is the answer).' }),
    max_response_bytes: z
      .union([
        z.string().regex(new RegExp(SIZE_PATTERN), 'must look like 512k, 10m or 1g'),
        z.int().min(0).meta({ description: 'bytes' }),
      ])
      .default('10m')
      .meta({
        description: 'Largest body kept in `outputs.body`; a bigger one fails the work (see `output_file`).',
      }),
    output_file: z.string().min(1).optional().meta({
      description:
        'Stream the body of a successful response to this file instead (no size limit); its folder must exist.',
    }),
    response_format: z.enum(['auto', 'json', 'text', 'base64']).default('auto').meta({
      description: '`auto`: JSON when the response says so (`application/json`, `+json`), else text.',
    }),
    extract: z
      .record(
        z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a snake_case output name'),
        z.string().regex(/^(\/.*)?$/, 'must be a JSON pointer like /data/id'),
      )
      .optional()
      .meta({
        description: 'Outputs lifted from the JSON body by JSON pointer (RFC 6901).',
        examples: [{ user_id: '/data/id' }],
      }),
  })
  .meta({ description: 'An HTTP request and what makes it succeed.' });

/** `executor_config` as written (defaults optional). `timeout` is the kernel's and applies to all attempts. */
export type HttpConfigInput = z.input<typeof httpConfigSchema> & KernelConfigKeys;
/** `executor_config` once parsed (defaults applied, `timeout` taken out by the kernel). */
export type HttpConfig = z.infer<typeof httpConfigSchema>;
export type TlsConfig = z.infer<typeof tlsSchema>;
export type RetryConfig = z.infer<typeof retrySchema>;
export type BodyConfig = z.infer<typeof bodySchema>;
