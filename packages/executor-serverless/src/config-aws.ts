import { z } from 'zod';
import { common, httpUrl, kind, secret } from './config-fields';

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

export type AwsConfig = z.infer<typeof awsConfigSchema>;

/** The region of an aws work: `region`, else the one in the ARN, else `AWS_REGION` / `AWS_DEFAULT_REGION`. */
export const awsRegion = (config: AwsConfig): string | undefined =>
  config.region ??
  /^arn:[^:]+:lambda:([^:]+):/.exec(config.function)?.[1] ??
  process.env.AWS_REGION ??
  process.env.AWS_DEFAULT_REGION;
