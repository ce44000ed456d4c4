import { SchemaValidator } from '@ubom/core';
import { describe, expect, it } from 'vitest';
import type { SuiteContext } from '../context';

export function schemaGroup(ctx: SuiteContext, skipped: boolean): void {
  describe.skipIf(skipped)('schema and metadata', () => {
    it('getSchema() names a supported type, a version and a JSON-serialisable config schema', () => {
      const schema = ctx.executor.getSchema();
      expect(ctx.executor.getSupportedTypes()).toContain(schema.type);
      expect(typeof schema.version === 'string' && schema.version.length > 0).toBe(true);
      expect(typeof schema.config === 'object' || typeof schema.config === 'boolean').toBe(true);
      expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
    });

    it('the config schema compiles as JSON Schema 2020-12 and accepts the valid work', () => {
      const validator = new SchemaValidator();
      const schema = ctx.executor.getSchema();
      validator.registerSchema(schema.type, schema);
      expect(() => validator.validateWork(ctx.options.works.valid)).not.toThrow();
    });

    it('getMetadata() has a name, description, version and boolean capabilities', () => {
      const { name, description, version, capabilities } = ctx.metadata;
      for (const text of [name, description, version]) expect(typeof text).toBe('string');
      expect(name.length).toBeGreaterThan(0);
      for (const key of ['cancel', 'streamLogs', 'dryRun']) expect(typeof capabilities[key]).toBe('boolean');
    });
  });
}
