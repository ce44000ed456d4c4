import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnhancedWorkRegistry, type LogEntry, type Work, type WorkResult } from '@ubom/core';
import { leakedEncodings, secretEncodings } from '@ubom/testkit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPlugin } from '../src';
import { type LambdaServer, startLambdaServer } from './fixtures/aws/lambda-server.mjs';
import { type AzureServer, startAzureServer } from './fixtures/azure/azure-server.mjs';

/*
 * A secret that the function prints back in every encoding core masks, through every channel a
 * serverless work has. AWS (the real SDK against the Lambda stand-in): the secret key signs the call and
 * the function gets it in its payload; its log lines (live and result logs), its returned payload
 * (outputs.payload) and the message of its error (`error`). Azure (the real HTTP call to the host
 * stand-in): the function key; the JSON body, the response headers, and the body a failed status quotes
 * in `error`. A value of the same shape that is no secret goes the same way: the control that every
 * form reaches every channel.
 */

// eleven distinct forms each: a space, `"`, `\`, `~`, `!`, base64 padded (non-ASCII where no header carries it)
const AWS_SECRET = 'awsk t/9a+ü="q"?&\\z~!';
const KEY = 'az9r t/9a+="q"?&\\z~!';
const PLAIN = 'pl4n t/9a+="q"?&\\z~!';
const ACCESS_KEY = 'AKIAUBOMFORMSKEY0001';
const NAMES = Object.keys(secretEncodings(PLAIN));

let lambda: LambdaServer;
let azure: AzureServer;
const executor = createPlugin();
const registry = new EnhancedWorkRegistry();
registry.registerExecutor('serverless', executor);
beforeAll(async () => {
  lambda = await startLambdaServer({
    handlersDir: fileURLToPath(new URL('./fixtures/aws/functions/', import.meta.url)),
    credentials: { [ACCESS_KEY]: AWS_SECRET },
    functions: { forms: { handler: 'forms.mjs' } },
  });
  const dir = inject('certDir');
  azure = await startAzureServer({
    tls: { key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.crt')) },
    functionKeys: { forms: KEY },
    app: { tenantId: 't', clientId: 'c', clientSecret: 'unused-client-secret' },
    arm: { subscriptionId: 's', resourceGroup: 'r', site: 'a' },
    identityHeader: 'unused',
  });
});
afterAll(async () => Promise.all([executor.shutdown(), lambda.close(), azure.close()]));

const awsWork = (payload: Record<string, unknown>): Work => ({
  id: 'aws-forms',
  type: 'serverless',
  executor_config: {
    provider: 'aws',
    function: 'forms',
    region: 'us-east-1',
    endpoint: lambda.url,
    credentials: { type: 'aws_iam', access_key: ACCESS_KEY, secret_key: AWS_SECRET },
    payload,
  },
});
const azureWork = (payload: Record<string, unknown>): Work => ({
  id: 'azure-forms',
  type: 'serverless',
  executor_config: {
    provider: 'azure',
    function: 'forms',
    endpoint: `${azure.url}/api/forms`,
    credentials: { type: 'function_key', key: KEY },
    payload,
  },
});

async function run(work: Work, direct: boolean): Promise<{ result: WorkResult; live: LogEntry[] }> {
  const live: LogEntry[] = [];
  const onLog = (e: LogEntry) => live.push(e);
  const result = direct
    ? await executor.execute(work, {}, { onLog })
    : await registry.execute(work, {}, { onLog });
  return { result, live };
}

const masked = Object.fromEntries(NAMES.map((name) => [name, '***']));
const noneOf = (secret: string) => (text: string, where: string) =>
  expect(leakedEncodings(text, secret), where).toEqual([]);

describe('a secret printed back by the function in every encoding is masked in every channel', () => {
  it('each secret and the control value have eleven distinct forms', () => {
    for (const value of [AWS_SECRET, KEY, PLAIN])
      expect(new Set(Object.values(secretEncodings(value))).size).toBe(11);
  });

  for (const direct of [false, true]) {
    const via = direct ? 'called directly (the kernel masks)' : 'through the registry';
    const none = noneOf(AWS_SECRET);

    it(`aws, ${via}: the function's log lines (live and result logs) and its payload`, async () => {
      const { result, live } = await run(awsWork({ secret: AWS_SECRET, plain: PLAIN }), direct);
      expect(result.success).toBe(true);
      expect(result.outputs.payload).toEqual({ secret: masked, plain: secretEncodings(PLAIN) });
      const logged = live.filter((e) => e.source === 'stdout').map((e) => e.message);
      expect(logged).toEqual([
        ...NAMES.map((name) => `secret ${name}=***`),
        ...Object.entries(secretEncodings(PLAIN)).map(([name, form]) => `plain ${name}=${form}`),
      ]);
      expect(result.logs.filter((e) => e.source === 'stdout').map((e) => e.message)).toEqual(logged);
      none(JSON.stringify(live), 'the live logs');
      none(JSON.stringify(result), 'the result');
    });

    it(`aws, ${via}: the message of the function's error`, async () => {
      const { result, live } = await run(awsWork({ secret: AWS_SECRET, plain: PLAIN, fail: true }), direct);
      expect(result.success).toBe(false);
      expect(result.error).toBe(`Error: all ${NAMES.map(() => '***').join(' | ')}`);
      none(JSON.stringify(live), 'the live logs');
      none(JSON.stringify(result), 'the result');
    });

    it(`azure, ${via}: the JSON body and the response headers`, async () => {
      const { result, live } = await run(azureWork({ plain: PLAIN }), direct);
      expect(result.success).toBe(true);
      expect(result.outputs.payload).toEqual({ secret: masked, plain: secretEncodings(PLAIN) });
      const headers = result.outputs.headers as Record<string, string>;
      expect(NAMES.map((_, i) => headers[`x-secret-${i}`])).toEqual(Array(11).fill('***'));
      expect(NAMES.map((_, i) => headers[`x-plain-${i}`])).toEqual(Object.values(secretEncodings(PLAIN)));
      noneOf(KEY)(JSON.stringify(live), 'the live logs');
      noneOf(KEY)(JSON.stringify(result), 'the result');
    });

    it(`azure, ${via}: the body a failed status quotes in the error, form by form`, async () => {
      for (const name of NAMES) {
        const failed = await run(azureWork({ plain: PLAIN, fail: name }), direct);
        expect(failed.result.error).toBe(`the function answered HTTP 500: ${name}=***`);
        noneOf(KEY)(JSON.stringify(failed), `the failed work (${name})`);
        const control = await run(azureWork({ plain: PLAIN, fail: name, of: 'plain' }), direct);
        expect(control.result.error).toBe(
          `the function answered HTTP 500: ${name}=${secretEncodings(PLAIN)[name as 'hex']}`,
        );
      }
      // a form where the quote is cut: no piece of it
      const cut = await run(azureWork({ fail: 'straddle' }), direct);
      expect(cut.result.error).toMatch(/^the function answered HTTP 500: x+ \*\*\*/);
      expect(JSON.stringify(cut)).not.toContain(secretEncodings(KEY).hex.slice(0, 4));
    });
  }
});
