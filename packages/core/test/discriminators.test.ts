import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type JSONSchema, SchemaValidator } from '../src';
import { withDiscriminators } from '../src/validation/discriminators';

const provider = z
  .discriminatedUnion('provider', [
    z.object({ provider: z.literal('aws'), region: z.string() }).strict(),
    z.object({ provider: z.literal('gcp'), project: z.string() }).strict(),
  ])
  .meta({});
const schema = z.toJSONSchema(z.object({ target: provider }).strict(), {
  target: 'draft-2020-12',
}) as JSONSchema;

describe('discriminated unions', () => {
  it('tags a zod discriminated union for ajv and leaves the caller’s schema untouched', () => {
    const before = JSON.stringify(schema);
    const tagged = withDiscriminators(schema) as { properties: { target: Record<string, unknown> } };
    expect(tagged.properties.target.discriminator).toEqual({ propertyName: 'provider' });
    expect(JSON.stringify(schema)).toBe(before);
  });

  it('returns a schema without discriminated unions as is', () => {
    const plain = z.toJSONSchema(z.object({ a: z.union([z.string(), z.number()]) }), {
      target: 'draft-2020-12',
    });
    expect(withDiscriminators(plain as JSONSchema)).toBe(plain);
  });

  it('reports only the named branch’s problems, an unknown tag with did-you-mean, and a non-object', () => {
    const validator = new SchemaValidator();
    validator.registerSchema('t', { type: 't', version: '1', config: schema });
    const check = (target: unknown) => validator.check({ id: 'w', type: 't', executor_config: { target } });
    expect(check({ provider: 'gcp', region: 'x' })).toEqual([
      { path: 'executor_config.target.project', message: 'is required' },
      { path: 'executor_config.target.region', message: 'unknown key (known keys: provider, project)' },
    ]);
    expect(check({ provider: 'gpc', project: 'p' })).toEqual([
      {
        path: 'executor_config.target.provider',
        message: 'must be "aws" or "gcp", got "gpc" — did you mean "gcp"?',
      },
    ]);
    expect(check('aws')).toEqual([
      { path: 'executor_config.target', message: 'must be an object, got "aws"' },
    ]);
    expect(check({ provider: 'aws', region: 'eu-west-1' })).toEqual([]);
  });
});
