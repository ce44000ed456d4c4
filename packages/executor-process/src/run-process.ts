import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { type LineSink, TailBuffer } from '@ubom/core';
import { guard } from './ownership';
import { groupMembers, terminateGroup } from './process-group';

const isWindows = process.platform === 'win32';
/** Bytes of stdout/stderr kept for `outputs.stdout` / `outputs.stderr`. */
export const OUTPUT_TAIL_BYTES = 64 * 1024;
/** Bytes of stdout kept to find the last line when `output: "json"`. */
export const JSON_TAIL_BYTES = 1024 * 1024;
/** After the command and its group are gone, how long to wait for pipes held by an escaped process. */
const PIPE_WAIT_MS = 1000;

export interface RunRequest {
  file: string;
  args: string[];
  cwd: string | undefined;
  env: Record<string, string>;
  stdin: string | undefined;
  /** Between SIGTERM and SIGKILL of the group when `signal` aborts or strays are stopped. */
  graceMs: number;
  /** Aborted: the group is stopped, and the run settles once it is gone. */
  signal: AbortSignal;
  keepJsonTail: boolean;
  /** Where the output goes, line by line. */
  stdout: LineSink;
  stderr: LineSink;
  /** The executor's own log entries. */
  notice(level: 'debug' | 'warn', message: string): void;
}

export interface RunOutcome {
  pid: number | undefined;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** True when the signal aborted and the executor stopped the command's group. */
  stopped: boolean;
  stdout: TailBuffer;
  stderr: TailBuffer;
  jsonTail: TailBuffer | undefined;
  /** Processes of the group still running once the command exited (then terminated). */
  strays: number;
}

/**
 * Spawns the command in its own process group, streams its output line by line, and settles once
 * the command has exited, its whole group is gone and its output is read. Rejects only when the
 * command could not be started (the spawn error, e.g. ENOENT).
 */
export function runProcess(req: RunRequest): Promise<RunOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(req.file, req.args, {
      cwd: req.cwd,
      env: req.env,
      detached: !isWindows,
      // no stdin: /dev/null, so the command reads end-of-file at once (and no pipe to set up)
      stdio: [req.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      windowsHide: true,
      windowsVerbatimArguments: isWindows && req.args[0] === '/d',
    });
    // nothing outlives its owner: the group is listed with this process's watchdog and recorded on disk
    // in the same tick as the spawn, before anything else can run
    const release = child.pid !== undefined && !isWindows ? guard().own(child.pid, req.graceMs) : undefined;
    const out: RunOutcome = {
      pid: child.pid,
      exitCode: null,
      signal: null,
      stopped: false,
      stdout: new TailBuffer(OUTPUT_TAIL_BYTES),
      stderr: new TailBuffer(OUTPUT_TAIL_BYTES),
      jsonTail: req.keepJsonTail ? new TailBuffer(JSON_TAIL_BYTES) : undefined,
      strays: 0,
    };
    let started = false;
    let exited = false;
    let cleanup: Promise<unknown> = Promise.resolve();
    let pipeTimer: NodeJS.Timeout | undefined;

    const safe = (p: Promise<unknown>): Promise<unknown> =>
      p.catch((error: unknown) => req.notice('warn', `could not stop the process group: ${String(error)}`));
    const stop = (): void => {
      if (exited || out.stopped || child.pid === undefined) return;
      out.stopped = true;
      req.notice('warn', `stopping the process group (SIGTERM, then SIGKILL after ${req.graceMs} ms)`);
      cleanup = safe(terminateGroup(child.pid, req.graceMs));
    };
    const detach = () => {
      release?.();
      clearTimeout(pipeTimer);
      req.signal.removeEventListener('abort', stop);
    };

    const { stdin } = child;
    const stdout = child.stdout as Readable; // both 'pipe' above
    const stderr = child.stderr as Readable;
    stdout.on('data', (chunk: Buffer) => {
      out.stdout.write(chunk);
      out.jsonTail?.write(chunk);
      req.stdout.write(chunk);
    });
    stderr.on('data', (chunk: Buffer) => {
      out.stderr.write(chunk);
      req.stderr.write(chunk);
    });
    if (stdin) {
      stdin.on('error', () => {}); // EPIPE when the command does not read its input
      stdin.end(req.stdin);
    }

    child.once('spawn', () => {
      started = true;
      req.notice('debug', `started process ${child.pid}`);
      if (req.signal.aborted) stop();
      else req.signal.addEventListener('abort', stop, { once: true });
    });
    child.once('error', (error) => {
      if (started) return; // only spawn failures are reported this way; kills go through process.kill
      detach();
      reject(error);
    });
    child.once('exit', (code, signal) => {
      exited = true;
      out.exitCode = code;
      out.signal = signal;
      const pgid = child.pid;
      if (!out.stopped && pgid !== undefined && !isWindows) {
        // nothing outlives its work: background processes the command left behind are stopped too
        cleanup = safe(
          groupMembers(pgid).then(async (strays) => {
            if (strays === 0) return;
            out.strays = strays;
            req.notice('warn', `${strays} process(es) left running by the command: stopping them`);
            await terminateGroup(pgid, req.graceMs);
          }),
        );
      }
      void cleanup.then(() => {
        pipeTimer = setTimeout(() => {
          req.notice(
            'warn',
            "output pipes held open by a process outside the work's process group: closing them",
          );
          stdout.destroy();
          stderr.destroy();
        }, PIPE_WAIT_MS);
      });
    });
    child.once('close', () => {
      req.stdout.end();
      req.stderr.end();
      void cleanup.then(() => {
        detach();
        resolve(out);
      });
    });
  });
}
