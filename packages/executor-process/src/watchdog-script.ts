/**
 * The watchdog's own program, run as `node -e WATCHDOG_SCRIPT <json>` in its own session, where `<json>`
 * is `{ dir, owner, ownerStart, boot, pidns }` (`{}` when there are no records). Its stdin is a pipe
 * whose only write end is held by the executor's process; it reads lines from it:
 *
 *   add <pgid> <grace ms>      a group the executor just spawned (or adopted from a dead owner)
 *   remove <pgid>              that group is gone
 *
 * On `add` it reads the leader's start time from /proc and writes the group's record
 * (`<dir>/<pgid>-<start>.json`, a `GroupRecord`); on `remove` it deletes it. Both happen here, in
 * another process, so that a work costs the executor two short pipe writes and nothing more (reading
 * the stat of a process that is still exec'ing contends with the exec itself: ~1 ms of CPU a work).
 *
 * End-of-file (or an error) on stdin means the owner is gone, however it died (SIGKILL, OOM, crash,
 * `process.exit` with works still running): every group still listed gets SIGTERM, then SIGKILL after
 * its grace period; its record file is removed; the watchdog exits once no listed group has a live
 * (non-zombie) process left, or 3 s after the last SIGKILL (a process stuck in the kernel). With nothing
 * listed it exits at once.
 *
 * A group is signalled only while it is still the one that was listed: its leader (pid = pgid) is the
 * same process (same start time in /proc), or the leader is gone — its pgid cannot be reused while
 * members remain, and with no member left the signal finds no one (ESRCH).
 *
 * Plain JavaScript in a string (no bundler helper may leak into it), CommonJS, no dependency.
 */
export const WATCHDOG_SCRIPT = String.raw`/* @ubom/executor-process watchdog */ 'use strict';
const fs = require('fs');
const path = require('path');
let place = {};
try {
  place = JSON.parse(process.argv[1] || '{}') || {};
} catch (error) {}
const dir = typeof place.dir === 'string' ? place.dir : '';
const POLL_MS = 50;
const KILL_WAIT_MS = 3000;
const groups = new Map();
let pending = '';
let gone = false;
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
process.on('SIGPIPE', () => {});

const statBuffer = Buffer.alloc(4096);
function startOf(pid) {
  let fd;
  try {
    fd = fs.openSync('/proc/' + pid + '/stat', 'r');
    const stat = statBuffer.toString('latin1', 0, fs.readSync(fd, statBuffer, 0, 4096, 0));
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch (error) {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
function stillOurs(pgid, group) {
  if (group.start === '-') return true;
  const now = startOf(pgid);
  return now === undefined || now === group.start;
}
function signal(pgid, name) {
  try {
    process.kill(-pgid, name);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}
function live(pgid) {
  if (!signal(pgid, 0)) return false;
  if (process.platform !== 'linux') return true;
  let names;
  try {
    names = fs.readdirSync('/proc');
  } catch (error) {
    return true;
  }
  for (const name of names) {
    if (name.charCodeAt(0) > 57) continue;
    try {
      const stat = fs.readFileSync('/proc/' + name + '/stat', 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[2] === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
    } catch (error) {}
  }
  return false;
}
function forget(pgid, group) {
  groups.delete(pgid);
  if (dir && group.start !== '-') {
    try {
      fs.unlinkSync(path.join(dir, pgid + '-' + group.start + '.json'));
    } catch (error) {}
  }
}
function record(pgid, group) {
  if (!dir || group.start === '-') return;
  const body = {
    pgid: Number(pgid),
    start: group.start,
    owner: place.owner,
    ownerStart: place.ownerStart,
    graceMs: group.grace,
    boot: place.boot,
    pidns: place.pidns,
  };
  try {
    fs.writeFileSync(path.join(dir, pgid + '-' + group.start + '.json'), JSON.stringify(body), { mode: 0o600 });
  } catch (error) {}
}
function onLine(line) {
  if (gone) return;
  const parts = line.split(' ');
  if (parts[0] === 'add' && /^[0-9]+$/.test(parts[1] || '')) {
    const previous = groups.get(parts[1]);
    if (previous) forget(parts[1], previous);
    const group = { start: startOf(parts[1]) || '-', grace: Math.max(0, Number(parts[2]) || 0) };
    groups.set(parts[1], group);
    record(parts[1], group);
  } else if (parts[0] === 'remove') {
    const group = groups.get(parts[1]);
    if (group) forget(parts[1], group);
  }
}
function ownerGone() {
  if (gone) return;
  gone = true;
  const now = Date.now();
  for (const [pgid, group] of groups) {
    if (!stillOurs(pgid, group) || !signal(pgid, 'SIGTERM')) forget(pgid, group);
    else group.killAt = now + group.grace;
  }
  const tick = () => {
    const t = Date.now();
    for (const [pgid, group] of groups) {
      if (!stillOurs(pgid, group) || !live(pgid)) forget(pgid, group);
      else if (group.giveUpAt !== undefined && t >= group.giveUpAt) forget(pgid, group);
      else if (group.giveUpAt === undefined && t >= group.killAt) {
        signal(pgid, 'SIGKILL');
        group.giveUpAt = t + KILL_WAIT_MS;
      }
    }
    if (groups.size === 0) process.exit(0);
    setTimeout(tick, POLL_MS);
  };
  tick();
}
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  for (let i = pending.indexOf('\n'); i >= 0; i = pending.indexOf('\n')) {
    onLine(pending.slice(0, i));
    pending = pending.slice(i + 1);
  }
});
process.stdin.on('end', ownerGone);
process.stdin.on('error', ownerGone);
process.stdin.on('close', ownerGone);
`;
