import type { ValidationIssue } from '@ubom/core';
import { z } from 'zod';

/** Shown in errors: `[ubom] [serverless] …`. */
export const SCOPE = 'serverless';

const secret = (description: string) => z.string().min(1).meta({ writeOnly: true, description });

const httpUrl = (description: string) =>
  z
    .string()
    .regex(/^https?:\/\/[^\s/]+/, 'must be an http:// or https:// URL')
    .meta({ description });

const method = z
  .enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
  .meta({ description: 'HTTP method used to call the function. Default POST (GET sends no body).' });

/** Keys every provider shares (the seed's `function`, plus `payload`; `timeout` is the kernel's). */
const common = {
  function: z.string().min(1).meta({ description: 'The function to invoke.' }),
  payload: z
    .json()
    .optional()
    .meta({ description: 'JSON sent to the function. Defaults to `work.inputs` (or `{}`).' }),
};

// ---------------------------------------------------------------- AWS

const LAMBDA_FUNCTION_PATTERN =
  '^(arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:)?([0-9]{12}:function:)?[a-zA-Z0-9_-]{1,140}(:[a-zA-Z0-9$_-]+)?$';

const awsCredentials = z
  .discriminatedUnion('type', [
    z
      .object({
        type: z.literal('aws_iam'),
        access_key: z
          .string()
          .min(16)
          .max(128)
          .meta({ examples: ['AKIAIOSFODNN7EXAMPLE'] }),
        secret_key: secret('AWS secret access key.'),
        session_token: secret('Session token of temporary credentials.').optional(),
      })
      .strict(),
    z.object({ type: z.literal('profile'), profile: z.string().min(1) }).strict(),
    z.object({ type: z.literal('default') }).strict(),
  ])
  .meta({ description: 'Static keys (aws_iam), a named profile, or the default provider chain (default).' });

export const awsConfigSchema = z
  .object({
    provider: z.literal('aws'),
    ...common,
    function: z
      .string()
      .regex(new RegExp(LAMBDA_FUNCTION_PATTERN), 'must be a Lambda function name, partial ARN or ARN')
      .meta({ description: 'Function name, partial ARN or ARN.', examples: ['my-lambda-function'] }),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-[0-9]$/, 'must look like us-east-1')
      .optional()
      .meta({
        description: 'AWS region. Default: the ARN region, else AWS_REGION.',
        examples: ['us-east-1'],
      }),
    credentials: awsCredentials.optional(),
    invocation_type: z.enum(['sync', 'async', 'dry_run']).optional(),
    qualifier: z
      .string()
      .regex(/^[a-zA-Z0-9$_-]{1,128}$/, 'must be a version number or alias name')
      .optional(),
    endpoint: httpUrl('Lambda API endpoint, e.g. LocalStack or a VPC endpoint.').optional(),
    max_attempts: z
      .number()
      .int()
      .min(1)
      .max(10)
      .optional()
      .meta({ description: 'SDK attempts including retries of throttled calls. Default 3.' }),
    refuse_longer_functions: z.boolean().optional().meta({
      description:
        "Refuse a sync call when the function's own timeout is longer than the work's, instead of warning.",
    }),
  })
  .strict();

// ---------------------------------------------------------------- GCP

const gcpCredentials = z
  .discriminatedUnion('type', [
    z
      .object({
        type: z.literal('service_account'),
        key: secret('Service-account key file contents (JSON).'),
      })
      .strict(),
    z.object({ type: z.literal('default') }).strict(),
    z.object({ type: z.literal('none') }).strict(),
  ])
  .meta({ description: 'Service-account key, Application Default Credentials (default), or none.' });

export const gcpConfigSchema = z
  .object({
    provider: z.literal('gcp'),
    ...common,
    function: z
      .string()
      .regex(/^[a-zA-Z0-9_/-]+$/, 'must be a function name or projects/…/functions/… name')
      .meta({
        description: 'Function name, or its full name projects/P/locations/L/functions/F.',
        examples: ['my-function'],
      }),
    region: z
      .string()
      .regex(/^[a-z]+-[a-z]+[0-9]$/, 'must look like us-central1')
      .optional(),
    project: z
      .string()
      .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'must be a GCP project id')
      .optional(),
    credentials: gcpCredentials.optional(),
    invocation_type: z.enum(['sync', 'dry_run']).optional(),
    endpoint: httpUrl('Function URL; when absent it is resolved with getFunction.').optional(),
    api_endpoint: httpUrl('Cloud Functions API endpoint (emulators, private endpoints).').optional(),
    audience: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'ID token audience. Default: the function URL.' }),
    method: method.optional(),
  })
  .strict();

// ---------------------------------------------------------------- Azure

const azureCredentials = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('function_key'), key: secret('Function key (x-functions-key).') }).strict(),
    z
      .object({
        type: z.literal('client_secret'),
        tenant_id: z.string().min(1),
        client_id: z.string().min(1),
        client_secret: secret('Client secret of the app registration.'),
        authority_host: httpUrl('Microsoft Entra authority host.').optional(),
      })
      .strict(),
    z.object({ type: z.literal('managed_identity'), client_id: z.string().min(1).optional() }).strict(),
    z.object({ type: z.literal('default') }).strict(),
  ])
  .meta({ description: 'A function key, or Entra ID credentials used to fetch one through ARM listkeys.' });

export const azureConfigSchema = z
  .object({
    provider: z.literal('azure'),
    ...common,
    function: z
      .string()
      .regex(/^[a-zA-Z0-9_-]+$/, 'must be a function name')
      .meta({ examples: ['HttpTrigger1'] }),
    app: z
      .string()
      .regex(/^[a-zA-Z0-9-]{2,60}$/, 'must be a function app name')
      .optional(),
    subscription_id: z.string().min(1).optional(),
    resource_group: z.string().min(1).optional(),
    credentials: azureCredentials,
    invocation_type: z.enum(['sync', 'dry_run']).optional(),
    endpoint: httpUrl('Function URL. Default https://{app}.azurewebsites.net/api/{function}.').optional(),
    api_endpoint: httpUrl(
      'Azure Resource Manager endpoint. Default https://management.azure.com.',
    ).optional(),
    method: method.optional(),
  })
  .strict();

export const serverlessConfigSchema = z
  .discriminatedUnion('provider', [awsConfigSchema, gcpConfigSchema, azureConfigSchema])
  .meta({
    examples: [
      {
        provider: 'aws',
        function: 'my-lambda-function',
        region: 'us-east-1',
        credentials: {
          type: 'aws_iam',
          access_key: 'AKIAIOSFODNN7EXAMPLE',
          secret_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        },
        timeout: '30s',
      },
    ],
  });

export type ServerlessConfig = z.infer<typeof serverlessConfigSchema>;
export type AwsConfig = z.infer<typeof awsConfigSchema>;
export type GcpConfig = z.infer<typeof gcpConfigSchema>;
export type AzureConfig = z.infer<typeof azureConfigSchema>;
export type Provider = ServerlessConfig['provider'];

/** The region of an aws work: `region`, else the one in the ARN, else `AWS_REGION` / `AWS_DEFAULT_REGION`. */
export const awsRegion = (config: AwsConfig): string | undefined =>
  config.region ??
  /^arn:[^:]+:lambda:([^:]+):/.exec(config.function)?.[1] ??
  process.env.AWS_REGION ??
  process.env.AWS_DEFAULT_REGION;

/** The rules the schema cannot express (which keys a provider needs together); every problem at once. */
export function crossFieldIssues(config: ServerlessConfig): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const at = (key: string, message: string) => issues.push({ path: `executor_config.${key}`, message });
  switch (config.provider) {
    case 'aws':
      if (awsRegion(config) === undefined)
        at('region', 'is required: give region, a function ARN or set AWS_REGION');
      break;
    case 'gcp':
      if (config.endpoint === undefined && !config.function.startsWith('projects/'))
        if (config.project === undefined || config.region === undefined)
          at(
            'endpoint',
            'give the function URL, or project and region (or a full projects/…/functions/… name)',
          );
      break;
    case 'azure':
      if (config.endpoint === undefined && config.app === undefined)
        at('app', 'give the function app name or the function URL');
      if (config.credentials.type !== 'function_key')
        for (const key of ['app', 'subscription_id', 'resource_group'] as const)
          if (config[key] === undefined) at(key, 'is needed to fetch the function key through ARM');
      break;
  }
  return issues;
}
