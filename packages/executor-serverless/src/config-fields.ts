import { z } from 'zod';

/* The fields and helpers the three providers' config schemas share. */

/** Shown in errors: `[ubom] [serverless] …`. */
export const SCOPE = 'serverless';

export const secret = (description: string) => z.string().min(1).meta({ writeOnly: true, description });

export const httpUrl = (description: string) =>
  z
    .string()
    .regex(/^https?:\/\/[^\s/]+/, 'must be an http:// or https:// URL')
    .meta({ description });

/** The key that picks a provider's or a credentials' variant, described. */
export const kind = <const T extends string>(value: T, description: string) =>
  z.literal(value).meta({ description });

export const method = z
  .enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
  .meta({ description: 'HTTP method used to call the function. Default POST (GET sends no body).' });

/** Keys every provider shares (the seed's `function`, plus `payload`; `timeout` is the kernel's). */
export const common = {
  function: z.string().min(1).meta({ description: 'The function to invoke.' }),
  payload: z
    .json()
    .optional()
    .meta({ description: 'JSON sent to the function. Defaults to `work.inputs` (or `{}`).' }),
};
