import type { ValidationIssue } from '@ubom/core';
import { z } from 'zod';
import { awsConfigSchema, awsRegion } from './config-aws';
import { azureConfigSchema } from './config-azure';
import { gcpConfigSchema } from './config-gcp';

// `executor_config`: the three providers' schemas (config-aws, config-gcp, config-azure, built from the
// shared fields of config-fields), their union and the rules across fields.
export { type AwsConfig, awsConfigSchema, awsRegion } from './config-aws';
export { type AzureConfig, azureConfigSchema } from './config-azure';
export { SCOPE } from './config-fields';
export { type GcpConfig, gcpConfigSchema } from './config-gcp';

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
export type Provider = ServerlessConfig['provider'];

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
