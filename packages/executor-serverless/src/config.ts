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

/** The key that picks a provider's or a credentials' variant, described. */
const kind = <const T extends string>(value: T, description: string) =>
  z.literal(value).meta({ description });

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
        type: kind('aws_iam', 'Static keys of an IAM user or role.'),
        access_key: z
          .string()
          .min(16)
          .max(128)
          .meta({ description: 'AWS access key id.', examples: ['AKIAIOSFODNN7EXAMPLE'] }),
        secret_key: secret('AWS secret access key.'),
        session_token: secret('Session token of temporary credentials.').optional(),
      })
      .strict(),
    z
      .object({
        type: kind('profile', 'A named profile of the shared config and credentials files.'),
        profile: z
          .string()
          .min(1)
          .meta({ description: 'The profile name (~/.aws/config).', examples: ['deploy'] }),
      })
      .strict(),
    z
      .object({
        type: kind('default', "The SDK's default provider chain (environment, files, instance role)."),
      })
      .strict(),
  ])
  .meta({ description: 'Static keys (aws_iam), a named profile, or the default provider chain (default).' });

export const awsConfigSchema = z
  .object({
    provider: kind('aws', 'AWS Lambda.'),
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
    invocation_type: z.enum(['sync', 'async', 'dry_run']).optional().meta({
      description:
        '`sync` waits for the answer (RequestResponse, default), `async` queues the event (Event), `dry_run` checks access and parameters only (DryRun).',
    }),
    qualifier: z
      .string()
      .regex(/^[a-zA-Z0-9$_-]{1,128}$/, 'must be a version number or alias name')
      .optional()
      .meta({ description: 'The version or alias to invoke. Default $LATEST.', examples: ['prod', '3'] }),
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
        type: kind('service_account', 'A service-account key.'),
        key: secret('Service-account key file contents (JSON).'),
      })
      .strict(),
    z
      .object({
        type: kind(
          'default',
          'Application Default Credentials: key file in the environment, gcloud, metadata server.',
        ),
      })
      .strict(),
    z.object({ type: kind('none', 'No ID token: a public function or an emulator.') }).strict(),
  ])
  .meta({ description: 'Service-account key, Application Default Credentials (default), or none.' });

export const gcpConfigSchema = z
  .object({
    provider: kind('gcp', 'Google Cloud Functions (2nd gen and 1st gen HTTP functions).'),
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
      .optional()
      .meta({
        description: 'Region of the function, with project, to find it by its short name.',
        examples: ['us-central1'],
      }),
    project: z
      .string()
      .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'must be a GCP project id')
      .optional()
      .meta({
        description: 'Project id of the function, with region, to find it by its short name.',
        examples: ['my-project-123'],
      }),
    credentials: gcpCredentials.optional(),
    invocation_type: z.enum(['sync', 'dry_run']).optional().meta({
      description:
        '`sync` calls the function (default); `dry_run` resolves its URL and gets a token, and calls nothing.',
    }),
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
    z
      .object({
        type: kind('function_key', 'A function key, sent as x-functions-key.'),
        key: secret('Function key (x-functions-key).'),
      })
      .strict(),
    z
      .object({
        type: kind('client_secret', 'An Entra ID app registration: fetches the function key through ARM.'),
        tenant_id: z
          .string()
          .min(1)
          .meta({
            description: 'Directory (tenant) id of the app registration.',
            examples: ['00000000-0000-0000-0000-000000000000'],
          }),
        client_id: z
          .string()
          .min(1)
          .meta({
            description: 'Application (client) id of the app registration.',
            examples: ['00000000-0000-0000-0000-000000000000'],
          }),
        client_secret: secret('Client secret of the app registration.'),
        authority_host: httpUrl('Microsoft Entra authority host.').optional(),
      })
      .strict(),
    z
      .object({
        type: kind(
          'managed_identity',
          'The managed identity of the Azure host: fetches the key through ARM.',
        ),
        client_id: z
          .string()
          .min(1)
          .optional()
          .meta({ description: 'Client id of a user-assigned identity. Default: the system-assigned one.' }),
      })
      .strict(),
    z
      .object({
        type: kind('default', 'DefaultAzureCredential (environment, workload identity, Azure CLI…).'),
      })
      .strict(),
  ])
  .meta({ description: 'A function key, or Entra ID credentials used to fetch one through ARM listkeys.' });

export const azureConfigSchema = z
  .object({
    provider: kind('azure', 'Azure Functions (HTTP triggers).'),
    ...common,
    function: z
      .string()
      .regex(/^[a-zA-Z0-9_-]+$/, 'must be a function name')
      .meta({ description: 'The function name in its function app.', examples: ['HttpTrigger1'] }),
    app: z
      .string()
      .regex(/^[a-zA-Z0-9-]{2,60}$/, 'must be a function app name')
      .optional()
      .meta({
        description: 'The function app: the URL is https://{app}.azurewebsites.net/api/{function}.',
        examples: ['my-function-app'],
      }),
    subscription_id: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'Subscription of the function app, to fetch the function key through ARM.' }),
    resource_group: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'Resource group of the function app, to fetch the function key through ARM.' }),
    credentials: azureCredentials,
    invocation_type: z.enum(['sync', 'dry_run']).optional().meta({
      description:
        '`sync` calls the function (default); `dry_run` resolves its URL and key, and calls nothing.',
    }),
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
      {
        provider: 'gcp',
        function: 'my-function',
        project: 'my-project-123',
        region: 'us-central1',
        credentials: { type: 'default' },
      },
      {
        provider: 'azure',
        function: 'HttpTrigger1',
        app: 'my-function-app',
        subscription_id: '00000000-0000-0000-0000-000000000000',
        resource_group: 'my-resource-group',
        credentials: { type: 'function_key', key: 'your-function-key' },
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
