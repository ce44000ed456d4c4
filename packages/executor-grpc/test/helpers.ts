import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnhancedWorkRegistry, type Work } from '@ubom/core';
import { inject } from 'vitest';
import { GrpcExecutor } from '../src';

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

/** A ready executor, the registry a user would run it through, and a way to stop both. */
export async function setupExecutor(pluginConfig: Record<string, unknown> = {}) {
  const executor = new GrpcExecutor();
  await executor.initialize(pluginConfig);
  const registry = new EnhancedWorkRegistry();
  registry.registerExecutor('grpc', executor);
  return { executor, registry };
}

let ids = 0;
export function grpcWork(executor_config: Record<string, unknown>, extra: Partial<Work> = {}): Work {
  return { id: `grpc-test-${++ids}`, type: 'grpc', executor_config, ...extra };
}

export interface ChildServer {
  port: number;
  process: ChildProcess;
  /** SIGKILL, resolved once the process is gone. */
  kill(): Promise<void>;
}

/** The fixture server in its own process, so a test can kill it the hard way. */
export function spawnServer(options: Record<string, unknown> = {}): Promise<ChildServer> {
  const child = spawn(process.execPath, [SERVER_SCRIPT, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`server exited early (${code})`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        const { port } = JSON.parse(line) as { port: number };
        resolve({
          port,
          process: child,
          kill: () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
            return exited;
          },
        });
      }
    });
  });
}
