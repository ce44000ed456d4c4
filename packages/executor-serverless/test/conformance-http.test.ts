import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Work } from '@ubom/core';
import { describeExecutorConformance } from '@ubom/testkit';
import { afterAll, beforeAll, inject } from 'vitest';
import { createPlugin } from '../src';
import { type AzureServer, startAzureServer } from './fixtures/azure/azure-server.mjs';
import { type ServedFunction, serveFunction } from './fixtures/gcp/functions.mjs';
import { type MetadataServer, startMetadataServer } from './fixtures/gcp/metadata-server.mjs';

// The conformance suite for the two HTTP providers. Works are registered before beforeAll runs, so
// their endpoints are filled in place once the stand-ins listen.
const FUNCTION_KEY = 'ubomConformanceFunctionKey-00000000000000000000001==';
let azure: AzureServer;
let metadata: MetadataServer;
let echo: ServedFunction;
let slow: ServedFunction;

const gcp = (id: string, fn: 'echo' | 'slow', extra: Record<string, unknown> = {}): Work => ({
  id,
  type: 'serverless',
  inputs: { hello: 'world' },
  executor_config: {
    provider: 'gcp',
    function: fn,
    endpoint: 'http://placeholder/',
    credentials: { type: 'default' },
    ...extra,
  },
});
const az = (id: string, fn: 'echo' | 'slow', extra: Record<string, unknown> = {}): Work => ({
  id,
  type: 'serverless',
  inputs: { hello: 'world' },
  executor_config: {
    provider: 'azure',
    function: fn,
    endpoint: 'https://placeholder/',
    credentials: { type: 'function_key', key: FUNCTION_KEY },
    ...extra,
  },
});
const gcpWorks = { valid: gcp('gcp-valid', 'echo'), long: gcp('gcp-long', 'slow', { timeout: '60s' }) };
const azureWorks = {
  valid: az('azure-valid', 'echo'),
  long: az('azure-long', 'slow', { timeout: '60s' }),
  secret: az('azure-secret', 'echo', { payload: { echo: FUNCTION_KEY } }),
};

beforeAll(async () => {
  metadata = await startMetadataServer();
  process.env.GCE_METADATA_HOST = metadata.host;
  echo = await serveFunction('echo');
  slow = await serveFunction('slow');
  gcpWorks.valid.executor_config.endpoint = echo.url;
  gcpWorks.long.executor_config.endpoint = slow.url;
  const dir = inject('certDir');
  azure = await startAzureServer({
    tls: { key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.crt')) },
    functionKeys: { echo: FUNCTION_KEY, slow: FUNCTION_KEY },
    app: { tenantId: 't', clientId: 'c', clientSecret: 's' },
    arm: { subscriptionId: 'sub', resourceGroup: 'rg', site: 'app' },
    identityHeader: 'unused',
  });
  for (const work of Object.values(azureWorks))
    work.executor_config.endpoint = `${azure.url}/api/${work.executor_config.function}`;
});
afterAll(async () => {
  await Promise.all([metadata.close(), echo.close(), slow.close(), azure.close()]);
});

const settled = async (open: () => number) => {
  const until = Date.now() + 2000;
  while (open() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  return open();
};

describeExecutorConformance({
  name: 'serverless (gcp)',
  createExecutor: () => createPlugin(),
  works: gcpWorks,
  leftovers: () => settled(() => echo.open() + slow.open()),
  invalidConfigs: [
    { config: { provider: 'gcp', function: 'f', endpoint: 'ftp://x' }, path: 'executor_config.endpoint' },
    {
      config: {
        provider: 'gcp',
        function: 'f',
        endpoint: 'https://x',
        credentials: { type: 'service_account' },
      },
      path: 'executor_config.credentials.key',
    },
  ],
});

describeExecutorConformance({
  name: 'serverless (azure)',
  createExecutor: () => createPlugin(),
  works: {
    valid: azureWorks.valid,
    long: azureWorks.long,
    withSecret: { work: azureWorks.secret, secret: FUNCTION_KEY },
  },
  leftovers: () => settled(() => azure.inFlight()),
  invalidConfigs: [
    { config: { provider: 'azure', function: 'f', app: 'my-app' }, path: 'executor_config.credentials' },
    {
      config: {
        provider: 'azure',
        function: 'f',
        app: 'my-app',
        region: 'westeurope',
        credentials: { type: 'function_key', key: 'k' },
      },
      path: 'executor_config.region',
    },
  ],
});
