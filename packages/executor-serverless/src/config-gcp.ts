import { z } from 'zod';
import { common, httpUrl, kind, method, secret } from './config-fields';

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

export type GcpConfig = z.infer<typeof gcpConfigSchema>;
