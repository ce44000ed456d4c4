import { randomUUID } from 'node:crypto';
import {
  EnhancedWorkRegistry,
  type ExecuteOptions,
  type LogEntry,
  type Work,
  type WorkResult,
} from '@ubom/core';
import { createPlugin, type SshExecutor } from '../../src';
import type { TestSshd } from './sshd';

/** A fresh plugin (its own pool) behind a registry, set up with `settings`. */
export async function harness(settings: Record<string, unknown> = {}) {
  const plugin: SshExecutor = createPlugin();
  await plugin.initialize(settings);
  const registry = new EnhancedWorkRegistry();
  registry.registerExecutor('ssh', plugin);

  /** Runs an ssh work through the registry, collecting the live log. */
  async function run(
    executor_config: Record<string, unknown>,
    options: ExecuteOptions & { work?: Partial<Work> } = {},
  ): Promise<{ result: WorkResult; live: LogEntry[] }> {
    const live: LogEntry[] = [];
    const { work, ...rest } = options;
    const result = await registry.execute(
      { id: `test-${randomUUID()}`, type: 'ssh', executor_config, ...work },
      {},
      {
        ...rest,
        onLog: (entry) => {
          live.push(entry);
          rest.onLog?.(entry);
        },
      },
    );
    return { result, live };
  }
  return { plugin, registry, run };
}

/** An ssh work of built-up config (untyped: the tests also write invalid ones on purpose). */
export const work = (executor_config: Record<string, unknown>): Work => ({
  id: `test-${randomUUID()}`,
  type: 'ssh',
  executor_config,
});

/** The connection fields for the test sshd: key auth, host key pinned. */
export const target = (sshd: TestSshd, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  host: sshd.host,
  port: sshd.port,
  username: sshd.user,
  private_key: sshd.privateKey,
  host_key: sshd.fingerprints['ssh-ed25519'],
  ...extra,
});

/** `target` with a different host key setting (the pinned fingerprint removed). */
export const withHostKeys = (sshd: TestSshd, keys: Record<string, unknown>) => {
  const { host_key: _, ...rest } = target(sshd);
  return { ...rest, ...keys };
};

export const lines = (entries: LogEntry[], source: 'stdout' | 'stderr'): string[] =>
  entries.filter((e) => e.source === source).map((e) => e.message);

/** Settles a promise into its error (fails the test when it resolves). */
export async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { code?: string; issues?: unknown[] }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}
