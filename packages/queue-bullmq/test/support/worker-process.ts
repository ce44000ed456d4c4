import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REDIS_URL } from './redis';

const FIXTURE = fileURLToPath(new URL('../fixtures/worker.mjs', import.meta.url));

export interface WorkerEvent {
  event: string;
  pid: number;
  jobId?: string;
  [key: string]: unknown;
}

/** A worker running in its own node process (test/fixtures/worker.mjs), and what it reported. */
export class WorkerProcess {
  readonly child: ChildProcess;
  readonly events: WorkerEvent[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #stderr = '';
  #waiters: Array<() => void> = [];

  private constructor(child: ChildProcess) {
    this.child = child;
    let buffer = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        try {
          this.events.push(JSON.parse(line) as WorkerEvent);
        } catch {
          this.#stderr += `${line}\n`;
        }
        for (const wake of this.#waiters.splice(0)) wake();
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr += chunk;
    });
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    void this.exited.then(() => {
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Starts a worker on `queue` and resolves once it takes works. */
  static async start(queue: string, env: Record<string, string> = {}): Promise<WorkerProcess> {
    const child = spawn(process.execPath, [FIXTURE], {
      env: { ...process.env, QUEUE: queue, REDIS_URL, ...env },
      stdio: ['pipe', 'pipe', 'pipe'], // the fixture exits when our end of stdin closes
    });
    const worker = new WorkerProcess(child);
    await worker.waitFor((e) => e.event === 'ready', 15_000);
    return worker;
  }

  /** Resolves with the first event matching `match` (already seen ones included). */
  async waitFor(match: (e: WorkerEvent) => boolean, ms = 10_000): Promise<WorkerEvent> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (this.child.exitCode !== null || this.child.signalCode !== null)
        throw new Error(`worker ${this.pid} exited before the event; stderr:\n${this.#stderr}`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no such event from worker ${this.pid} within ${ms} ms; stderr:\n${this.#stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  /** SIGKILL unless it already exited; for afterEach. */
  async stop(): Promise<void> {
    this.kill('SIGKILL');
    await this.exited;
  }
}
