import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A running Docker Engine with the offline image `ubom-test/busybox:latest` (idempotent). */
export function setup(): void {
  const script = fileURLToPath(new URL('../../../scripts/setup-docker.sh', import.meta.url));
  execFileSync('bash', [script], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 });
}
