import { ValidationError } from '../errors';
import { Masker } from '../secrets/masker';
import type { SecretProvider } from '../secrets/providers';
import {
  findSecretReferences,
  placeholderOf,
  resolveSecretReferences,
  substituteSecrets,
} from '../secrets/references';
import type { Work } from '../types';
import type { SchemaValidator, SecretValues } from '../validation/schema-validator';

/**
 * The secret values (schema `writeOnly`) a work holds, by where they sit. Secret references
 * (`{ "$secret": "NAME" }`) are not values: a work holding only those has none.
 */
export function secretValuesOf(work: Work, validator: SchemaValidator): SecretValues {
  const refs = findSecretReferences(work);
  if (refs.length === 0) return validator.secretValues(work);
  const placeholders = refs.map((r) => placeholderOf(r.name));
  const found = validator.secretValues(substituteSecrets(work, refs, placeholders));
  const real = (values: readonly string[]) => values.filter((v) => !placeholders.includes(v));
  return { config: real(found.config), inputs: real(found.inputs) };
}

export interface SecretReferenceOptions {
  validator: SchemaValidator;
  providers: readonly SecretProvider[];
  /** Resolve through the providers; else references are stood in for by placeholders (a check only). */
  resolve: boolean;
  signal: AbortSignal | undefined;
}

/**
 * The work with its secret references resolved through the providers (or, for a check only, stood
 * in for by placeholders); refused where a reference is missing or sits in a field that is not a
 * secret (`writeOnly`).
 */
export async function withSecretReferences(work: Work, o: SecretReferenceOptions): Promise<Work> {
  const refs = typeof work === 'object' && work !== null ? findSecretReferences(work) : [];
  if (refs.length === 0) return work;
  const values = o.resolve
    ? await resolveSecretReferences(refs, o.providers, o.signal)
    : refs.map((r) => placeholderOf(r.name));
  const resolved = substituteSecrets(work, refs, values);
  const type = (work as Partial<Work>).type;
  if (typeof type !== 'string' || !o.validator.hasSchema(type)) return resolved;
  const secrets = o.validator.secretValues(resolved);
  const misplaced = refs
    .filter(
      (_, i) =>
        !secrets.config.includes(values[i] as string) && !secrets.inputs.includes(values[i] as string),
    )
    .map((ref) => ({ path: ref.path, message: '"$secret" is only allowed in a secret (writeOnly) field' }));
  if (misplaced.length > 0) {
    const error = new ValidationError(misplaced);
    throw o.resolve ? Masker.of(values).error(error) : error;
  }
  return resolved;
}
