import { DURATION_PATTERN, parseDuration } from '@ubom/core';
import { z } from 'zod';

/**
 * `executor_config` of a `UBOM_WORK_TYPE` work, defined once: the TypeScript types and the JSON
 * Schema UBOM publishes (`ubom schema UBOM_WORK_TYPE`, editors) both come from it. UBOM checks every
 * work against it before `run` (all problems at once, with paths, unknown keys with "did you mean").
 * Fields marked `writeOnly: true` are secrets: UBOM masks their values in logs, outputs and errors.
 * `timeout` is added by UBOM itself: every executor accepts it.
 */
export const configSchema = z
  .object({
    message: z
      .string()
      .min(1)
      .meta({ description: 'The text to print.', examples: ['hello world'] }),
    transform: z
      .enum(['none', 'upper', 'lower', 'reverse'])
      .default('none')
      .meta({ description: 'What to do to the message before printing it.' }),
    repeat: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(2)
      .meta({ description: 'How many times to print it, one line each.' }),
    delay: z
      .union([z.string().regex(new RegExp(DURATION_PATTERN)), z.number().int().nonnegative()])
      .default('100ms')
      .transform((delay) => parseDuration(delay) ?? 0)
      .meta({ description: 'Pause between two lines: a duration (`100ms`, `1s`) or milliseconds.' }),
    token: z.string().min(1).optional().meta({
      writeOnly: true,
      description: 'Secret key: when set, `outputs.signature` is the HMAC-SHA256 of the printed message.',
    }),
  })
  .strict();

/** `executor_config` as a user writes it. */
export type UbomTemplateConfigInput = z.input<typeof configSchema>;
/** `executor_config` as `run` gets it: defaults applied, `delay` in milliseconds. */
export type UbomTemplateConfig = z.output<typeof configSchema>;

/** The longest a work may run (`repeat` × `delay`): a rule checked by the executor's `validate`. */
export const MAX_RUN_MS = 10 * 60_000;
