import { z } from 'zod';
import { common, httpUrl, kind, method, secret } from './config-fields';

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

export type AzureConfig = z.infer<typeof azureConfigSchema>;
