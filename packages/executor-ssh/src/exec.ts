import { type LineSink, TailBuffer } from '@ubom/core';
import type { Client, ClientChannel, ExecOptions } from 'ssh2';
import { abortable, delay } from './abortable';
import { PidMarkFilter } from './pid-mark';
import type { RemoteCommand } from './remote-command';

/** Bytes of stdout/stderr kept for `outputs.stdout` / `outputs.stderr`. */
export const OUTPUT_TAIL_BYTES = 64 * 1024;
/** After the command exited: how long its output may stay open before its group is stopped. */
const STRAY_WAIT_MS = 1000;
/** A cancel as the command starts: how long to wait for its pid line. */
const PID_WAIT_MS = 10_000;
/** After the channel close was sent: how long the server has to confirm it. */
const CLOSE_WAIT_MS = 2000;

export interface ExecRequest {
  client: Client;
  command: RemoteCommand;
  pty: boolean;
  /** Aborted: the remote command is stopped, and the run settles once it is. */
  signal: AbortSignal;
  graceMs: number;
  stdout: LineSink;
  stderr: LineSink;
  notice(level: 'debug' | 'warn', message: string): void;
  /** Stops the process group led by `pid` from another session (TERM, grace, KILL). */
  stopGroup(pid: number): Promise<void>;
}

export interface ExecOutcome {
  exitCode: number | null;
  /** `SIGTERM`… when the remote shell was killed by a signal. */
  signal: string | null;
  /** True when the signal aborted and the executor stopped the command. */
  stopped: boolean;
  /** True when processes the command left behind kept its output open and were stopped. */
  straysStopped: boolean;
  /** True when the server never confirmed the end of the session: the connection is not reused. */
  broken: boolean;
  pid: number | undefined;
  stdout: TailBuffer;
  stderr: TailBuffer;
}

/** Exit statuses that arrived before `runExec` listened. */
const earlyExits = new WeakMap<ClientChannel, [number | null, string | undefined]>();

/** Opens a session and starts the command; rejects when the server refuses the session. */
export function openExec(client: Client, command: RemoteCommand, pty: boolean): Promise<ClientChannel> {
  const options: ExecOptions = {};
  if (command.env) options.env = command.env;
  // no echo: the secret variables sent on stdin must not come back on the terminal
  if (pty) options.pty = { term: 'xterm', cols: 200, rows: 50, modes: { ECHO: 0 } };
  return new Promise((resolve, reject) => {
    try {
      client.exec(command.exec, options, (error, channel) => {
        if (error) return reject(error);
        // a fast command's exit status can come in the same chunk as the exec reply, before anyone
        // awaiting this promise could listen: kept for runExec
        channel.once('exit', (code: number | null, signal?: string) =>
          earlyExits.set(channel, [code, signal]),
        );
        resolve(channel);
      });
    } catch (error) {
      reject(error); // "Not connected": the pooled connection went away
    }
  });
}

/**
 * Streams an open command session line by line and settles once the server has closed it. On abort:
 * SIGTERM over the channel (when the server honours signal requests), then the command's whole process
 * group is stopped from a second session, then the session is closed.
 */
export function runExec(channel: ClientChannel, req: ExecRequest): Promise<ExecOutcome> {
  return new Promise((resolve) => {
    const out: ExecOutcome = {
      exitCode: null,
      signal: null,
      stopped: false,
      straysStopped: false,
      broken: false,
      pid: undefined,
      stdout: new TailBuffer(OUTPUT_TAIL_BYTES),
      stderr: new TailBuffer(OUTPUT_TAIL_BYTES),
    };
    let closed = false;
    let exited = false;
    let stopping: Promise<void> | undefined;
    const toStdout = (chunk: Buffer) => {
      out.stdout.write(chunk);
      req.stdout.write(chunk);
    };
    const toStderr = (chunk: Buffer) => {
      out.stderr.write(chunk);
      req.stderr.write(chunk);
    };
    const reports = req.command.reportsPid;
    const marked = reports ? new PidMarkFilter(req.pty ? toStdout : toStderr) : undefined;
    const pid = () => marked?.pid;
    channel.on('data', req.pty && marked ? (c: Buffer) => marked.write(c) : toStdout);
    channel.stderr.on('data', !req.pty && marked ? (c: Buffer) => marked.write(c) : toStderr);

    /** Closes our side and waits for the server's close; without it the connection is suspect. */
    const closeChannel = async () => {
      if (closed) return;
      channel.close();
      await Promise.race([closing, delay(CLOSE_WAIT_MS)]);
      if (!closed) {
        out.broken = true;
        req.notice('warn', 'the server did not confirm the end of the session: dropping the connection');
        finish();
      }
    };
    const stopGroup = async (id: number) => {
      await req.stopGroup(id).catch((error: unknown) => {
        req.notice('warn', `could not stop the remote process group ${id}: ${String(error)}`);
      });
    };
    const stop = () => {
      if (closed || out.stopped) return;
      out.stopped = true;
      channel.signal('TERM');
      stopping = (async () => {
        // aborted as the command was starting: its pid line is on its way
        if (marked && pid() === undefined && !exited)
          await Promise.race([marked.settled, closing, delay(PID_WAIT_MS)]);
        const id = pid();
        req.notice(
          'warn',
          id === undefined
            ? 'stopping the remote command (SIGTERM, then closing the session)'
            : `stopping the remote process group ${id} (SIGTERM, then SIGKILL after ${req.graceMs} ms)`,
        );
        if (id !== undefined) await stopGroup(id);
        else if (!exited) await Promise.race([closing, delay(req.graceMs)]);
        await closeChannel();
      })();
    };
    const closing = new Promise<void>((done) => {
      channel.once('close', () => {
        closed = true;
        done();
      });
    });

    function onExit(code: number | null, signal?: string): void {
      exited = true;
      out.exitCode = typeof code === 'number' ? code : null;
      out.signal = signal ?? null;
      if (out.stopped) return;
      // the shell is gone but its output is still open: something it started is still running
      void Promise.race([closing, delay(STRAY_WAIT_MS)]).then(async () => {
        if (closed || out.stopped) return;
        const id = pid();
        out.straysStopped = true;
        req.notice(
          'warn',
          "processes the command left behind keep its output open: stopping the command's group",
        );
        if (id !== undefined) await stopGroup(id);
        await closeChannel();
      });
    }
    const early = earlyExits.get(channel);
    if (early) onExit(...early);
    else channel.on('exit', onExit);
    let finished = false;
    function finish(): void {
      if (finished) return;
      finished = true;
      req.signal.removeEventListener('abort', stop);
      marked?.end();
      req.stdout.end();
      req.stderr.end();
      out.pid = pid();
      resolve(out);
    }
    void closing.then(async () => {
      await stopping;
      finish();
    });

    // stdin is never ended: a signal request cannot follow an end-of-file (the POSIX prelude gives the
    // command /dev/null; with remote_shell none, stdin stays open and empty)
    if (req.command.stdin) channel.write(req.command.stdin);
    if (req.signal.aborted) stop();
    else req.signal.addEventListener('abort', stop, { once: true });
  });
}

/**
 * Stops the process group `pid` leads from a second session on the same connection (the command's own
 * session cannot carry a second command): SIGTERM, up to the grace period, SIGKILL.
 */
export async function stopRemoteGroup(client: Client, command: string, boundMs: number): Promise<void> {
  const bound = AbortSignal.timeout(boundMs);
  const channel = await abortable(
    openExec(client, { exec: command, stdin: '', env: undefined, reportsPid: false }, false),
    bound,
  );
  channel.resume();
  channel.stderr.resume();
  channel.end();
  const closed = new Promise<void>((resolve) => channel.once('close', () => resolve()));
  await abortable(closed, bound).finally(() => channel.close());
}
