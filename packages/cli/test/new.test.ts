import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_EXECUTORS } from '../src/executors';
import { variantValues } from '../src/starter';
import { builtinPackage, cleanEnv, nodeWork, ubom, workDir } from './helpers';

const files = workDir();

/** `ubom --plugin <the type's package> …args`. */
const withPlugin = (type: string, args: string[], env?: NodeJS.ProcessEnv) =>
  ubom(['--plugin', builtinPackage(type), ...args], env ? { env } : {});

describe('ubom new', () => {
  it.each(Object.keys(BUILTIN_EXECUTORS))(
    'writes a %s work (and one per variant) that ubom validate accepts',
    async (type) => {
      const schema = await withPlugin(type, ['schema', type]);
      const choices: string[][] = [[], ...variantValues(JSON.parse(schema.stdout)).map((v) => [v])];
      for (const variant of choices) {
        const args = variant.flatMap((v) => ['--variant', v]);
        const made = await withPlugin(type, ['new', type, ...args]);
        expect(made.code, made.stderr).toBe(0);
        const work = JSON.parse(made.stdout);
        expect(work).toMatchObject({ $schema: './ubom-work.schema.json', type, id: `my-${type}-work` });
        const path = files.write(`${type}-${variant.join('-') || 'plain'}.json`, made.stdout);
        const checked = await withPlugin(type, ['validate', '--no-dry-run', path]);
        expect(checked.stderr, `ubom new ${type} ${args.join(' ')}:\n${made.stdout}`).toBe('');
        expect(checked.code).toBe(0);
      }
      if (type === 'process') {
        // nothing in the process starter needs a service: the dry run (the program on PATH) passes too
        const checked = await ubom(['validate', join(files.dir, 'process-plain.json')]);
        expect(checked.code, checked.stderr).toBe(0);
        // and it runs as written
        const ran = await ubom(['run', join(files.dir, 'process-plain.json'), '--json', '--quiet']);
        expect(ran.code, ran.stderr).toBe(0);
        expect(JSON.parse(ran.stdout)).toMatchObject({ success: true, outputs: { exit_code: 0 } });
      }
    },
    180_000,
  );

  it('fills required keys, writes optional keys with their defaults, and makes secrets references', async () => {
    const { code, stdout, stderr } = await withPlugin('http', ['new', 'http', '--variant', 'bearer']);
    expect(code).toBe(0);
    const config = JSON.parse(stdout).executor_config;
    expect(config.url).toBe('https://api.example.com/v1/items'); // required: its example
    expect(config.method).toBe('GET'); // optional: its default
    expect(config.auth).toEqual({ type: 'bearer', token: { $secret: 'AUTH_TOKEN' } }); // the variant asked for
    expect(config).not.toHaveProperty('query'); // optional without a default: named on stderr instead
    expect(stderr).toMatch(
      /delete the ones you do not need; also: query, headers, .* \(ubom schema http --table\)/,
    );
    expect(stderr).toContain('auth.type: bearer written; others: basic, api_key, oauth2_client_credentials');
  });

  it('writes a file and, beside it, the editor schema its "$schema" names; never overwrites without --force', async () => {
    const { dir } = workDir();
    const path = join(dir, 'hello.json');
    const first = await ubom(['new', 'process', path]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe('');
    const work = JSON.parse(readFileSync(path, 'utf8'));
    expect(work).toMatchObject({ id: 'hello', type: 'process', $schema: './ubom-work.schema.json' });
    const editorSchema = JSON.parse(readFileSync(join(dir, 'ubom-work.schema.json'), 'utf8'));
    expect(editorSchema.properties.type.enum).toEqual(['process']);
    expect(editorSchema.allOf[0].then.properties.executor_config.required).toEqual(['command']);

    writeFileSync(path, '{"mine": true}\n');
    const again = await ubom(['new', 'process', path]);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`[ubom] ${path} already exists: use --force to overwrite it\n`);
    expect(readFileSync(path, 'utf8')).toBe('{"mine": true}\n');

    writeFileSync(join(dir, 'ubom-work.schema.json'), '{}');
    const forced = await ubom(['new', 'process', path, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(readFileSync(path, 'utf8')).type).toBe('process');
    expect(readFileSync(join(dir, 'ubom-work.schema.json'), 'utf8')).toBe('{}'); // never rewritten
    expect(forced.stderr).toContain(`ubom-work.schema.json does not list process: ubom schema --work >`);
  });

  it('an unknown type gets the usual "did you mean", a type not installed the package to install', async () => {
    const typo = await ubom(['new', 'dokcer', join(files.dir, 'typo.json')]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe('[ubom] no executor for type "dokcer" — did you mean "docker"?\n');
    expect(existsSync(join(files.dir, 'typo.json'))).toBe(false);
    const absent = await ubom(['new', 'grpc']);
    expect(absent.code).toBe(2);
    expect(absent.stdout).toBe('');
    expect(absent.stderr).toMatch(/^\[ubom\] no executor for type "grpc" — install @ubom\/executor-grpc /);
  });

  it('refuses a variant the type does not have, and two variants of one choice', async () => {
    const unknown = await withPlugin('serverless', ['new', 'serverless', '--variant', 'ibm']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /^\[ubom\] no variant "ibm" in serverless works \(its variants: aws, gcp, azure, /,
    );
    const clash = await withPlugin('http', ['new', 'http', '--variant', 'basic', '--variant', 'bearer']);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain('variant "bearer" does not fit with the others');
  });

  it('needs no backend: ubom new docker and ubom schema docker with no Docker Engine to reach', async () => {
    const env = cleanEnv({ DOCKER_HOST: 'tcp://127.0.0.1:1' });
    const made = await withPlugin('docker', ['new', 'docker'], env);
    expect(made.code, made.stderr).toBe(0);
    expect(JSON.parse(made.stdout).executor_config.image).toBe('python:3.12-slim');
    const schema = await withPlugin('docker', ['schema', 'docker'], env);
    expect(schema.code, schema.stderr).toBe(0);
    expect(JSON.parse(schema.stdout).required).toEqual(['image']);
  });
});

describe('ubom validate --no-dry-run', () => {
  it('checks the schema and the executor rules but asks nothing of the backend', async () => {
    const path = files.write('missing-program.json', nodeWork('', {}, {}));
    const work = JSON.parse(readFileSync(path, 'utf8'));
    work.executor_config.command = ['ubom-no-such-program-here'];
    writeFileSync(path, JSON.stringify(work));
    const dry = await ubom(['validate', path]);
    expect(dry.code).toBe(2);
    expect(dry.stderr).toContain('ubom-no-such-program-here');
    const offline = await ubom(['validate', '--no-dry-run', path]);
    expect(offline.stderr).toBe('');
    expect(offline.code).toBe(0);
    const broken = files.write('broken.json', { ...work, executor_config: { comand: ['x'] } });
    const still = await ubom(['validate', '--no-dry-run', broken]);
    expect(still.code).toBe(2);
    expect(still.stderr).toContain('executor_config.comand: unknown key — did you mean "command"?');
  });
});
