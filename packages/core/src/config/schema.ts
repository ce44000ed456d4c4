import { DURATION_PATTERN } from '../util/duration';

/** The JSON Schema of `ubom.config.json` (editors complete it through `"$schema"`). */
export const UBOM_CONFIG_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://ubom.dev/schemas/ubom.config.json',
  title: 'UBOM configuration',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string', description: 'The JSON Schema of this file, for editors.' },
    plugins: {
      type: 'object',
      description:
        'The `initialize` config of each plugin, keyed by its package name (as `ubom plugins list` shows it), checked against the plugin’s own schema. `$' +
        '{env:NAME}` is replaced by the environment variable.',
      additionalProperties: { type: 'object' },
      examples: [{ '@ubom/executor-docker': { allowed_host_paths: ['/srv/data'] } }],
    },
    plugin_paths: {
      type: 'array',
      description: 'Folders of plugin packages to load (relative to this file), before installed ones.',
      items: { type: 'string', minLength: 1 },
    },
    secrets: {
      type: 'array',
      description: 'Where `{ "$secret": "NAME" }` references are resolved, tried in order.',
      items: {
        oneOf: [
          {
            type: 'object',
            additionalProperties: false,
            required: ['type'],
            properties: {
              type: { const: 'env' },
              prefix: {
                type: 'string',
                default: 'UBOM_SECRET_',
                description: 'NAME is the variable <prefix>NAME.',
              },
            },
          },
          {
            type: 'object',
            additionalProperties: false,
            required: ['type'],
            properties: {
              type: { const: 'file' },
              dir: { type: 'string', default: '/run/secrets', description: 'NAME is the file <dir>/NAME.' },
            },
          },
        ],
      },
      default: [{ type: 'env', prefix: 'UBOM_SECRET_' }],
    },
    defaults: {
      type: 'object',
      additionalProperties: false,
      description: 'Applied to works that do not set them.',
      properties: {
        timeout: {
          description: 'work.timeout for works without one.',
          anyOf: [
            { type: 'string', pattern: DURATION_PATTERN, examples: ['10m'] },
            { type: 'number', minimum: 0 },
          ],
        },
      },
    },
  },
} as const;
