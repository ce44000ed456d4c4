import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, cleanEnv, nodeWork, ubom, workDir } from './helpers';

const files = workDir();

/** Runs the CLI on a real pseudo-terminal (util-linux `script`), calling `onOutput` as output arrives. */
function onTerminal(
  args: string[],
  onOutput: (all: string, type: (keys: string) => void) => void,
): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env: cleanEnv({ TERM: 'xterm-256color', COLUMNS: '100' }),
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    output += s;
    onOutput(output, (keys) => child.stdin.write(keys)); // typed on the terminal: \x03 is Ctrl-C
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

const gated = (gate: string) =>
  nodeWork(`const fs = require('fs'); console.log('first line');
    const t = setInterval(() => { if (fs.existsSync(${JSON.stringify(gate)})) { clearInterval(t); console.log('last line'); } }, 20);`);

describe('elapsed-time line', () => {
  it('on a terminal, a long run shows one updating elapsed line, cleared before each log line and at the end', async () => {
    const gate = join(files.dir, 'tty-gate');
    const path = files.write('tty.json', gated(gate));
    const { code, output } = await onTerminal(['run', path], (all) => {
      if (/running for 2s/.test(all)) writeFileSync(gate, '');
    });
    expect(code).toBe(0);
    // escape codes made visible: <ESC>[2K erases the line, <CR> returns to its start
    const shown = output.replaceAll('\x1b', '<ESC>').replaceAll('\r', '<CR>');
    expect(shown).toMatch(/… test-work \(process\) running for 1s \(Ctrl-C to cancel\)/);
    // the status line is erased before the log line, then redrawn after it, then erased before the summary
    expect(shown).toMatch(
      /running for \d+s \(Ctrl-C to cancel\)(<ESC>\[\d+m)*<CR><ESC>\[2Klast line<CR>\n(<ESC>\[\d+m)*… test-work \(process\) running for \d+s \(Ctrl-C to cancel\)(<ESC>\[\d+m)*<CR><ESC>\[2K(<ESC>\[\d+m)*SUCCESS/,
    );
    // only ever one status line: whatever comes after a status starts by erasing it
    const statuses = shown.match(/running for/g)?.length ?? 0;
    const erased = shown.match(/running for \d+s \(Ctrl-C to cancel\)(<ESC>\[\d+m)*<CR><ESC>\[2K/g)?.length;
    expect(statuses).toBeGreaterThanOrEqual(3);
    expect(erased).toBe(statuses);
  });

  it('nothing of it is written when stderr is not a terminal', async () => {
    const gate = join(files.dir, 'pipe-gate');
    const path = files.write('pipe.json', gated(gate));
    setTimeout(() => writeFileSync(gate, ''), 2500).unref();
    const { code, stderr } = await ubom(['run', path]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/^\[process\] started process \d+\nfirst line\nlast line\n$/);
  });

  it('after the first Ctrl-C the line says the work is being cancelled, and how to force it', async () => {
    const path = files.write('tty-cancel.json', nodeWork('setInterval(() => {}, 1000)'));
    let typed = false;
    const { code, output } = await onTerminal(['run', path], (all, type) => {
      if (!typed && /running for 1s/.test(all)) {
        typed = true;
        type('\x03');
      }
    });
    expect(code).toBe(130);
    const shown = output.replaceAll('\x1b', '<ESC>').replaceAll('\r', '<CR>');
    expect(shown).toMatch(/… test-work \(process\) cancelling… \d+s \(Ctrl-C again to force\)/);
    expect(shown).not.toMatch(/cancelling…[^\n]*running for/); // the status line no longer says running
    expect(output).toContain(`[ubom] cancelled after `);
    expect(output).toMatch(/cancelled after \d+(ms|s): \S*tty-cancel\.json was stopped and cleaned up/);
  });
});
