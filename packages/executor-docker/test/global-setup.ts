import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Value of the `org.ubom.test-run` label every container of this test run carries. */
    dockerTestRun: string;
  }
}

export const TEST_RUN_LABEL = 'org.ubom.test-run';
const script = fileURLToPath(new URL('../../../scripts/setup-docker.sh', import.meta.url));
const run = randomUUID();

/** Real engine for every test file: installs/starts dockerd when needed and builds ubom-test/busybox. */
export function setup(project: TestProject): void {
  execFileSync('bash', [script], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 });
  project.provide('dockerTestRun', run);
}

/**
 * After the whole run: no managed container of this test run may remain (kept ones aside). Any left is
 * a leak: they are removed, and the run fails naming them. Other users of the engine are not touched.
 */
export async function teardown(): Promise<void> {
  const docker = new Docker();
  const left = (
    await docker.listContainers({
      all: true,
      filters: { label: ['ubom.managed=true', `${TEST_RUN_LABEL}=${run}`] },
    })
  ).filter((c) => c.Labels['ubom.keep'] !== 'true');
  await Promise.all(
    left.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => {}),
    ),
  );
  if (left.length > 0) {
    process.exitCode = 1;
    throw new Error(`managed containers were left behind: ${left.map((c) => c.Names.join(',')).join(' ')}`);
  }
}
