import { type ChildProcess, spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { dropRecord, type RecordPlace, readVerdicts, recordPlace } from './group-record';
import { terminateGroup } from './process-group';
import { WATCHDOG_SCRIPT } from './watchdog-script';

const isWindows = process.platform === 'win32';
/** A watchdog that exits this soon after its start failed to start; this many in a row turn it off. */
const EARLY_EXIT_MS = 2000;
const MAX_EARLY_EXITS = 3;

interface Owned {
  pgid: number;
  graceMs: number;
}

/** What `sweepOrphanGroups` did. */
export interface SweepReport {
  /** Orphaned groups found running: each gets SIGTERM, then SIGKILL after its recorded grace period. */
  stopping: number[];
  /** Records removed because nothing of theirs runs any more (or their pid now names another process). */
  dropped: number;
  /** Settles once every group in `stopping` is gone (or given up on). */
  done: Promise<void>;
}

/** How this process guards the groups it starts (for the README's "degrade clearly" and the tests). */
export interface GuardStatus {
  /** The pid of the running watchdog, if one runs now. */
  watchdogPid: number | undefined;
  /** Why there is no watchdog (Windows, or it kept failing to start). */
  watchdogOff: string | undefined;
  /** The record folder, or why there are no records (not Linux, an unsafe folder). */
  records: { dir: string } | { disabled: string };
  /** Groups this process runs now. */
  groups: number;
}

/**
 * Nothing outlives its owner: the one watchdog of this process, the record of running groups, and the
 * sweep of groups whose owner died. One per process (shared through `globalThis`, so the ESM and CJS
 * builds loaded side by side still start a single watchdog).
 */
export class GroupGuard {
  readonly #env: NodeJS.ProcessEnv;
  readonly #groups = new Map<number, Owned>();
  #place: RecordPlace | undefined;
  #child: ChildProcess | undefined;
  #pipe: Writable | undefined;
  #startedAt = 0;
  #earlyExits = 0;
  #off: string | undefined = isWindows ? 'no process groups on Windows' : undefined;

  /** `env` names the record folder (`UBOM_PROCESS_GROUPS_DIR`, `XDG_RUNTIME_DIR`); tests give their own. */
  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.#env = env;
  }

  place(): RecordPlace {
    this.#place ??= recordPlace(this.#env);
    return this.#place;
  }

  status(): GuardStatus {
    const place = this.place();
    return {
      watchdogPid: this.#child?.pid,
      watchdogOff: this.#off,
      records: 'dir' in place ? { dir: place.dir } : place,
      groups: this.#groups.size,
    };
  }

  /**
   * Puts the group just spawned under guard: listed with the watchdog, which stops it if this process
   * dies and keeps its record on disk (for the sweep, should the watchdog die too). Costs this process
   * one short pipe write now and one at the release, to call once the group is gone.
   */
  own(pgid: number, graceMs: number): () => void {
    const owned: Owned = { pgid, graceMs: Math.min(Math.max(Math.round(graceMs), 0), 2 ** 31 - 1) };
    this.#groups.set(pgid, owned);
    this.#send(`add ${pgid} ${owned.graceMs}\n`);
    return () => {
      if (this.#groups.get(pgid) !== owned) return;
      this.#groups.delete(pgid);
      this.#send(`remove ${pgid}\n`, false);
    };
  }

  /**
   * Stops the groups recorded by owners that no longer run (pid gone, or reused by a process with
   * another start time) whose leader is still the recorded process; removes records with nothing left
   * to stop. The stopping goes on in the background, under this process's own watchdog.
   */
  async sweep(): Promise<SweepReport> {
    const place = this.place();
    const report: SweepReport = { stopping: [], dropped: 0, done: Promise.resolve() };
    if (!('dir' in place)) return report;
    const stops: Promise<void>[] = [];
    for (const { path, verdict } of await readVerdicts(place)) {
      if (verdict.action === 'drop') {
        report.dropped++;
        await dropRecord(path);
      } else if (verdict.action === 'stop' && !this.#groups.has(verdict.record.pgid)) {
        const { pgid, graceMs } = verdict.record;
        report.stopping.push(pgid);
        const owned: Owned = { pgid, graceMs };
        this.#groups.set(pgid, owned);
        this.#send(`add ${pgid} ${graceMs}\n`);
        stops.push(
          terminateGroup(pgid, graceMs)
            .catch(() => undefined)
            .then(async () => {
              if (this.#groups.get(pgid) === owned) {
                this.#groups.delete(pgid);
                this.#send(`remove ${pgid}\n`);
              }
              await dropRecord(path);
            }),
        );
      }
    }
    report.done = Promise.all(stops).then(() => undefined);
    return report;
  }

  /**
   * An `add` leaves at once: the group must be known before anything else runs (a `process.exit` in a
   * later microtask of this tick would lose a held line). A `remove` may wait for the end of the tick,
   * so the removes of works ending together leave in one write (losing one harms nobody: the watchdog
   * signals a group only while it is still the listed one).
   */
  #send(line: string, now = true): void {
    if (this.#off) return;
    if (!this.#pipe) this.#start();
    const pipe = this.#pipe;
    if (!pipe) return;
    if (now && pipe.writableCorked > 0)
      pipe.uncork(); // what was held goes first, in order
    else if (!now && pipe.writableCorked === 0) {
      pipe.cork();
      process.nextTick(() => {
        if (pipe.writableCorked > 0) pipe.uncork();
      });
    }
    pipe.write(line);
  }

  /** Starts the watchdog (and lists the groups running now, after a restart). */
  #start(): void {
    const place = this.place();
    let child: ChildProcess;
    try {
      // where the watchdog keeps the records, and whose they are
      const records =
        'dir' in place
          ? {
              dir: place.dir,
              owner: place.self.pid,
              ownerStart: place.self.start,
              boot: place.self.boot,
              pidns: place.self.pidns,
            }
          : {};
      child = spawn(process.execPath, ['-e', WATCHDOG_SCRIPT, JSON.stringify(records)], {
        detached: true, // its own session: a signal to our process group (Ctrl-C) does not reach it
        stdio: ['pipe', 'ignore', 'ignore'],
        cwd: '/',
        env: { ELECTRON_RUN_AS_NODE: '1' }, // no NODE_OPTIONS (loaders, inspectors) of ours
      });
    } catch (error) {
      this.#off = `the watchdog could not start: ${(error as Error).message}`;
      return;
    }
    const pipe = child.stdin as Writable & { unref?: () => void };
    // neither the watchdog nor its pipe keeps this process alive: when it ends, the pipe closes
    child.unref();
    pipe.unref?.();
    pipe.on('error', () => {}); // EPIPE: it died; 'exit' starts another
    this.#child = child;
    this.#pipe = pipe;
    this.#startedAt = performance.now();
    child.once('error', () => this.#lost(child));
    child.once('exit', () => this.#lost(child));
    for (const g of this.#groups.values()) pipe.write(`add ${g.pgid} ${g.graceMs}\n`);
  }

  /** The watchdog died while we run (killed, or it never started): start another while groups run. */
  #lost(child: ChildProcess): void {
    if (this.#child !== child) return;
    this.#child = undefined;
    this.#pipe = undefined;
    const early = performance.now() - this.#startedAt < EARLY_EXIT_MS;
    this.#earlyExits = early ? this.#earlyExits + 1 : 0;
    if (this.#earlyExits >= MAX_EARLY_EXITS) {
      this.#off = `the watchdog (${process.execPath} -e …) exited at once ${MAX_EARLY_EXITS} times`;
      return;
    }
    if (this.#groups.size > 0) this.#start();
  }
}

const KEY = Symbol.for('@ubom/executor-process/group-guard@1');
const shared = globalThis as { [KEY]?: GroupGuard };

/** This process's guard (one per process). */
export const guard = (): GroupGuard => {
  shared[KEY] ??= new GroupGuard();
  return shared[KEY];
};

/** Stops the process groups that dead owners left behind (see `GroupGuard.sweep`). */
export const sweepOrphanGroups = (): Promise<SweepReport> => guard().sweep();

/** How this process guards its groups: the watchdog's pid, the record folder, or why each is off. */
export const groupGuardStatus = (): GuardStatus => guard().status();
