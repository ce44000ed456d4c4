import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnhancedWorkRegistry, type Work } from '@ubom/core';
import { inject } from 'vitest';
import { createPlugin, type DryRunReport, type GrpcExecutor } from '../src';

export {
  ECHO_PROTO,
  PROTO_DIR,
  type RunningServer as RunningServerT,
  startServer,
} from './fixtures/server.mjs';

export const SERVER_SCRIPT = fileURLToPath(new URL('./fixtures/server.mjs', import.meta.url));

export interface Certs {
  dir: string;
  ca: string;
  otherCa: string;
  serverKey: string;
  serverCert: string;
  clientKey: string;
  clientCert: string;
}

export function certs(): Certs {
  const dir = inject('certDir');
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  return {
    dir,
    ca: read('ca.crt'),
    otherCa: read('other-ca.crt'),
    serverKey: read('server.key'),
    serverCert: read('server.crt'),
    clientKey: read('client.key'),
    clientCert: read('client.crt'),
  };
}

/** A ready executor and the registry a user would run it through. */
export async function setupExecutor(pluginConfig: Record<string, unknown> = {}) {
  const executor = createPlugin();
  await executor.initialize(pluginConfig);
  const registry = new EnhancedWorkRegistry();
  registry.registerExecutor('grpc', executor);
  return { executor, registry };
}

/** `plugin.dryRun(work)`, typed: the kernel's `dryRun` resolves with what the executor's reports. */
export function dryRun(executor: GrpcExecutor, work: Work): Promise<DryRunReport> {
  return executor.dryRun(work) as Promise<DryRunReport>;
}

let ids = 0;
export function grpcWork(executor_config: Record<string, unknown>, extra: Partial<Work> = {}): Work {
  return { id: `grpc-test-${++ids}`, type: 'grpc', executor_config, ...extra };
}

export interface ChildServer {
  port: number;
  process: ChildProcess;
  /** Resolves at the next line the server prints (e.g. "sleeping" with `announce: true`). */
  nextLine(): Promise<string>;
  /** SIGKILL, resolved once the process is gone. */
  kill(): Promise<void>;
}

/** The fixture server in its own process, so a test can kill it the hard way. */
export function spawnServer(options: Record<string, unknown> = {}): Promise<ChildServer> {
  const child = spawn(process.execPath, [SERVER_SCRIPT, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      const waiter = waiting.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  const nextLine = (): Promise<string> => {
    const line = lines.shift();
    return line !== undefined ? Promise.resolve(line) : new Promise((resolve) => waiting.push(resolve));
  };
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited early (${code})`)));
    nextLine().then((first) => {
      const { port } = JSON.parse(first) as { port: number };
      resolve({
        port,
        process: child,
        nextLine,
        kill: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          return exited;
        },
      });
    }, reject);
  });
}
