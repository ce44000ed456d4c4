import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { zodIssues } from '../src';

const schema = z.strictObject({
  image: z.string(),
  volumes: z.array(z.strictObject({ source: z.string(), target: z.string() })).optional(),
  resources: z.strictObject({ memory_limit: z.string().optional() }).default({}),
});

const issuesOf = (value: unknown) => {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error('expected a failure');
  return zodIssues(parsed.error, 'executor_config', schema).sort((a, b) => a.path.localeCompare(b.path));
};

describe('zodIssues', () => {
  it('writes paths in core style and reports every problem at once', () => {
    expect(issuesOf({ image: 3, volumes: [{ source: '/a', target: 1 }] })).toEqual([
      { path: 'executor_config.image', message: expect.any(String) },
      { path: 'executor_config.volumes[0].target', message: expect.any(String) },
    ]);
  });

  it('gives unknown keys, however deep, the validator\'s "did you mean" or the known keys', () => {
    expect(
      issuesOf({
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
