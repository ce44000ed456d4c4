import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  defineExecutor,
  EnhancedWorkRegistry,
  envSecrets,
  fileSecrets,
  type LogEntry,
  type Work,
} from '../src';

const echo = defineExecutor({
  name: 'ubom-plugin-echo',
  version: '1.0.0',
  type: 'echo',
  description: 'prints its token',
  config: z
    .object({
      text: z.string().optional(),
      token: z.string().meta({ writeOnly: true }).optional(),
      headers: z.record(z.string(), z.string().meta({ writeOnly: true })).optional(),
    })
    .strict(),
  async run({ config, log }) {
    log('info', `token=${config.token} headers=${JSON.stringify(config.headers)}`, 'stdout');
    return { outputs: { token: config.token, headers: config.headers } };
  },
});

const dir = mkdtempSync(join(tmpdir(), 'ubom-secrets-'));
writeFileSync(join(dir, 'API_KEY'), 'file-secret-value-123\n');
const env = { UBOM_SECRET_DB_PASSWORD: 'env-secret-value-456' };
const registry = new EnhancedWorkRegistry({ secrets: [envSecrets({ env }), fileSecrets({ dir })] });
registry.registerExecutor('echo', echo());
const work = (config: Record<string, unknown>): Work => ({ id: 'w', type: 'echo', executor_config: config });

describe('secrets by reference', () => {
  it('resolves env and file references just before execute, and masks the values everywhere', async () => {
    const live: LogEntry[] = [];
    const w = work({ token: { $secret: 'DB_PASSWORD' }, headers: { 'x-api-key': { $secret: 'API_KEY' } } });
    const result = await registry.execute(w, {}, { onLog: (e) => live.push(e) });
    expect(result.success).toBe(true);
    const shown = JSON.stringify([result, live]);
    expect(shown).not.toContain('env-secret-value-456');
    expect(shown).not.toContain('file-secret-value-123');
    expect(result.outputs.token).toBe('***');
    expect(w.executor_config.token).toEqual({ $secret: 'DB_PASSWORD' }); // the caller's work is untouched
  });

  it('a missing secret is a ValidationError at the field naming the providers tried', async () => {
    await expect(registry.execute(work({ token: { $secret: 'NOPE' } }))).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [
        {
          path: 'executor_config.token',
          message: `secret "NOPE" was not found (tried env UBOM_SECRET_NOPE, file ${join(dir, 'NOPE')})`,
        },
      ],
    });
  });

  it('a reference outside a writeOnly field is refused; a name that is a path is refused', async () => {
    await expect(registry.execute(work({ text: { $secret: 'DB_PASSWORD' } }))).rejects.toMatchObject({
      issues: [
        { path: 'executor_config.text', message: '"$secret" is only allowed in a secret (writeOnly) field' },
      ],
    });
    await expect(registry.execute(work({ token: { $secret: '../etc/passwd' } }))).rejects.toMatchObject({
      issues: [{ path: 'executor_config.token', message: expect.stringMatching(/must name a secret/) }],
    });
  });

  it('validateWork checks references without resolving them; resolveSecrets also resolves', async () => {
    await expect(registry.validateWork(work({ token: { $secret: 'NOPE' } }))).resolves.toBeUndefined();
    await expect(
      registry.validateWork(work({ token: { $secret: 'NOPE' } }), { resolveSecrets: true }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('a work holding only references has no secret values (a queue may carry it without a key)', () => {
    expect(registry.secretValues(work({ token: { $secret: 'DB_PASSWORD' } }))).toEqual({
      config: [],
      inputs: [],
    });
    expect(registry.secretValues(work({ token: 'inline-secret' }))).toEqual({
      config: ['inline-secret'],
      inputs: [],
    });
  });

  it('without providers, the message says none are configured', async () => {
    const bare = new EnhancedWorkRegistry();
    bare.registerExecutor('echo', echo());
    await expect(bare.execute(work({ token: { $secret: 'X' } }))).rejects.toMatchObject({
      issues: [{ message: 'secret "X" was not found (no secret providers are configured)' }],
    });
  });
});
