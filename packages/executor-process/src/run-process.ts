import { spawn } from 'node:child_process';
import { LineSplitter, TailBuffer } from '@ubom/core';
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
  timeoutMs: number | undefined;
  graceMs: number;
  signal: AbortSignal;
  keepJsonTail: boolean;
  onLine(source: 'stdout' | 'stderr', line: string): void;
  onNotice(level: 'debug' | 'warn', message: string): void;
}

export interface RunOutcome {
  pid: number | undefined;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the executor stopped the command: its own timeout, or the signal. */
  stoppedBy: 'timeout' | 'abort' | undefined;
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
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
      windowsVerbatimArguments: isWindows && req.args[0] === '/d',
    });
    const out: RunOutcome = {
      pid: child.pid,
      exitCode: null,
      signal: null,
      stoppedBy: undefined,
      stdout: new TailBuffer(OUTPUT_TAIL_BYTES),
      stderr: new TailBuffer(OUTPUT_TAIL_BYTES),
      jsonTail: req.keepJsonTail ? new TailBuffer(JSON_TAIL_BYTES) : undefined,
      strays: 0,
    };
    let started = false;
    let exited = false;
    let cleanup: Promise<unknown> = Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    let pipeTimer: NodeJS.Timeout | undefined;

    const safe = (p: Promise<unknown>): Promise<unknown> =>
      p.catch((error: unknown) => req.onNotice('warn', `could not stop the process group: ${String(error)}`));
    const stop = (why: 'timeout' | 'abort'): void => {
      if (exited || out.stoppedBy || child.pid === undefined) return;
      out.stoppedBy = why;
      req.onNotice(
        'warn',
        `${why === 'timeout' ? 'timed out' : 'cancelled'}: stopping the process group (SIGTERM, then SIGKILL after ${req.graceMs} ms)`,
      );
      cleanup = safe(terminateGroup(child.pid, req.graceMs));
    };
    const onAbort = () => stop('abort');
    const detach = () => {
      clearTimeout(timer);
      clearTimeout(pipeTimer);
      req.signal.removeEventListener('abort', onAbort);
    };

    const splitOut = new LineSplitter((line) => req.onLine('stdout', line));
    const splitErr = new LineSplitter((line) => req.onLine('stderr', line));
    child.stdout.on('data', (chunk: Buffer) => {
      out.stdout.write(chunk);
      out.jsonTail?.write(chunk);
      splitOut.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      out.stderr.write(chunk);
      splitErr.write(chunk);
    });
    child.stdin.on('error', () => {}); // EPIPE when the command does not read its input
    child.stdin.end(req.stdin); // no stdin: the command reads end-of-file at once

    child.once('spawn', () => {
      started = true;
      req.onNotice('debug', `started process ${child.pid}`);
      if (req.timeoutMs !== undefined) timer = setTimeout(() => stop('timeout'), req.timeoutMs);
      if (req.signal.aborted) stop('abort');
      else req.signal.addEventListener('abort', onAbort, { once: true });
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
      clearTimeout(timer);
      const pgid = child.pid;
      if (!out.stoppedBy && pgid !== undefined && !isWindows) {
        // nothing outlives its work: background processes the command left behind are stopped too
        cleanup = safe(
          groupMembers(pgid).then(async (strays) => {
            if (strays === 0) return;
            out.strays = strays;
            req.onNotice('warn', `${strays} process(es) left running by the command: stopping them`);
            await terminateGroup(pgid, req.graceMs);
          }),
        );
      }
      void cleanup.then(() => {
        pipeTimer = setTimeout(() => {
          req.onNotice(
            'warn',
            "output pipes held open by a process outside the work's process group: closing them",
          );
          child.stdout.destroy();
          child.stderr.destroy();
        }, PIPE_WAIT_MS);
      });
    });
    child.once('close', () => {
      splitOut.end();
      splitErr.end();
      void cleanup.then(() => {
        detach();
        resolve(out);
      });
    });
  });
}
