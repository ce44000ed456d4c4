import { createRequire } from 'node:module';
import type AjvDraft07 from 'ajv';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type addFormatsFn from 'ajv-formats';

// ajv is loaded on first use, not on import: it is most of @ubom/core's start-up cost, and commands
// such as `ubom plugins list` never validate anything.
const load = createRequire(import.meta.url);

interface AjvModules {
  Ajv2020: typeof Ajv2020;
  AjvDraft07: typeof AjvDraft07;
  addFormats: typeof addFormatsFn;
}
let modules: AjvModules | undefined;

const interop = <T>(mod: T | { default: T }): T => (mod as { default?: T }).default ?? (mod as T);

function ajvModules(): AjvModules {
  modules ??= {
    Ajv2020: interop(load('ajv/dist/2020.js')),
    AjvDraft07: interop(load('ajv')),
    addFormats: interop(load('ajv-formats')),
  };
  return modules;
}

// `logger: false`: a library must not write to the console; unknown formats (zod's `starts_with`…) are ignored.
const AJV_OPTIONS = {
  allErrors: true,
  verbose: true,
  strict: false,
  allowUnionTypes: true,
  discriminator: true,
  logger: false,
} as const;

/** An ajv instance for draft 2020-12 with the options UBOM validates with (all errors, formats). */
export function createAjv(): Ajv2020 {
  const { Ajv2020: Ctor, addFormats } = ajvModules();
  const ajv = new Ctor(AJV_OPTIONS);
  addFormats(ajv);
  return ajv;
}

/** The same for schemas that declare draft-07 or 06. */
export function createAjvDraft07(): AjvDraft07 {
  const { AjvDraft07: Ctor, addFormats } = ajvModules();
  const ajv = new Ctor(AJV_OPTIONS);
  addFormats(ajv);
  return ajv;
}
