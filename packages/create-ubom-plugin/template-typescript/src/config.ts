import { DURATION_PATTERN, parseDuration } from '@ubom/core';
import type { FromSchema } from 'json-schema-to-ts';

/**
 * `executor_config` of a `UBOM_WORK_TYPE` work, as plain JSON Schema (draft 2020-12). The core validates
 * every work against it before `execute` runs (all problems at once, each with its JSON path, unknown
 * keys refused with a "did you mean"), so `execute` can trust the shape. Fields marked `writeOnly: true`
 * are secrets: the core masks their values in logs, outputs and errors.
 */
export const configSchema = {
  type: 'object',
  properties: {
    message: {
      type: 'string',
      minLength: 1,
      description: 'The text to print.',
      examples: ['hello world'],
    },
    transform: {
      enum: ['none', 'upper', 'lower', 'reverse'],
      default: 'none',
      description: 'What to do to the message before printing it.',
    },
    repeat: {
      type: 'integer',
      minimum: 1,
      maximum: 1000,
      default: 2,
      description: 'How many times to print it, one line each.',
    },
    delay: {
      anyOf: [
        { type: 'string', pattern: DURATION_PATTERN, examples: ['100ms', '1s'] },
        { type: 'integer', minimum: 0, description: 'milliseconds' },
      ],
      default: '100ms',
      description: 'Pause between two lines.',
    },
    token: {
      type: 'string',
      minLength: 1,
      writeOnly: true,
      description: 'Secret key: when set, `outputs.signature` is the HMAC-SHA256 of the printed message.',
    },
  },
  required: ['message'],
  additionalProperties: false,
} as const;

/** `executor_config` as a user writes it: the type comes from the schema above, no second definition. */
export type UbomTemplateConfigInput = FromSchema<
  typeof configSchema,
  { keepDefaultedPropertiesOptional: true }
>;

/** `executor_config` with its defaults applied. */
export type UbomTemplateConfig = FromSchema<typeof configSchema>;

/** The longest a work may run (`repeat` × `delay`): a rule the schema cannot express. */
export const MAX_RUN_MS = 10 * 60_000;

/** Applies the defaults to a config the core has already validated against `configSchema`. */
export function readConfig(
  executorConfig: Record<string, unknown>,
): UbomTemplateConfig & { delayMs: number } {
  const input = executorConfig as UbomTemplateConfigInput;
  const { properties } = configSchema;
  const delay = input.delay ?? properties.delay.default;
  return {
    ...input,
    transform: input.transform ?? properties.transform.default,
    repeat: input.repeat ?? properties.repeat.default,
    delay,
    delayMs: parseDuration(delay) ?? 0,
  };
}
