import { describe, expect, it } from 'vitest';
import { ubom, workDir } from './helpers';

const files = workDir();

/** A space, `/`, `+`, `=`, `?`, `&` and a non-ASCII letter: every encoding below differs from the value. */
const SECRET = 'tok 3f/9a+ü=x?&y-do-not-print';
const NAMES = ['raw', 'base64', 'hex', 'pct_lower', 'form', 'uri'];
const FORMS = [
  SECRET,
  Buffer.from(SECRET).toString('base64'),
  Buffer.from(SECRET).toString('hex'),
  encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
  new URLSearchParams({ v: SECRET }).toString().slice(2),
  encodeURI(SECRET),
];

/**
 * The command computes every form of `$TOKEN` itself and prints each on stdout and stderr, then all of
 * them as the JSON result line; with `fail`, all of them on the last stderr line (quoted by the error)
 * and exit 3.
 */
const SCRIPT = `const s = process.env.TOKEN;
const forms = {
  raw: s,
  base64: Buffer.from(s).toString('base64'),
  hex: Buffer.from(s).toString('hex'),
  pct_lower: encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
  form: new URLSearchParams({ v: s }).toString().slice(2),
  uri: encodeURI(s),
};
for (const [name, form] of Object.entries(forms)) {
  console.log(name + ' ' + form);
  console.error(name + ' ' + form);
}
if (process.argv[1] === 'fail') {
  console.error('all ' + Object.values(forms).join(' | '));
  process.exit(3);
}
console.log(JSON.stringify(forms));`;

const work = (mode: 'ok' | 'fail', env: 'secret_environment' | 'environment' = 'secret_environment') => ({
  id: `encodings-${mode}`,
  type: 'process',
  executor_config: {
    command: [process.execPath, '-e', SCRIPT, mode],
    [env]: { TOKEN: SECRET },
    output: 'json',
  },
});

function expectNoForm(text: string, where: string): void {
  for (const [i, form] of FORMS.entries())
    expect(text.includes(form), `the ${NAMES[i]} form leaked into ${where}:\n${text}`).toBe(false);
}

const VARIANTS: Array<{ name: string; args: (path: string) => string[] }> = [
  { name: 'human', args: (path) => ['run', path] },
  { name: '--json', args: (path) => ['run', path, '--json'] },
  { name: '--debug', args: (path) => ['--debug', 'run', path] },
];

describe('ubom run masks secret_environment values in every encoding (hex, %xx, form, encodeURI, base64)', () => {
  it('the control: as a plain `environment` value, the CLI shows every form', async () => {
    const { stdout, stderr } = await ubom(['run', files.write('control.json', work('ok', 'environment'))]);
    for (const form of FORMS) expect(stdout + stderr).toContain(form);
  });

  for (const variant of VARIANTS) {
    it(`${variant.name}: live logs, outputs and the JSON result of a work that succeeds`, async () => {
      const { code, stdout, stderr } = await ubom(variant.args(files.write('ok.json', work('ok'))));
      expect(code).toBe(0);
      expectNoForm(stdout, 'stdout');
      expectNoForm(stderr, 'stderr');
      for (const name of NAMES) expect(stderr).toContain(`${name} ***`);
      if (variant.name === '--json')
        expect(JSON.parse(stdout).outputs.result).toEqual(Object.fromEntries(NAMES.map((n) => [n, '***'])));
    });

    it(`${variant.name}: the error of a work that fails`, async () => {
      const { code, stdout, stderr } = await ubom(variant.args(files.write('fail.json', work('fail'))));
      expect(code).toBe(1);
      expect(stdout + stderr).toContain('all *** | *** | *** | *** | *** | ***');
      expectNoForm(stdout, 'stdout');
      expectNoForm(stderr, 'stderr');
    });

    it(`${variant.name}: the error of a work that could not start`, async () => {
      const missing = {
        id: 'encodings-missing',
        type: 'process',
        executor_config: {
          command: [`/no/such/dir/${FORMS.join('/')}`],
          secret_environment: { TOKEN: SECRET },
        },
      };
      const { code, stdout, stderr } = await ubom(variant.args(files.write('missing.json', missing)));
      expect(code).not.toBe(0);
      expect(code).not.toBe(1);
      expect(stdout + stderr).toContain('/no/such/dir/***/***/***/***/***/***');
      expectNoForm(stdout, 'stdout');
      expectNoForm(stderr, 'stderr');
    });
  }
});
