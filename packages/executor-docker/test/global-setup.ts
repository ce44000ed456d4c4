import { execFileSync } from 'node:child_process';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';

const script = fileURLToPath(new URL('../../../scripts/setup-docker.sh', import.meta.url));

/** Real engine for every test file: installs/starts dockerd when needed and builds ubom-test/busybox. */
export function setup(): void {
  execFileSync('bash', [script], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 });
}

/**
 * After the whole run: no managed container of this host may remain (the test workers are gone, so any
 * left is a leak). They are removed, and the run fails naming them.
 */
export async function teardown(): Promise<void> {
  const docker = new Docker();
  const left = (await docker.listContainers({ all: true, filters: { label: ['ubom.managed=true'] } })).filter(
    (c) => c.Labels['ubom.owner']?.startsWith(`${hostname()}:`) && c.Labels['ubom.keep'] !== 'true',
  );
  await Promise.all(
    left.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => {}),
    ),
  );
  if (left.length > 0) {
    throw new Error(`managed containers were left behind: ${left.map((c) => c.Names.join(',')).join(' ')}`);
  }
}
