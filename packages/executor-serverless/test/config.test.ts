import { compileSecretExtractor, EnhancedWorkRegistry, ValidationError, type Work } from '@ubom/core';
import { settle } from '@ubom/testkit';
import { describe, expect, it } from 'vitest';
import { createPlugin, serverlessConfigJsonSchema } from '../src';

const registry = new EnhancedWorkRegistry();
const executor = createPlugin();
registry.registerExecutor('serverless', executor);
const work = (executor_config: Record<string, unknown>): Work => ({
  id: 'c',
  type: 'serverless',
  executor_config,
});

async function issues(promise: Promise<unknown>) {
  const outcome = await settle(promise);
  expect(outcome.ok).toBe(false);
  if (outcome.ok) return [];
  expect(outcome.error).toBeInstanceOf(ValidationError);
  return (outcome.error as ValidationError).issues;
}

describe('config schema', () => {
  it('marks every credential secret writeOnly in the JSON Schema', () => {
    const extract = compileSecretExtractor(serverlessConfigJsonSchema);
    const secrets = [
      {
        provider: 'aws',
        function: 'f',
        credentials: {
          type: 'aws_iam',
          access_key: 'AKIAIOSFODNN7EXAMPLE',
          secret_key: 's1',
          session_token: 's2',
        },
      },
      {
        provider: 'gcp',
        function: 'f',
        endpoint: 'https://x',
        credentials: { type: 'service_account', key: 's3' },
      },
      { provider: 'azure', function: 'f', app: 'a', credentials: { type: 'function_key', key: 's4' } },
      {
        provider: 'azure',
        function: 'f',
        app: 'a',
        credentials: { type: 'client_secret', tenant_id: 't', client_id: 'c', client_secret: 's5' },
      },
    ].flatMap((config) => extract?.(config) ?? []);
    expect(secrets.sort()).toEqual(['s1', 's2', 's3', 's4', 's5']);
  });

  it('is draft 2020-12, closed to unknown keys, with the seed example first, then one per other provider', () => {
    expect(serverlessConfigJsonSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(JSON.stringify(serverlessConfigJsonSchema)).toContain('"additionalProperties":false');
    expect(serverlessConfigJsonSchema.examples).toEqual([
      expect.objectContaining({ provider: 'aws', function: 'my-lambda-function' }),
      expect.objectContaining({ provider: 'gcp' }),
      expect.objectContaining({ provider: 'azure' }),
    ]);
    expect(createPlugin().getSchema().config).toBe(serverlessConfigJsonSchema);
  });

  it.each(
    (serverlessConfigJsonSchema.examples as Record<string, unknown>[]).map((e) => [e.provider, e] as const),
  )('accepts the %s example (ubom new starts from it)', async (_provider, example) => {
    await expect(registry.validateWork(work(example))).resolves.toBeUndefined();
  });

  it('reports every problem at once, each with its JSON path', async () => {
    const found = await issues(
      registry.validateWork(
        work({
          provider: 'aws',
          function: 'bad name!',
          region: 'mars',
          timeout: 'soon',
          max_attempts: 0,
          colour: 'red',
        }),
      ),
    );
    expect(found.map((i) => i.path).sort()).toEqual([
      'executor_config.colour',
      'executor_config.function',
      'executor_config.max_attempts',
      'executor_config.region',
      'executor_config.timeout',
    ]);
  });

  it('refuses invocation types a provider does not have (gcp and azure have no async)', async () => {
    for (const provider of ['gcp', 'azure']) {
      const found = await issues(
        registry.validateWork(
          work({
            provider,
            function: 'f',
            endpoint: 'https://x',
            invocation_type: 'async',
            credentials: { type: provider === 'gcp' ? 'none' : 'default' },
            app: provider === 'azure' ? 'a' : undefined,
          }),
        ),
      );
      expect(found.some((i) => i.path === 'executor_config.invocation_type')).toBe(true);
    }
  });

  it('checks the cross-field rules the JSON Schema cannot express (in validate)', async () => {
    const gcp = await issues(
      registry.validateWork(work({ provider: 'gcp', function: 'f', project: 'my-project' })),
    );
    expect(gcp).toEqual([
      { path: 'executor_config.endpoint', message: expect.stringContaining('project and region') },
    ]);
    const azure = await issues(
      registry.validateWork(
        work({ provider: 'azure', function: 'f', credentials: { type: 'default' }, app: 'my-app' }),
      ),
    );
    expect(azure.map((i) => i.path).sort()).toEqual([
      'executor_config.resource_group',
      'executor_config.subscription_id',
    ]);
  });

  it('validates a work given straight to the executor, never crashing on odd input', async () => {
    for (const config of [null, 'aws', [], { provider: 'aws', function: 'f', payload: () => 1 }]) {
      const outcome = await settle(
        executor.execute({ id: 'x', type: 'serverless', executor_config: config as never }, {}),
      );
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.error).toBeInstanceOf(ValidationError);
    }
  });

  it('refuses a payload that is not JSON data', async () => {
    const valid = { provider: 'aws', function: 'f', region: 'us-east-1' };
    await executor.validate(work(valid));
    const odd = { ...valid, payload: () => 1 };
    expect((await issues((async () => executor.validate(work(odd)))())).map((i) => i.path)).toEqual([
      'executor_config.payload',
    ]);
  });

  it('sees a config object changed between two runs', async () => {
    const config: Record<string, unknown> = { provider: 'aws', function: 'f', region: 'us-east-1' };
    await executor.validate(work(config));
    config.region = 'nowhere';
    expect((await issues((async () => executor.validate(work(config)))())).map((i) => i.path)).toEqual([
      'executor_config.region',
    ]);
  });
});
