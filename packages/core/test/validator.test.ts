import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  EnhancedWorkRegistry,
  type JSONSchema,
  SchemaValidator,
  ValidationError,
  type WorkSchema,
} from '../src';
import { dockerSchema, FakeExecutor, thrown, validDockerWork } from './helpers';

const validator = (...schemas: WorkSchema[]): SchemaValidator => {
  const v = new SchemaValidator();
  for (const schema of schemas) v.registerSchema(schema.type, schema);
  return v;
};

const issuesOf = (v: SchemaValidator, work: unknown) => {
  const error = thrown(() => v.validateWork(work));
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).issues;
};

/** A plain-JS plugin's schema, hand-written JSON Schema with `$defs`/`$ref` and secrets. */
const processSchema: WorkSchema = {
  type: 'process',
  version: '1.0.0',
  config: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: {
      command: { type: 'array', items: { type: 'string' }, minItems: 1 },
      cwd: { type: 'string' },
      output: { enum: ['text', 'json'] },
      api_key: { $ref: '#/$defs/apiKey', writeOnly: true },
      credentials: {
        type: 'object',
        writeOnly: true,
        properties: { key_id: { type: 'string', pattern: '^AK' } },
      },
      mode: { type: 'string', enum: ['fast', 'slow'], writeOnly: true },
      pin: { type: 'integer', maximum: 9999, writeOnly: true },
    },
    required: ['command'],
    additionalProperties: false,
    $defs: { apiKey: { type: 'string', pattern: '^sk-[a-z0-9]+$', examples: ['sk-abc123'] } },
  },
  inputs: {
    type: 'object',
    properties: { name: { type: 'string' } },
    additionalProperties: false,
  },
};

const processWork = (config: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: 'p-1',
  type: 'process',
  executor_config: { command: ['echo', 'hi'], ...config },
  ...extra,
});

describe('SchemaValidator', () => {
  it('accepts a valid work built from a zod 4 schema', () => {
    const v = validator(dockerSchema);
    expect(v.check(validDockerWork())).toEqual([]);
    expect(() => v.validateWork(validDockerWork())).not.toThrow();
  });

  it('reports every problem at once, each with its JSON path and a plain sentence', () => {
    const v = validator(dockerSchema);
    const issues = issuesOf(v, {
      id: 'w',
      type: 'docker',
      timout: '5s',
      executor_config: {
        comand: 'x',
        restart: 'allways',
        resources: { memory_limit: 'lots' },
        ports: [{ container: 80 }, { container: '81' }],
        environment: { A: 1 },
      },
    });
    expect(issues).toEqual([
      { path: 'timout', message: 'unknown key — did you mean "timeout"?' },
      { path: 'executor_config.image', message: 'is required' },
      { path: 'executor_config.comand', message: 'unknown key — did you mean "command"?' },
      {
        path: 'executor_config.restart',
        message: 'must be "always", "never" or "on-failure", got "allways" — did you mean "always"?',
      },
      { path: 'executor_config.resources.memory_limit', message: 'must look like 512m, got "lots"' },
      { path: 'executor_config.ports[1].container', message: 'must be an integer, got "81"' },
      { path: 'executor_config.environment.A', message: 'must be a string, got 1' },
    ]);
  });

  it('lists every problem in the ValidationError message, which is not retryable', () => {
    const v = validator(dockerSchema);
    const error = thrown(() =>
      v.validateWork(
        validDockerWork({ resources: { memory_limit: 'lots' }, restart: 'sometimes' as 'always' }),
      ),
    ) as ValidationError;
    expect(error.code).toBe('VALIDATION');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('invalid work: 2 problems');
    expect(error.message).toContain(
      'executor_config.resources.memory_limit: must look like 512m, got "lots"',
    );
    expect(error.message).toContain('executor_config.restart: must be "always", "never" or "on-failure"');
  });

  it('names a missing nested key by its full path', () => {
    const issues = issuesOf(
      validator(dockerSchema),
      validDockerWork({ resources: {} as { memory_limit: string } }),
    );
    expect(issues).toEqual([{ path: 'executor_config.resources.memory_limit', message: 'is required' }]);
  });

  it('addresses array items with [index]', () => {
    const work = validDockerWork({ ports: [{ container: 80 }, { container: 81, host: 1.5 }] });
    expect(issuesOf(validator(dockerSchema), work)).toEqual([
      { path: 'executor_config.ports[1].host', message: 'must be an integer, got 1.5' },
    ]);
  });

  it('suggests the closest key for an unknown key inside executor_config and at the top level', () => {
    const issues = issuesOf(validator(dockerSchema), {
      ...validDockerWork({ ...({ imagee: 'x' } as object) }),
      lables: {},
    });
    expect(issues).toContainEqual({ path: 'lables', message: 'unknown key — did you mean "labels"?' });
    expect(issues).toContainEqual({
      path: 'executor_config.imagee',
      message: 'unknown key — did you mean "image"?',
    });
  });

  it('lists the known keys when an unknown key is not close to any', () => {
    const issues = issuesOf(
      validator(dockerSchema),
      validDockerWork({ resources: { memory_limit: '1g', zzzzzz: 1 } as never }),
    );
    expect(issues).toEqual([
      {
        path: 'executor_config.resources.zzzzzz',
        message: 'unknown key (known keys: memory_limit, cpu_limit)',
      },
    ]);
  });

  it('suggests the closest enum value', () => {
    const issues = issuesOf(validator(processSchema), processWork({ output: 'jsno' }));
    expect(issues).toEqual([
      {
        path: 'executor_config.output',
        message: 'must be "text" or "json", got "jsno" — did you mean "json"?',
      },
    ]);
  });

  it('shows the example when a pattern fails and the schema has examples, the pattern otherwise', () => {
    const v = validator(dockerSchema);
    expect(issuesOf(v, validDockerWork({ resources: { memory_limit: 'lots' } }))).toEqual([
      { path: 'executor_config.resources.memory_limit', message: 'must look like 512m, got "lots"' },
    ]);
    const plain = validator({
      type: 'p',
      version: '1',
      config: { type: 'object', properties: { tag: { type: 'string', pattern: '^v[0-9]+$' } } },
    });
    expect(issuesOf(plain, { id: 'x', type: 'p', executor_config: { tag: 'latest' } })).toEqual([
      { path: 'executor_config.tag', message: 'must match ^v[0-9]+$, got "latest"' },
    ]);
  });

  it('checks the envelope: timeout shape, labels, empty id', () => {
    const issues = issuesOf(validator(dockerSchema), {
      ...validDockerWork(),
      id: '',
      timeout: '30 seconds',
      labels: { team: 7 },
    });
    expect(issues).toEqual([
      { path: 'id', message: 'must not be empty' },
      { path: 'timeout', message: 'must look like 30s, got "30 seconds"' },
      { path: 'labels.team', message: 'must be a string, got 7' },
    ]);
  });

  it('reports each missing required field of the envelope', () => {
    expect(issuesOf(validator(dockerSchema), {})).toEqual([
      { path: 'id', message: 'is required' },
      { path: 'type', message: 'is required' },
      { path: 'executor_config', message: 'is required' },
    ]);
  });

  describe('unions', () => {
    const v = validator(dockerSchema);

    it('string | string[]: a wrong scalar names both shapes', () => {
      expect(issuesOf(v, validDockerWork({ command: 5 as unknown as string }))).toEqual([
        { path: 'executor_config.command', message: 'must be a string or an array of strings, got 5' },
      ]);
    });

    it('string | string[]: an array with a bad item points at the item only', () => {
      expect(issuesOf(v, validDockerWork({ command: ['ls', 5 as unknown as string] }))).toEqual([
        { path: 'executor_config.command[1]', message: 'must be a string, got 5' },
      ]);
    });

    it('a zod discriminated union reports the problems of the branch its discriminator picks', () => {
      const work = validDockerWork({ auth: { kind: 'token', tokn: 'abcdef' } as never });
      const issues = issuesOf(v, work);
      // the missing `token` and the unknown `tokn` are one typo: one problem
      expect(issues).toEqual([
        { path: 'executor_config.auth.tokn', message: 'unknown key — did you mean "token"?' },
      ]);
      expect(issuesOf(v, validDockerWork({ auth: { kind: 'basic', username: 'me' } as never }))).toEqual([
        { path: 'executor_config.auth.password', message: 'is required' },
      ]);
    });

    it('a zod discriminated union with an unknown discriminator names the allowed values', () => {
      const work = validDockerWork({ auth: { kind: 'tokn', token: 'abcdef' } as never });
      expect(issuesOf(v, work)).toEqual([
        {
          path: 'executor_config.auth.kind',
          message: 'must be "basic" or "token", got "tokn" — did you mean "token"?',
        },
      ]);
    });

    it('a zod discriminated union given a non-object says so', () => {
      expect(issuesOf(v, validDockerWork({ auth: 'x' as never }))).toEqual([
        { path: 'executor_config.auth', message: 'must be an object, got "x"' },
      ]);
    });
  });

  describe('a work that is not an object', () => {
    const v = validator(dockerSchema);
    it.each([
      ['null', null, 'a work must be an object, got null'],
      ['an array', [validDockerWork()], 'a work must be an object, got an array'],
      ['a string', 'docker', 'a work must be an object, got string'],
      ['a number', 42, 'a work must be an object, got number'],
      ['undefined', undefined, 'a work must be an object, got undefined'],
    ])('%s gives one issue at the root', (_name, work, message) => {
      expect(issuesOf(v, work)).toEqual([{ path: '(root)', message }]);
    });

    it('an executor_config that is not an object is reported at its path', () => {
      expect(issuesOf(v, { ...validDockerWork(), executor_config: ['busybox'] })).toEqual([
        { path: 'executor_config', message: 'must be an object, got an array of 1' },
      ]);
    });
  });

  describe('unknown work type', () => {
    const v = validator(dockerSchema, processSchema);
    it('suggests the closest registered type', () => {
      expect(issuesOf(v, { ...validDockerWork(), type: 'dokcer' })).toEqual([
        { path: 'type', message: 'unknown work type "dokcer" — did you mean "docker"?' },
      ]);
    });
    it('lists the registered types when none is close', () => {
      expect(issuesOf(v, { ...validDockerWork(), type: 'lambda' })).toEqual([
        { path: 'type', message: 'unknown work type "lambda" (known: docker, process)' },
      ]);
    });
    it('says there are none when nothing is registered', () => {
      expect(issuesOf(new SchemaValidator(), validDockerWork())).toEqual([
        { path: 'type', message: 'unknown work type "docker" (known: none)' },
      ]);
    });
  });

  describe('hand-written JSON Schema', () => {
    const v = validator(processSchema);

    it('accepts a valid work and validates inputs against the inputs schema', () => {
      expect(v.check(processWork({ cwd: '/tmp', api_key: 'sk-abc' }, { inputs: { name: 'x' } }))).toEqual([]);
      const issues = issuesOf(v, processWork({}, { inputs: { name: 1, nmae: 'x' } }));
      expect(issues).toHaveLength(2);
      expect(issues).toContainEqual({ path: 'inputs.name', message: 'must be a string, got 1' });
      expect(issues).toContainEqual({ path: 'inputs.nmae', message: 'unknown key — did you mean "name"?' });
    });

    it('follows $ref into $defs and uses the examples found there', () => {
      const issues = issuesOf(v, processWork({ command: [], api_key: 'sk_UPPER' }));
      expect(issues.map((i) => i.path)).toEqual(['executor_config.command', 'executor_config.api_key']);
      expect(issues[0]?.message).toBe('must not be empty');
      expect(issues[1]?.message).toMatch(/^must look like sk-abc123, got /);
    });

    it('compiles a zod schema and a hand-written one side by side', () => {
      const both = validator(dockerSchema, processSchema);
      expect(both.hasSchema('docker') && both.hasSchema('process')).toBe(true);
      expect(both.getSchema('process')).toBe(processSchema);
      expect(both.check(validDockerWork())).toEqual([]);
      expect(both.check(processWork({}))).toEqual([]);
    });
  });

  describe('secret values are never shown in messages', () => {
    const v = validator(processSchema);
    const messagesOf = (config: Record<string, unknown>) =>
      (thrown(() => v.validateWork(processWork(config))) as ValidationError).message;

    it('a writeOnly field failing its pattern through $ref', () => {
      const message = messagesOf({ api_key: 'hunter2-UPPERCASE' });
      expect(message).toContain(
        'executor_config.api_key: must look like sk-abc123, got a secret value (not shown)',
      );
      expect(message).not.toContain('hunter2');
    });

    it('a short secret (under 4 characters) is hidden too', () => {
      const message = messagesOf({ api_key: 'abc' });
      expect(message).not.toContain('"abc"');
    });

    it('a field nested inside a writeOnly object', () => {
      const message = messagesOf({ credentials: { key_id: 'XYZ-very-secret-id' } });
      expect(message).toContain(
        'executor_config.credentials.key_id: must match ^AK, got a secret value (not shown)',
      );
      expect(message).not.toContain('XYZ');
    });

    it('a secret enum value and a secret number', () => {
      const message = messagesOf({ mode: 'fsat', pin: 123456 });
      expect(message).toContain(
        'executor_config.mode: must be "fast" or "slow", got a secret value (not shown)',
      );
      expect(message).toContain('executor_config.pin: must be <= 9999, got a secret value (not shown)');
      expect(message).not.toContain('fsat');
      expect(message).not.toContain('123456');
    });

    it('a cyclic value under a secret is reported, not a crash', () => {
      const cyclic: Record<string, unknown> = { id: 'cyc-secret-id' };
      cyclic.self = cyclic;
      const issues = issuesOf(
        validator(dockerSchema),
        validDockerWork({ registry_password: cyclic as never }),
      );
      expect(issues).toEqual([
        {
          path: 'executor_config.registry_password',
          message: 'must be a string, got a secret value (not shown)',
        },
      ]);
    });

    it('a zod secret of the wrong type', () => {
      const zv = validator(dockerSchema);
      const error = thrown(() =>
        zv.validateWork(validDockerWork({ registry_password: 4242424242 as never })),
      );
      expect((error as ValidationError).message).toContain('got a secret value (not shown)');
      expect((error as ValidationError).message).not.toContain('4242424242');
    });
  });

  describe('a schema that does not compile', () => {
    it.each<[string, JSONSchema]>([
      ['an unknown type keyword value', { type: 'strin' }],
      ['a dangling $ref', { $ref: '#/$defs/missing' }],
      [
        'an invalid regular expression',
        { type: 'object', properties: { a: { type: 'string', pattern: '(' } } },
      ],
    ])('is rejected when registered: %s', (_name, config) => {
      const v = new SchemaValidator();
      const error = thrown(() => v.registerSchema('bad', { type: 'bad', version: '1', config }));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues[0]?.path).toBe('schema(bad)');
      expect((error as ValidationError).message).toContain('does not compile as JSON Schema');
      expect(v.hasSchema('bad')).toBe(false);
    });

    it('is rejected by registry.registerExecutor, which then does not know the type', () => {
      const registry = new EnhancedWorkRegistry();
      const broken = new FakeExecutor({
        schema: { type: 'docker', version: '1', config: { type: 'strin' } },
      });
      expect(() => registry.registerExecutor('docker', broken)).toThrow(ValidationError);
      expect(registry.hasExecutor('docker')).toBe(false);
    });
  });

  it('registers a schema with an $id again: a new version, or after the registry forgot the type', () => {
    const withId = (version: string): WorkSchema => ({
      type: 'p',
      version,
      config: {
        $id: 'https://example.com/schemas/p.json',
        type: 'object',
        properties: { v: { const: version } },
      },
    });
    const v = validator(withId('1'));
    v.registerSchema('p', withId('2'));
    expect(v.check({ id: 'x', type: 'p', executor_config: { v: '2' } })).toEqual([]);
    const registry = new EnhancedWorkRegistry();
    registry.registerExecutor('p', new FakeExecutor({ schema: withId('1') }));
    registry.unregisterExecutor('p');
    expect(() => registry.registerExecutor('p', new FakeExecutor({ schema: withId('1') }))).not.toThrow();
  });

  it('hides secrets of the inputs schema in messages too', () => {
    const v = validator({
      ...processSchema,
      inputs: {
        type: 'object',
        properties: { otp: { $ref: '#/$defs/otp' } },
        $defs: { otp: { type: 'string', pattern: '^[0-9]{6}$', writeOnly: true } },
      },
    });
    const error = thrown(() => v.validateWork(processWork({}, { inputs: { otp: 'secret-otp-value' } })));
    expect((error as ValidationError).issues).toEqual([
      { path: 'inputs.otp', message: 'must match ^[0-9]{6}$, got a secret value (not shown)' },
    ]);
  });

  it('replaces the schema of a type when it is registered again', () => {
    const v = validator(dockerSchema);
    const strictImage = z.object({ image: z.string().startsWith('registry.local/') }).strict();
    v.registerSchema('docker', {
      type: 'docker',
      version: '2.0.0',
      config: z.toJSONSchema(strictImage, { target: 'draft-2020-12' }) as JSONSchema,
    });
    expect(v.getSchema('docker')?.version).toBe('2.0.0');
    expect(issuesOf(v, { id: 'x', type: 'docker', executor_config: { image: 'busybox' } })[0]?.path).toBe(
      'executor_config.image',
    );
  });
});

describe('SchemaValidator with hand-written draft-07 schemas', () => {
  it('accepts a draft-07 schema and reports its problems with paths like any other', () => {
    const validator = new SchemaValidator();
    validator.registerSchema('legacy', {
      type: 'legacy',
      version: '1.0.0',
      config: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        properties: { url: { type: 'string' }, tags: { type: 'array', items: [{ type: 'string' }] } },
        required: ['url'],
        additionalProperties: false,
      },
    });
    const issues = validator.check({ id: 'w', type: 'legacy', executor_config: { ulr: 'x', tags: [1] } });
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'executor_config.ulr', message: 'unknown key — did you mean "url"?' },
        expect.objectContaining({ path: 'executor_config.tags[0]' }),
      ]),
    );
  });
});
