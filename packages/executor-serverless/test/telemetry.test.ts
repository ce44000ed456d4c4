import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { EnhancedWorkRegistry, type Work } from '@ubom/core';
import { recordTelemetry, traceIdOf } from '@ubom/testkit/telemetry';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPlugin, type ServerlessExecutor } from '../src';
import { lambdaClientContext } from '../src/telemetry';
import { awsWork, startAwsStandIn } from './aws-env';
import type { LambdaServer } from './fixtures/aws/lambda-server.mjs';
import { type AzureServer, startAzureServer } from './fixtures/azure/azure-server.mjs';
import { type ServedFunction, serveFunction } from './fixtures/gcp/functions.mjs';

const telemetry = recordTelemetry();
const GIVEN = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const FUNCTION_KEY = 'ubomPlantedFunctionKey-telemetry-000000000000000001==';

let lambda: LambdaServer;
let gcpTrace: ServedFunction;
let azure: AzureServer;
let executor: ServerlessExecutor;
const registry = new EnhancedWorkRegistry();

beforeAll(async () => {
  lambda = await startAwsStandIn();
  gcpTrace = await serveFunction('trace');
  const dir = inject('certDir');
  azure = await startAzureServer({
    tls: { key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.crt')) },
    functionKeys: { echo: FUNCTION_KEY },
    app: { tenantId: 't', clientId: 'c', clientSecret: 's' },
    arm: { subscriptionId: 'sub', resourceGroup: 'rg', site: 'site' },
    identityHeader: 'unused',
  });
  executor = createPlugin();
  registry.registerExecutor('serverless', executor);
  telemetry.register();
});
afterEach(telemetry.reset);
afterAll(async () => {
  telemetry.unregister();
  await executor.shutdown();
  await Promise.all([lambda.close(), gcpTrace.close(), azure.close()]);
});

const lastInvoke = () => lambda.requests.filter((r) => r.operation === 'Invoke').at(-1);
const carrierOfSpan = (name: string) => {
  const { traceId, spanId } = telemetry.span(name).spanContext();
  return `00-${traceId}-${spanId}-01`;
};
const gcpWork = (config: Record<string, unknown> = {}): Work => ({
  id: 'gcp-trace',
  type: 'serverless',
  executor_config: {
    provider: 'gcp',
    function: 'trace',
    region: 'europe-west1',
    endpoint: gcpTrace.url,
    credentials: { type: 'none' },
    ...config,
  },
});
const azureWork = (config: Record<string, unknown> = {}): Work => ({
  id: 'azure-trace',
  type: 'serverless',
  executor_config: {
    provider: 'azure',
    function: 'echo',
    endpoint: `${azure.url}/api/echo`,
    credentials: { type: 'function_key', key: FUNCTION_KEY },
    ...config,
  },
});

describe('aws lambda', () => {
  it('the function receives the CLIENT span’s context in ClientContext.custom, as the aws-sdk instrumentation sends it', async () => {
    const result = await registry.execute(awsWork(lambda.url, { function: 'context' }), {
      traceparent: GIVEN,
      tracestate: 'vendor=abc',
    });
    expect(result.success).toBe(true);
    const call = telemetry.span('context invoke');
    const custom = { traceparent: carrierOfSpan('context invoke'), tracestate: 'vendor=abc' };
    expect(result.outputs.payload).toEqual({ clientContext: { custom } });
    expect(lastInvoke()?.clientContext).toEqual({ custom });
    expect(traceIdOf(custom.traceparent)).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(call.kind).toBe(SpanKind.CLIENT);
    expect(call.parentSpanContext?.spanId).toBe(telemetry.span('ubom.work serverless').spanContext().spanId);
    expect(call.instrumentationScope.name).toBe('@ubom/executor-serverless');
    expect(call.attributes).toEqual({
      'faas.invoked_name': 'context',
      'faas.invoked_provider': 'aws',
      'faas.invoked_region': 'us-east-1',
    });
  });

  it('records the billed duration Lambda reports', async () => {
    const result = await registry.execute(awsWork(lambda.url), {});
    expect(typeof result.metrics.billedDurationMs).toBe('number');
    const points = await telemetry.points('ubom.serverless.billed.duration');
    const point = points.find((p) => p.attributes['faas.invoked_name'] === 'echo');
    expect(point?.attributes).toEqual({ 'faas.invoked_provider': 'aws', 'faas.invoked_name': 'echo' });
    expect((point?.value as Histogram | undefined)?.count).toBeGreaterThanOrEqual(1);
  });

  it('a function error marks the span failed', async () => {
    const result = await registry.execute(awsWork(lambda.url, { function: 'fail' }), {});
    expect(result.success).toBe(false);
    expect(telemetry.span('fail invoke').status).toEqual({
      code: SpanStatusCode.ERROR,
      message: result.error,
    });
  });

  it('propagate_trace: false sends no ClientContext', async () => {
    await registry.execute(awsWork(lambda.url, { function: 'context', propagate_trace: false }), {
      traceparent: GIVEN,
    });
    expect(lastInvoke()?.clientContext).toBeUndefined();
  });

  it('a carrier past the 3583-character cap is left out', () => {
    expect(lambdaClientContext({ traceparent: GIVEN, tracestate: 'x'.repeat(3000) })).toBeUndefined();
    expect(lambdaClientContext({})).toBeUndefined();
  });
});

describe('google cloud functions', () => {
  it('the function reads the traceparent header of the CLIENT span', async () => {
    const result = await registry.execute(gcpWork(), { traceparent: GIVEN, tracestate: 'vendor=abc' });
    expect(result.success).toBe(true);
    expect(result.outputs.payload).toEqual({
      traceparent: carrierOfSpan('trace invoke'),
      tracestate: 'vendor=abc',
    });
    expect(telemetry.span('trace invoke').attributes).toEqual({
      'faas.invoked_name': 'trace',
      'faas.invoked_provider': 'gcp',
      'faas.invoked_region': 'europe-west1',
      'http.response.status_code': 200,
    });
  });

  it('propagate_trace: false sends no traceparent header', async () => {
    const result = await registry.execute(gcpWork({ propagate_trace: false }), { traceparent: GIVEN });
    expect(result.outputs.payload).toEqual({ traceparent: null, tracestate: null });
  });
});

describe('azure functions', () => {
  it('the function reads the traceparent header of the CLIENT span; the key stays out of the span', async () => {
    const result = await registry.execute(azureWork(), {});
    expect(result.success).toBe(true);
    const headers = (result.outputs.payload as { headers: Record<string, string> }).headers;
    expect(headers.traceparent).toBe(carrierOfSpan('echo invoke'));
    expect(traceIdOf(headers.traceparent)).toBe(telemetry.span('ubom.work serverless').spanContext().traceId);
    expect(telemetry.span('echo invoke').attributes['faas.invoked_provider']).toBe('azure');
    expect(JSON.stringify(telemetry.spans().map((s) => [s.attributes, s.events]))).not.toContain(
      FUNCTION_KEY,
    );
  });
});
