import {
  DURATION_PATTERN,
  formatDuration,
  type KernelConfigKeys,
  MAX_DURATION_MS,
  parseDuration,
  type ValidationIssue,
} from '@ubom/core';
import { z } from 'zod';

/** The scope of this package's errors: `[ubom] [grpc] …`. */
export const SCOPE = 'grpc';

/** gRPC status code names, as grpcurl and the gRPC docs spell them. */
export const STATUS_CODE_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;
export type StatusCodeName = (typeof STATUS_CODE_NAMES)[number];

const AT_MOST = `must be at most ${formatDuration(MAX_DURATION_MS)}`;

/** A Go-style duration or milliseconds, at most core's one maximum (596h) like every UBOM duration. */
export const duration = (description: string) =>
  z
    .union([
      z
        .string()
        .regex(new RegExp(DURATION_PATTERN), { message: 'must be a duration like 500ms, 2s or 1m30s' })
        .refine((v) => !((parseDuration(v) ?? 0) > MAX_DURATION_MS), { message: AT_MOST })
        .meta({ examples: ['2s'] }),
      z.number().positive().max(MAX_DURATION_MS, { message: AT_MOST }),
    ])
    .meta({
      description: `${description} A Go-style duration ("2s", "1m30s") or milliseconds.`,
      examples: ['30s'],
    });

const pem = (what: string) =>
  z
    .string()
    .min(1)
    .meta({ description: `${what}: PEM text, or the path of a PEM file.` });

export const METHOD_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*/[A-Za-z_][A-Za-z0-9_]*$';
const HEADER_PATTERN = '^[0-9a-z_.-]+$';

const json = z.record(z.string(), z.unknown());

export const tlsSchema = z
  .strictObject({
    enabled: z.boolean().default(true).meta({
      description: 'TLS is on (and verified) unless this is false: plaintext must be asked for explicitly.',
    }),
    ca_cert: pem('CA certificate(s) that sign the server certificate; default: the system roots').optional(),
    client_cert: pem('Client certificate for mutual TLS (needs client_key)').optional(),
    client_key: pem('Private key of client_cert').meta({ writeOnly: true }).optional(),
    server_name: z
      .string()
      .min(1)
      .meta({ description: 'Name checked against the server certificate (and sent as SNI and :authority).' })
      .optional(),
  })
  .meta({ description: 'Transport security. Omitted: TLS with the system CA roots.' });

const retrySchema = z
  .strictObject({
    max_attempts: z
      .int()
      .min(1)
      .max(10)
      .default(3)
      .meta({ description: 'Attempts in all, the first one included (1 = no retry).' }),
    initial_delay: duration('Backoff before the first retry (randomised with jitter).').default('1s'),
    max_delay: duration('Upper bound of the backoff.').default('10s'),
    backoff_multiplier: z.number().min(1).default(2).meta({ description: 'Backoff growth per attempt.' }),
    retryable_codes: z
      .array(z.enum(STATUS_CODE_NAMES.filter((c) => c !== 'OK') as [StatusCodeName, ...StatusCodeName[]]))
      .min(1)
      .default(['UNAVAILABLE'])
      .meta({ description: 'Status codes that are retried; any other status ends the call.' }),
  })
  .meta({ description: "Retries by grpc-js's own retry policy (service config). Omitted: no retry." });

/**
 * `executor_config` of a `grpc` work. `timeout` is not here: the kernel owns it (every executor takes
 * it, adds it to the published JSON Schema and hands it to `run` as `timeoutMs`).
 */
export const grpcConfigSchema = z
  .strictObject({
    endpoint: z
      .string()
      .regex(/^\S+$/, { message: 'must be a target like host:port, dns:///host:port or unix:///path' })
      .meta({
        description: 'Target, as grpc-js takes it: host:port, dns:///host:port, unix:///path.',
        examples: ['localhost:50051'],
      }),
    method: z
      .string()
      .regex(new RegExp(METHOD_PATTERN), { message: 'must look like package.Service/Method' })
      .meta({
        description: 'Fully-qualified method: package.Service/Method.',
        examples: ['package.Service/Method'],
      }),
    request: z
      .union([json, z.array(json)])
      .meta({
        description:
          'The request as JSON (proto field names or their lowerCamelCase JSON names). An array for client-streaming and bidi methods. Default: work.inputs.',
      })
      .optional(),
    tls: tlsSchema.optional(),
    metadata: z
      .record(
        z
          .string()
          .regex(new RegExp(HEADER_PATTERN), { message: 'must be a lowercase header name' })
          .meta({ examples: ['authorization'] }),
        // what HTTP/2 carries in a header value (grpc-js refuses anything else when the call is made)
        z
          .string()
          .regex(/^[ -~]*$/, {
            message: 'must be printable ASCII (space to ~); bytes go under a key ending in -bin, as base64',
          })
          .meta({ writeOnly: true }),
      )
      .meta({
        description:
          'Request metadata (headers). Values are secrets: never echoed. Keys ending in -bin take base64.',
      })
      .optional(),
    retry: retrySchema.optional(),
    proto_files: z
      .array(z.string().min(1))
      .min(1)
      .meta({ description: 'Describe the service with these .proto files instead of server reflection.' })
      .optional(),
    include_dirs: z
      .array(z.string().min(1))
      .meta({ description: 'Where imports of proto_files are looked up (like protoc -I).' })
      .optional(),
    descriptor_set: z
      .string()
      .min(1)
      .meta({ description: 'Describe the service with a FileDescriptorSet file (protoc -o / buf build -o).' })
      .optional(),
  })
  .meta({
    examples: [
      {
        endpoint: 'api.example.com:443',
        method: 'myservice.MyService/ProcessData',
        tls: { enabled: true },
        metadata: { authorization: 'Bearer token123' },
        retry: { max_attempts: 3, initial_delay: '1s' },
      },
      {
        endpoint: 'localhost:50051',
        method: 'helloworld.Greeter/SayHello',
        tls: { enabled: false },
        request: { name: 'world' },
        proto_files: ['protos/helloworld.proto'],
        include_dirs: ['protos'],
        timeout: '5s',
      },
    ],
  });

/** `executor_config` of a `grpc` work as a user writes it, the kernel's keys (`timeout`, `propagate_trace`) included. */
export type GrpcConfig = z.input<typeof grpcConfigSchema> &
  KernelConfigKeys & {
    /** Deadline of the call, all retry attempts included: a duration (`"5s"`) or ms, at most 596h. */
    timeout?: string | number;
  };
export type GrpcTlsConfig = z.input<typeof tlsSchema>;
export type GrpcRetryConfig = z.input<typeof retrySchema>;
/** `executor_config` once parsed: what `run` gets (defaults applied, `timeout` taken by the kernel). */
export type ParsedGrpcConfig = z.output<typeof grpcConfigSchema>;
export type ParsedRetryConfig = z.output<typeof retrySchema>;
export type ParsedTlsConfig = z.output<typeof tlsSchema>;

/** The rules a JSON Schema cannot express: mTLS pairs, certificates with plaintext, one descriptor source. */
export function crossFieldIssues(config: ParsedGrpcConfig): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const at = (path: string, message: string) => issues.push({ path: `executor_config.${path}`, message });
  const tls = config.tls;
  if (tls) {
    if (tls.client_cert !== undefined && tls.client_key === undefined)
      at('tls.client_key', 'is required with client_cert');
    if (tls.client_key !== undefined && tls.client_cert === undefined)
      at('tls.client_cert', 'is required with client_key');
    if (!tls.enabled) {
      for (const key of ['ca_cert', 'client_cert', 'client_key', 'server_name'] as const) {
        if (tls[key] !== undefined) at(`tls.${key}`, 'has no effect when tls.enabled is false');
      }
    }
  }
  if (config.proto_files !== undefined && config.descriptor_set !== undefined)
    at('descriptor_set', 'give either proto_files or descriptor_set, not both');
  if (config.include_dirs !== undefined && config.proto_files === undefined)
    at('include_dirs', 'is only used with proto_files');
  return issues;
}
