import type { LogEntry, WorkResult } from '@ubom/core';
import { leakedEncodings, secretEncodings, settle } from '@ubom/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlugin } from '../src';
import { harness, target, work } from './support/run';
import { startSshd, type TestSshd } from './support/sshd';

/*
 * A secret_environment value that the remote command prints in every encoding core masks, through
 * every channel an ssh work has: live logs, result logs, outputs.stdout/stderr (also with a pty), the
 * error of a failed command (its last stderr lines), and what comes back from a work whose cwd is made
 * of every form. An `environment` value (not secret) of the same shape is printed beside it: the
 * control that every form really reaches every channel. The forms are computed on the server, by
 * testkit's own `secretEncodings` sent as a `node -e` program.
 */

// eleven distinct forms: a space, `"`, `\`, `~`, `!`, a non-ASCII letter, base64 padded
const SECRET = 'ssh3 t/9a+ü="q"?&\\z~!';
const PLAIN = 'pla1 t/9a+ü="q"?&\\z~!';
const NAMES = Object.keys(secretEncodings(SECRET));

/** Each form of $SECRET and $PLAIN on stdout and stderr; with `fail`, all the secret's on the last stderr line, exit 3. */
const SCRIPT = `const encode = ${secretEncodings.toString()};
for (const name of ['SECRET', 'PLAIN'])
  for (const [form, value] of Object.entries(encode(process.env[name]))) {
    console.log(name + ' ' + form + '=' + value);
    console.error(name + ' ' + form + '=' + value);
  }
if (process.argv[1] === 'fail') {
  console.error('all ' + Object.values(encode(process.env.SECRET)).join(' | '));
  process.exit(3);
}`;

let sshd: TestSshd;
let h: Awaited<ReturnType<typeof harness>>;
beforeAll(async () => {
  sshd = await startSshd();
  h = await harness();
});
afterAll(async () => {
  await h?.plugin.shutdown();
  await sshd?.stop();
});

const config = (mode: 'ok' | 'fail', extra: Record<string, unknown> = {}) => ({
  ...target(sshd),
  command: [process.execPath, '-e', SCRIPT, mode],
  secret_environment: { SECRET },
  environment: { PLAIN },
  ...extra,
});

async function run(executor_config: Record<string, unknown>, direct = false) {
  if (!direct) return h.run(executor_config);
  const plugin = createPlugin();
  await plugin.initialize({});
  const live: LogEntry[] = [];
  try {
    const result: WorkResult = await plugin.execute(
      work(executor_config),
      {},
      { onLog: (e) => live.push(e) },
    );
    return { result, live };
  } finally {
    await plugin.shutdown();
  }
}

const none = (text: string, where: string) => expect(leakedEncodings(text, SECRET), where).toEqual([]);
const lines = (entries: LogEntry[], source: string) =>
  entries.filter((e) => e.source === source).map((e) => e.message.replace(/\r$/, ''));
const expected = (name: 'SECRET' | 'PLAIN') =>
  Object.entries(secretEncodings(name === 'SECRET' ? SECRET : PLAIN)).map(
    ([form, value]) => `${name} ${form}=${name === 'SECRET' ? '***' : value}`,
  );

/** Every channel: each line kept its name and its value became the mask; the plain lines came whole. */
function expectMasked(result: WorkResult, live: LogEntry[], sources: string[]): void {
  for (const source of sources) {
    expect(lines(live, source)).toEqual(
      expect.arrayContaining([...expected('SECRET'), ...expected('PLAIN')]),
    );
    expect(lines(result.logs, source)).toEqual(lines(live, source));
  }
  for (const [where, text] of [
    ['the live logs', JSON.stringify(live)],
    ['result.logs', JSON.stringify(result.logs)],
    ['outputs.stdout', String(result.outputs.stdout)],
    ['outputs.stderr', String(result.outputs.stderr)],
    ['the error', String(result.error ?? '')],
    ['the result', JSON.stringify(result)],
  ] as const)
    none(text, where);
}

describe('a secret_environment value printed in every encoding is masked in every channel', () => {
  it('the control: as a plain environment value, every form arrives in the output', async () => {
    const { result } = await h.run({
      ...config('ok'),
      secret_environment: {},
      environment: { PLAIN, SECRET },
    });
    expect(result.success).toBe(true);
    expect(NAMES).toHaveLength(11);
    expect(new Set(Object.values(secretEncodings(SECRET))).size).toBe(11);
    for (const [name, form] of Object.entries(secretEncodings(SECRET)))
      expect(String(result.outputs.stdout)).toContain(`SECRET ${name}=${form}\n`);
  });

  for (const direct of [false, true]) {
    const via = direct ? 'called directly (the kernel masks)' : 'through the registry';
    it(`${via}: live logs, result logs and the stdout/stderr tails`, async () => {
      const { result, live } = await run(config('ok'), direct);
      expect(result.success).toBe(true);
      expectMasked(result, live, ['stdout', 'stderr']);
      expect(String(result.outputs.stdout)).toContain(`${expected('PLAIN').join('\n')}\n`);
    });

    it(`${via}: the error of a failed command`, async () => {
      const { result, live } = await run(config('fail'), direct);
      expect(result.success).toBe(false);
      expect(result.error).toMatch(
        new RegExp(
          `^the remote command exited with code 3: [\\s\\S]*all ${Array(11).fill('\\*\\*\\*').join(' \\| ')}$`,
        ),
      );
      expectMasked(result, live, ['stdout', 'stderr']);
    });
  }

  it('with a pty (stderr merged into stdout, CRLF line ends)', async () => {
    const { result, live } = await h.run(config('fail', { pty: true }));
    expect(result.success).toBe(false);
    expectMasked(result, live, ['stdout']);
  });

  it('a cwd made of every form: what the work resolves or rejects with holds none', async () => {
    const forms = Object.values(secretEncodings(SECRET));
    const outcome = await settle(h.run(config('ok', { cwd: `/no/such/${forms.join('/')}` })));
    const text = outcome.ok
      ? JSON.stringify(outcome.value)
      : [
          (outcome.error as Error).message,
          (outcome.error as Error).stack,
          JSON.stringify(outcome.error),
        ].join('\n');
    expect(text).toContain('***');
    none(text, 'the outcome');
  });
});
