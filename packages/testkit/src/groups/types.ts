import { describe, expect, it } from 'vitest';
import type { SuiteContext } from '../context';

export function typesGroup(ctx: SuiteContext, skipped: boolean): void {
  describe.skipIf(skipped)('supported types', () => {
    it('getSupportedTypes() and canExecute() agree', () => {
      const types = ctx.executor.getSupportedTypes();
      expect(types.length).toBeGreaterThan(0);
      for (const type of types) {
        expect(typeof type).toBe('string');
        expect(ctx.executor.canExecute(type)).toBe(true);
      }
      expect(types).toContain(ctx.options.works.valid.type);
    });

    it('canExecute() is false for an unrelated type', () => {
      expect(ctx.executor.canExecute('ubom-conformance-unrelated-type')).toBe(false);
      expect(ctx.executor.canExecute('')).toBe(false);
    });
  });
}
