import { type LogEntry, ValidationError, type WorkResult } from '@ubom/core';
import { secretEncodings } from '@ubom/testkit';
import { describe, expect, it } from 'vitest';
import { createPlugin } from '../src';
import { processWork, run } from './support/run';

/**
 * A space, `/`, `+`, `=`, `?`, `&`, `"`, `\`, `~`, `!` and a non-ASCII letter, base64 padded: each of
 * the eleven forms core masks (testkit's `secretEncodings`) differs from the others.
 */
const SECRET = 'tok 3f/9a+ü="x"?&\\y-do-not-prin~!';
const NAMES = Object.keys(secretEncodings(SECRET));
/** The forms, computed here: what must never appear. */
const FORMS = Object.values(secretEncodings(SECRET));

/**
 * Prints every form on stdout and stderr (one line each), then all of them as the JSON result line;
 * with `fail`, all of them on one last stderr line (the error quotes the last stderr lines) and exit 3.
 * The command computes the forms itself, with testkit's `secretEncodings` as its own source.
 */
const SCRIPT = `const s = process.env.TOKEN;
const forms = (${secretEncodings.toString()})(s);
for (const [name, form] of Object.entries(forms)) {
  console.log(name + ' ' + form);
  console.error(name + ' ' + form);
}
if (process.argv[1] === 'fail') {
  console.error('all ' + Object.values(forms).join(' | '));
  process.exit(3);
}
console.log(JSON.stringify(forms));`;

const config = (fail: boolean, env: 'secret_environment' | 'environment' = 'secret_environment') => ({
  command: [process.execPath, '-e', SCRIPT, fail ? 'fail' : 'ok'],
  [env]: { TOKEN: SECRET },
  output: 'json',
});

function expectNoForm(where: string, text: string): void {
  for (const [i, form] of FORMS.entries())
    expect(text.includes(form), `${NAMES[i]} form leaked into ${where}`).toBe(false);
}

/** Every channel: live logs, result logs, outputs (stdout, stderr, result) and error. */
function expectMaskedEverywhere(result: WorkResult, live: LogEntry[]): void {
  expectNoForm('the live logs', JSON.stringify(live));
  expectNoForm('result.logs', JSON.stringify(result.logs));
  expectNoForm('outputs.stdout', String(result.outputs.stdout));
  expectNoForm('outputs.stderr', String(result.outputs.stderr));
  expectNoForm('outputs.result', JSON.stringify(result.outputs.result ?? null));
  expectNoForm('the error', String(result.error ?? ''));
  expectNoForm('the result', JSON.stringify(result));
  // and the forms were there to mask: each line kept its name, its value became the mask
  for (const source of ['stdout', 'stderr'] as const) {
    const lines = live.filter((e) => e.source === source).map((e) => e.message);
    for (const name of NAMES) expect(lines).toContain(`${name} ***`);
  }
}

describe('secret_environment values are masked in every encoding the command prints them in', () => {
  it('the control: as a plain `environment` value, the command prints every form', async () => {
    expect(new Set(FORMS).size).toBe(11);
    const { result, live } = await run(config(false, 'environment'));
    const text = JSON.stringify(live) + JSON.stringify(result);
    for (const form of FORMS) expect(text).toContain(JSON.stringify(form).slice(1, -1));
    expect(Object.values(result.outputs.result as object)).toEqual(FORMS);
  });

  it('through the registry: live logs, result logs, stdout/stderr tails and the JSON result', async () => {
    const { result, live } = await run(config(false));
    expect(result.success).toBe(true);
    expect(result.outputs.result).toEqual(Object.fromEntries(NAMES.map((n) => [n, '***'])));
    expectMaskedEverywhere(result, live);
  });

  it('through the registry: the error of a failing work', async () => {
    const { result, live } = await run(config(true));
    expect(result.success).toBe(false);
    expect(result.error).toMatch(
      new RegExp(
        `^the command exited with code 3: [\\s\\S]*all ${NAMES.map(() => '\\*\\*\\*').join(' \\| ')}$`,
      ),
    );
    expectMaskedEverywhere(result, live);
  });

  it('called directly, without the registry (the kernel masks)', async () => {
    const executor = createPlugin();
    for (const fail of [false, true]) {
      const live: LogEntry[] = [];
      const result = await executor.execute(processWork(config(fail)), {}, { onLog: (e) => live.push(e) });
      expect(result.success).toBe(!fail);
      expectMaskedEverywhere(result, live);
    }
    await executor.shutdown();
  });

  it('the error of a work that could not start, its program path made of every form', async () => {
    const error = await run({
      command: [`/no/such/dir/${FORMS.join('/')}`],
      secret_environment: { TOKEN: SECRET },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const text = JSON.stringify({
      message: (error as Error).message,
      issues: (error as ValidationError).issues,
    });
    expect(text).toContain(`/no/such/dir/${NAMES.map(() => '***').join('/')}`);
    expectNoForm('the error', text);
  });
});
