import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineExecutor, type ValidationError } from '../src';

// zod issues as core's, through the kernel (a zod config parsed by a defineExecutor plugin)
const plugin = defineExecutor({
  name: 'ubom-plugin-zod',
  version: '1.0.0',
  type: 'zod',
  description: 'zod issues',
  config: z.strictObject({
    image: z.string(),
    volumes: z.array(z.strictObject({ source: z.string(), target: z.string() })).optional(),
    resources: z.strictObject({ memory_limit: z.string().optional() }).default({}),
  }),
  async run() {
    return {};
  },
})();

const issuesOf = async (config: Record<string, unknown>) => {
  const error = (await plugin
    .execute({ id: 'z', type: 'zod', executor_config: config })
    .catch((e: unknown) => e)) as ValidationError;
  return [...error.issues].sort((a, b) => a.path.localeCompare(b.path));
};

describe('zod issues through the kernel', () => {
  it('writes paths in core style and reports every problem at once', async () => {
    expect(await issuesOf({ image: 3, volumes: [{ source: '/a', target: 1 }] })).toEqual([
      { path: 'executor_config.image', message: expect.any(String) },
      { path: 'executor_config.volumes[0].target', message: expect.any(String) },
    ]);
  });

  it('gives unknown keys, however deep, the validator\'s "did you mean" or the known keys', async () => {
    expect(
      await issuesOf({
        image: 'x',
        imag: 'y',
        volumes: [{ source: '/a', target: '/b', read_onyl: true }],
        resources: { zzz: 1 },
      }),
    ).toEqual([
      { path: 'executor_config.imag', message: 'unknown key — did you mean "image"?' },
      { path: 'executor_config.resources.zzz', message: 'unknown key (known keys: memory_limit)' },
      { path: 'executor_config.volumes[0].read_onyl', message: 'unknown key (known keys: source, target)' },
    ]);
  });
});
