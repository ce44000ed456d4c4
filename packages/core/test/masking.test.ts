import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  compileSecretExtractor,
  EnhancedWorkRegistry,
  type JSONSchema,
  type LogEntry,
  MASK,
  Masker,
  PluginError,
  UnavailableError,
  ValidationError,
  type Work,
  type WorkSchema,
} from '../src';
import {
  aborted,
  dockerSchema,
  FakeExecutor,
  type RunFn,
  rejection,
  succeeded,
  validDockerWork,
} from './helpers';

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Every form the core promises to mask: as is, base64 (padded, unpadded, URL-safe), URL-encoded, JSON-escaped. */
const formsOf = (secret: string): string[] => [
  secret,
  b64(secret),
  b64(secret).replace(/=+$/, ''),
  Buffer.from(secret).toString('base64url'),
  encodeURIComponent(secret),
  JSON.stringify(secret).slice(1, -1),
];

/** Every string in a value, keys included, plus messages and stacks of errors. */
function allStrings(value: unknown, out: string[] = [], seen = new Set<unknown>()): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Error) {
    if (seen.has(value)) return out;
    seen.add(value);
    out.push(value.message, value.stack ?? '');
    allStrings(value.cause, out, seen);
    allStrings((value as { errors?: unknown }).errors, out, seen);
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      allStrings(v, out, seen);
    }
  } else if (value !== null && typeof value === 'object' && !seen.has(value)) {
    seen.add(value);
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      allStrings(v, out, seen);
    }
  }
  return out;
}

const expectNoSecret = (value: unknown, secrets: string[]) => {
  const strings = allStrings(value);
  for (const secret of secrets) {
    for (const form of formsOf(secret)) {
      const leak = strings.find((s) => s.includes(form));
      expect(leak, `"${form}" (a form of secret "${secret}") leaked`).toBeUndefined();
    }
  }
};

describe('Masker', () => {
  const secret = 'p@ss w0rd/+=?&';
  const masker = new Masker([secret]);

  it('masks a secret and each of its encoded forms inside text', () => {
    for (const form of formsOf(secret)) {
      expect(masker.string(`before ${form} after`)).toBe(`before ${MASK} after`);
    }
  });

  it('masks every occurrence', () => {
    expect(masker.string(`${secret}${secret} and ${secret}`)).toBe(`${MASK}${MASK} and ${MASK}`);
  });

  it('leaves text without secrets unchanged', () => {
    expect(masker.string('nothing to see')).toBe('nothing to see');
  });

  it('masks a short secret only where a whole string equals it, never inside words', () => {
    const short = new Masker(['abc']);
    expect(short.string('abc')).toBe(MASK);
    expect(short.string('abcdef xabc')).toBe('abcdef xabc');
    expect(short.deep({ a: 'abc', b: 'labcd' })).toEqual({ a: MASK, b: 'labcd' });
  });

  it('ignores empty secrets and says when it has nothing to mask', () => {
    expect(new Masker(['']).empty).toBe(true);
    expect(new Masker([]).string('x')).toBe('x');
    expect(masker.empty).toBe(false);
  });

  it('deep-copies values with every string masked, keys included, leaving the original untouched', () => {
    const original = { a: [secret, { [secret]: `x${secret}` }], n: 1, t: true, none: null };
    const masked = masker.deep(original);
    expect(masked).toEqual({ a: [MASK, { [MASK]: `x${MASK}` }], n: 1, t: true, none: null });
    expect(original.a[0]).toBe(secret);
  });

  it('cuts cycles', () => {
    const cyclic: Record<string, unknown> = { s: secret };
    cyclic.self = cyclic;
    const masked = masker.deep(cyclic);
    expect(masked.s).toBe(MASK);
    expect(masked.self).toBe(masked);
  });

  it('keeps an own "__proto__" key (as JSON.parse makes them) as a key', () => {
    const parsed = JSON.parse(`{"__proto__": {"token": "${secret}"}, "a": 1}`) as Record<string, unknown>;
    const masked = masker.deep(parsed);
    expect(Object.keys(masked)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(masked)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(masked, '__proto__')?.value).toEqual({ token: MASK });
  });

  it('masks an error in place: message, stack, issues and the cause chain', () => {
    const cause = new Error(`inner ${secret}`);
    const error = new ValidationError([{ path: 'x', message: `got ${secret}` }], { cause });
    expect(masker.error(error)).toBe(error);
    expectNoSecret(error, [secret]);
    expect(error.issues[0]?.message).toBe(`got ${MASK}`);
    expect((error.cause as Error).message).toBe(`inner ${MASK}`);
  });

  it('masks the own fields of an error (request details an SDK attaches) and the errors of an AggregateError', () => {
    const sdkError = Object.assign(new Error('request failed'), {
      request: {
        headers: { authorization: `Bearer ${secret}` },
        url: `https://x/?key=${encodeURIComponent(secret)}`,
      },
    });
    const aggregate = new AggregateError([new Error(`first ${secret}`), sdkError], 'several failed');
    masker.error(aggregate);
    expectNoSecret([aggregate, ...aggregate.errors, sdkError.request], [secret]);
    expect(sdkError.request.headers.authorization).toBe(`Bearer ${MASK}`);
  });

  it('masks an error whose fields lead back to itself', () => {
    const error = Object.assign(new Error(`loop ${secret}`), { self: undefined as unknown });
    error.self = { error };
    expect(masker.error(error).message).toBe(`loop ${MASK}`);
  });

  it('never leaves a secret behind, even one the mask itself helps to form', () => {
    const stars = new Masker(['****']);
    expect(stars.string('*****')).not.toContain('****');
    expect(stars.string('a*******b')).not.toContain('****');
  });

  it('masks secrets of any length: 64 KB and 1 MB values in every form, in text and objects', () => {
    // (an alternation of every form as one regular expression is refused by V8 past ~30 KB of source)
    for (const size of [64 * 1024, 1024 * 1024]) {
      const secret = randomBytes(size).toString('base64');
      const forms = formsOf(secret);
      const masker = new Masker(['short-one', secret]);
      const text = forms.map((form) => `<${form}>`).join(' short-one ');
      const masked = masker.string(text);
      expect(masked).toBe(forms.map(() => `<${MASK}>`).join(` ${MASK} `));
      expect(masker.deep({ [secret]: [text] })).toEqual({ [MASK]: [masked] });
    }
  });

  it('at one place masks the longest form that starts there', () => {
    const masker = new Masker(['abcd', 'abcdef', 'cdefgh']);
    expect(masker.string('xabcdefghx abcdx')).toBe(`x${MASK}ghx ${MASK}x`);
  });

  describe('properties', () => {
    const longSecret = fc.string({ minLength: 4, maxLength: 24, unit: 'binary' });

    it('a secret of 4+ characters never survives in any encoded form, wherever it is embedded', () => {
      fc.assert(
        fc.property(
          longSecret,
          fc.array(fc.tuple(fc.string({ unit: 'binary' }), fc.nat(5)), { minLength: 1, maxLength: 4 }),
          fc.string({ unit: 'binary' }),
          (secret, pieces, tail) => {
            const forms = formsOf(secret);
            const text = pieces.map(([text, form]) => `${text}${forms[form] as string}`).join('') + tail;
            const masked = new Masker([secret]).string(text);
            for (const form of forms) expect(masked).not.toContain(form);
          },
        ),
        { numRuns: 500 },
      );
    });

    it('masks several secrets at once, in strings nested anywhere in an object', () => {
      fc.assert(
        fc.property(
          fc.uniqueArray(longSecret, { minLength: 1, maxLength: 3 }),
          fc.string(),
          (secrets, text) => {
            const value = {
              list: secrets.map((s) => `${text}${s}`),
              nested: { [`k${secrets[0]}`]: b64(secrets.at(-1) ?? '') },
            };
            expectNoSecret(new Masker(secrets).deep(value), secrets);
          },
        ),
        { numRuns: 200 },
      );
    });

    it('a secret under 4 characters is never masked inside longer text', () => {
      fc.assert(
        fc.property(
          fc.string({ minLength: 1, maxLength: 3 }),
          fc.string(),
          fc.string(),
          (secret, before, after) => {
            fc.pre(before.length + after.length > 0);
            const text = `${before}${secret}${after}`;
            const masker = new Masker([secret]);
            expect(masker.string(text)).toBe(text);
            expect(masker.string(secret)).toBe(MASK);
          },
        ),
        { numRuns: 300 },
      );
    });
  });
});

describe('secret extraction from schemas', () => {
  it('finds writeOnly values in properties, records, arrays, $ref/$defs and patternProperties', () => {
    const extract = compileSecretExtractor({
      type: 'object',
      properties: {
        password: { type: 'string', writeOnly: true },
        env: { type: 'object', additionalProperties: { type: 'string', writeOnly: true } },
        volumes: {
          type: 'array',
          items: { type: 'object', properties: { name: { type: 'string' }, key: { writeOnly: true } } },
        },
        cred: { $ref: '#/$defs/credential' },
        headers: { type: 'object', patternProperties: { '^X-Secret-': { type: 'string', writeOnly: true } } },
        pin: { type: 'integer', writeOnly: true },
        plain: { type: 'string' },
      },
      $defs: { credential: { type: 'object', writeOnly: true } },
    });
    const found = extract?.({
      password: 'pw-1',
      env: { A: 'env-a', B: 'env-b' },
      volumes: [{ name: 'v', key: 'vol-key' }],
      cred: { id: 'cred-id', nested: ['cred-nested'] },
      headers: { 'X-Secret-Token': 'hdr', Accept: 'json' },
      pin: 4321,
      plain: 'visible',
    });
    expect(found?.sort()).toEqual(
      ['pw-1', 'env-a', 'env-b', 'vol-key', 'cred-id', 'cred-nested', 'hdr', '4321'].sort(),
    );
  });

  it('returns undefined for a schema without secrets', () => {
    expect(compileSecretExtractor({ type: 'object', properties: { a: { type: 'string' } } })).toBeUndefined();
    expect(compileSecretExtractor(true)).toBeUndefined();
  });

  it('finds secrets at every depth of a recursive zod schema', () => {
    type Node = { token: string; children?: Node[] | undefined };
    const node: z.ZodType<Node> = z.object({
      token: z.string().meta({ writeOnly: true }),
      get children() {
        return z.array(node).optional();
      },
    });
    const schema = z.toJSONSchema(z.object({ root: node }), { target: 'draft-2020-12' }) as JSONSchema;
    const found = compileSecretExtractor(schema)?.({
      root: {
        token: 't0',
        children: [{ token: 't1', children: [{ token: 't2', children: [{ token: 't3' }] }] }],
      },
    });
    expect(found?.sort()).toEqual(['t0', 't1', 't2', 't3']);
  });

  it('finds secrets in a recursive union that refers back to the root', () => {
    const schema: JSONSchema = {
      anyOf: [
        {
          type: 'object',
          properties: { key: { type: 'string', writeOnly: true }, next: { $ref: '#' } },
        },
        { type: 'null' },
      ],
    };
    const found = compileSecretExtractor(schema)?.({
      key: 'k1',
      next: { key: 'k2', next: { key: 'k3', next: null } },
    });
    expect(found?.sort()).toEqual(['k1', 'k2', 'k3']);
  });

  it('finds secrets in zod tuples (prefixItems)', () => {
    const schema = z.toJSONSchema(
      z.object({ pair: z.tuple([z.string(), z.string().meta({ writeOnly: true })]) }),
      { target: 'draft-2020-12' },
    ) as JSONSchema;
    expect(compileSecretExtractor(schema)?.({ pair: ['user', 'tuple-secret'] })).toEqual(['tuple-secret']);
  });

  it('does not loop on a cyclic value under a secret', () => {
    const extract = compileSecretExtractor({ type: 'object', properties: { cred: { writeOnly: true } } });
    const cyclic: Record<string, unknown> = { id: 'cyc-id' };
    cyclic.self = cyclic;
    expect(extract?.({ cred: cyclic })).toEqual(['cyc-id']);
  });
});

/** A hand-written schema with secrets in records, nested arrays and behind $ref. */
const vaultSchema: WorkSchema = {
  type: 'vault',
  version: '1.0.0',
  config: {
    type: 'object',
    properties: {
      url: { type: 'string' },
      env: { type: 'object', additionalProperties: { type: 'string', writeOnly: true } },
      mounts: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            path: { type: 'string' },
            tokens: { type: 'array', items: { type: 'string', writeOnly: true } },
          },
          additionalProperties: false,
        },
      },
      login: { $ref: '#/$defs/login' },
    },
    required: ['url'],
    additionalProperties: false,
    $defs: {
      login: {
        type: 'object',
        properties: { user: { type: 'string' }, password: { $ref: '#/$defs/password' } },
        additionalProperties: false,
      },
      password: { type: 'string', writeOnly: true },
    },
  },
};

const vaultSecrets = ['env-secret-A1', 'mount-tok/+en=', 'hunter2 & co?', 'zod-registry-pw'];

const vaultWork = (extra: Partial<Work> = {}): Work => ({
  id: 'v-1',
  type: 'vault',
  executor_config: {
    url: 'https://vault.local',
    env: { API_KEY: 'env-secret-A1', OTHER: 'env-secret-A1' },
    mounts: [{ path: '/a', tokens: ['mount-tok/+en='] }],
    login: { user: 'me', password: 'hunter2 & co?' },
  },
  ...extra,
});

/** Text that carries each secret as is, base64 and URL-encoded, the way an executor might leak it. */
const leakOf = (secrets: string[]) =>
  secrets
    .flatMap((s) => [s, b64(s), encodeURIComponent(s), Buffer.from(s).toString('base64url')])
    .join(' | ');

const leakyEntry = (secrets: string[]): LogEntry => ({
  timestamp: new Date().toISOString(),
  level: 'info',
  source: 'stdout',
  message: `connecting with ${leakOf(secrets)}`,
  fields: { header: `Bearer ${secrets[0]}`, nested: { list: [secrets.at(-1)] } },
});

describe('secret masking at the registry boundary', () => {
  const secretsOf = (work: Work): string[] =>
    vaultSecrets.filter((s) => JSON.stringify(work.executor_config).includes(JSON.stringify(s).slice(1, -1)));

  const setup = (run: RunFn, schema = vaultSchema) => {
    const registry = new EnhancedWorkRegistry({ abortGraceMs: 200 });
    registry.registerExecutor(schema.type, new FakeExecutor({ schema, run }));
    return registry;
  };

  it('masks secrets in outputs, result logs, live onLog entries, keys and metrics', async () => {
    const work = vaultWork();
    const secrets = secretsOf(work);
    expect(secrets).toHaveLength(3);
    const registry = setup(async (_w, _c, options) => {
      options.onLog?.(leakyEntry(secrets));
      const result = succeeded({
        echo: leakOf(secrets),
        nested: { list: [leakOf(secrets)], [secrets[0] as string]: 'as a key' },
      });
      result.logs.push(leakyEntry(secrets));
      result.metrics.note = `used ${secrets[1]}`;
      return result;
    });
    const live: LogEntry[] = [];
    const result = await registry.execute(work, {}, { onLog: (e) => live.push(e) });
    expect(result.success).toBe(true);
    expect(live).toHaveLength(1);
    expect(result.logs).toHaveLength(1);
    expect(result.outputs.echo).toContain(MASK);
    expectNoSecret({ result, live }, secrets);
  });

  it('masks secrets in the error of a failed work', async () => {
    const work = vaultWork();
    const secrets = secretsOf(work);
    const registry = setup(async () => ({
      ...succeeded(),
      success: false,
      error: `login failed: ${leakOf(secrets)}`,
    }));
    const result = await registry.execute(work);
    expect(result.success).toBe(false);
    expect(result.error).toMatch(/^login failed: \*\*\*/);
    expectNoSecret(result, secrets);
  });

  it('masks secrets in a plain Error thrown by the executor, wrapped as a PluginError (message, stack, cause)', async () => {
    const work = vaultWork();
    const secrets = secretsOf(work);
    const registry = setup(async () => {
      throw new Error(`could not log in with ${leakOf(secrets)}`);
    });
    const error = await rejection(registry.execute(work));
    expect(error).toBeInstanceOf(PluginError);
    expect((error as Error).message).toContain(MASK);
    expectNoSecret(error, secrets);
  });

  it('masks secrets in the own fields of an SDK-style error the executor throws', async () => {
    const work = vaultWork();
    const secrets = secretsOf(work);
    const registry = setup(async () => {
      throw Object.assign(new Error('403 Forbidden'), {
        $metadata: { httpStatusCode: 403 },
        request: { headers: { 'x-vault-token': secrets[2] }, body: leakOf(secrets) },
      });
    });
    const error = await rejection(registry.execute(work));
    expect(error).toBeInstanceOf(PluginError);
    expectNoSecret(error, secrets);
    expect(((error as PluginError).cause as { $metadata: unknown }).$metadata).toEqual({
      httpStatusCode: 403,
    });
  });

  it('masks secrets in a UbomError thrown by the executor, kept as it is', async () => {
    const work = vaultWork();
    const secrets = secretsOf(work);
    const registry = setup(async () => {
      throw new UnavailableError(`vault refused ${leakOf(secrets)}`, { scope: 'vault' });
    });
    const error = await rejection(registry.execute(work));
    expect(error).toBeInstanceOf(UnavailableError);
    expectNoSecret(error, secrets);
  });

  it('masks secrets in errors from the executor validate', async () => {
    const work = vaultWork();
    const secrets = secretsOf(work);
    const registry = new EnhancedWorkRegistry();
    registry.registerExecutor(
      'vault',
      new FakeExecutor({
        schema: vaultSchema,
        validate: () => {
          throw ValidationError.single('executor_config.login', `bad login ${leakOf(secrets)}`);
        },
      }),
    );
    expectNoSecret(await rejection(registry.validateWork(work)), secrets);
    expectNoSecret(await rejection(registry.execute(work)), secrets);
  });

  it('masks secrets in the logs kept when a work times out, and in the live entries', async () => {
    const work = vaultWork({ timeout: '30ms' });
    const secrets = secretsOf(work);
    const registry = setup(async (_w, _c, options) => {
      options.onLog?.(leakyEntry(secrets));
      await aborted(options.signal);
      throw new Error(`stopped while holding ${secrets[0]}`);
    });
    const live: LogEntry[] = [];
    const result = await registry.execute(work, {}, { onLog: (e) => live.push(e) });
    expect(result.success).toBe(false);
    expect(result.error).toBe('timed out after 30ms');
    expect(result.logs).toHaveLength(1);
    expectNoSecret({ result, live }, secrets);
  });

  it('masks secrets in the AbortError of a cancelled work', async () => {
    const work = vaultWork();
    const secrets = secretsOf(work);
    const registry = setup(async (_w, _c, options) => {
      await aborted(options.signal);
      throw new Error(`cancelled while holding ${secrets[0]}`);
    });
    const controller = new AbortController();
    const running = registry.execute(work, {}, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error(`user gave up on ${secrets[1]}`)), 10);
    const error = await rejection(running);
    expect((error as Error).name).toBe('AbortError');
    expectNoSecret(error, secrets);
  });

  it('masks secrets in the AbortError of a work cancelled before it started', async () => {
    const work = vaultWork();
    const secrets = secretsOf(work);
    const registry = setup(async () => succeeded());
    const signal = AbortSignal.abort(new Error(`user gave up on ${secrets[0]}`));
    const error = await rejection(registry.execute(work, {}, { signal }));
    expect((error as Error).name).toBe('AbortError');
    expectNoSecret(error, secrets);
  });

  it('masks secrets of a zod schema: top-level and inside a discriminated union branch', async () => {
    const work = validDockerWork({
      registry_password: 'zod-registry-pw',
      auth: { kind: 'token', token: 'zod-auth-token' },
    });
    const secrets = ['zod-registry-pw', 'zod-auth-token'];
    const registry = setup(async () => succeeded({ echo: leakOf(secrets) }), dockerSchema);
    const result = await registry.execute(work);
    expect(result.outputs.echo).toContain(MASK);
    expectNoSecret(result, secrets);
  });

  it('masks secrets given as numbers', async () => {
    const schema: WorkSchema = {
      type: 'pin',
      version: '1',
      config: { type: 'object', properties: { pin: { type: 'integer', writeOnly: true } } },
    };
    const registry = setup(async () => succeeded({ echo: 'pin is 987654' }), schema);
    const result = await registry.execute({ id: 'p', type: 'pin', executor_config: { pin: 987654 } });
    expect(result.outputs.echo).toBe(`pin is ${MASK}`);
  });

  it('masks secrets marked in the inputs schema', async () => {
    const schema: WorkSchema = {
      type: 'login',
      version: '1',
      config: { type: 'object' },
      inputs: { type: 'object', properties: { password: { type: 'string', writeOnly: true } } },
    };
    const registry = setup(
      async (work) => succeeded({ echo: `logged in with ${String(work.inputs?.password)}` }),
      schema,
    );
    const result = await registry.execute({
      id: 'l',
      type: 'login',
      executor_config: {},
      inputs: { password: 'input-secret-pw' },
    });
    expect(result.outputs.echo).toBe(`logged in with ${MASK}`);
  });

  it('returns the executor result object as is when the registry has no secrets to mask', async () => {
    const noSecrets: WorkSchema = { type: 'plain', version: '1', config: { type: 'object' } };
    const own = succeeded({ a: 1 });
    const registry = setup(async () => own, noSecrets);
    expect(await registry.execute({ id: 'x', type: 'plain', executor_config: {} })).toBe(own);
  });

  it('returns the executor result object as is when the work sets none of its schema secrets', async () => {
    const own = succeeded({ a: 1 });
    const registry = setup(async () => own, dockerSchema);
    const work = validDockerWork();
    delete work.timeout;
    expect(await registry.execute(work)).toBe(own);
  });
});

describe('Masker.of', () => {
  it('hands the same masker to callers asking for the same secrets, a new one for others', () => {
    const a = Masker.of(['sk-live-of-1234', 'pw-of-5678']);
    expect(Masker.of(['sk-live-of-1234', 'pw-of-5678'])).toBe(a);
    expect(Masker.of(['pw-of-5678'])).not.toBe(a);
    expect(a.string('key sk-live-of-1234 and pw-of-5678')).toBe('key *** and ***');
  });
});
