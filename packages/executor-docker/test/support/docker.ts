import Docker from 'dockerode';
import { inject } from 'vitest';
import { ownerId } from '../../src';
import { createPlugin, type DockerExecutor } from '../../src/executor';

/** Built by scripts/setup-docker.sh from busybox-static: every applet, /etc/passwd with nobody. */
export const IMAGE = process.env.UBOM_TEST_IMAGE ?? 'ubom-test/busybox:latest';

/** A plain client for assertions (the engine the executor uses, seen from outside). */
export const docker = new Docker();

/** Managed containers this test process owns (running or not). */
export async function managedContainers(owner = ownerId()): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({
    all: true,
    filters: { label: ['ubom.managed=true', `ubom.owner=${owner}`] },
  });
}

export async function countManaged(owner = ownerId()): Promise<number> {
  return (await managedContainers(owner)).length;
}

/** An initialised executor (sweep off: other test workers' containers are none of its business). */
export async function newExecutor(config: Record<string, unknown> = {}): Promise<DockerExecutor> {
  const executor = createPlugin();
  await executor.initialize({ sweep_orphans: false, ...config });
  return executor;
}

/** Labels every container of this test run carries, so the global teardown finds leaks (and only ours). */
export const RUN_LABELS = { 'org.ubom.test-run': inject('dockerTestRun') };

let n = 0;
export function dockerWork(config: Record<string, unknown>, id = `test-${++n}`) {
  const labels = { ...RUN_LABELS, ...(config.labels as Record<string, string> | undefined) };
  return { id, type: 'docker', executor_config: { image: IMAGE, ...config, labels } };
}

/** Resolves once `predicate` holds for a live log entry (used to act mid-run, never to assert timing). */
export function logWatcher() {
  const lines: { source: string | undefined; message: string }[] = [];
  const waiters: { test: (m: string) => boolean; resolve: () => void }[] = [];
  return {
    lines,
    onLog: (e: { source?: string; message: string }) => {
      lines.push({ source: e.source, message: e.message });
      for (const w of waiters.splice(0)) {
        if (w.test(e.message)) w.resolve();
        else waiters.push(w);
      }
    },
    seen: (text: string) =>
      new Promise<void>((resolve) => {
        if (lines.some((l) => l.message.includes(text))) resolve();
        else waiters.push({ test: (m) => m.includes(text), resolve });
      }),
  };
}
