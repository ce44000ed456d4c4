import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The login the tests connect as, and its password (made on this machine by setup-ssh.sh). */
    sshTestUser: string;
    sshTestPassword: string;
  }
}

const script = fileURLToPath(new URL('../../../scripts/setup-ssh.sh', import.meta.url));

/** Real OpenSSH for every test file: installs it and makes the test login when needed. */
export function setup(project: TestProject): void {
  execFileSync('bash', [script], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 });
  const user = process.env.UBOM_SSH_TEST_USER ?? 'ubom-ssh-test';
  const passwordFile = process.env.UBOM_SSH_TEST_PASSWORD_FILE ?? '/var/lib/ubom-ssh-test/password';
  project.provide('sshTestUser', user);
  project.provide('sshTestPassword', readFileSync(passwordFile, 'utf8').trim());
}
