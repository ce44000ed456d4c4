import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Work } from '@ubom/core';

const FIXTURE = fileURLToPath(new URL('../fixtures/owner.mjs', import.meta.url));

export interface OwnerEvent {
  event: string;
  pid: number;
  [key: string]: unknown;
}

/** An executor's process (test/fixtures/owner.mjs) running one work, and what it reported. */
export class Owner {
  readonly child: ChildProcess;
  readonly events: OwnerEvent[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #stderr = '';

  constructor(work: Work, options: { dir: string; flags?: string[] }) {
    this.child = spawn(process.execPath, [FIXTURE, JSON.stringify(work), ...(options.flags ?? [])], {
      env: { ...process.env, UBOM_PROCESS_GROUPS_DIR: options.dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffer = '';
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        this.events.push(JSON.parse(buffer.slice(0, i)) as OwnerEvent);
        buffer = buffer.slice(i + 1);
      }
    });
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr += chunk;
    });
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** The first event named `name` (already seen ones included). */
  async event(name: string, ms = 20_000): Promise<OwnerEvent> {
    await waitUntil(
      () => this.events.some((e) => e.event === name) || this.child.exitCode !== null,
      ms,
      `the owner's "${name}" event`,
    );
    const found = this.events.find((e) => e.event === name);
    if (!found) throw new Error(`the owner exited before "${name}": ${this.#stderr}`);
    return found;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  ms: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The record files in `dir`. */
export const recordsIn = (dir: string): string[] => readdirSync(dir).filter((n) => n.endsWith('.json'));
