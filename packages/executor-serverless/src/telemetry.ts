import {
  type BackendSpan,
  defineHistogram,
  type RunOutcome,
  type TelemetryAttributes,
  type TraceCarrier,
} from '@ubom/core';
import { awsRegion, type ServerlessConfig } from './config';

/** What the provider billed for a work's invocation (Lambda's `Billed Duration`), in seconds. */
export const billedDuration = defineHistogram({
  scope: '@ubom/executor-serverless',
  name: 'ubom.serverless.billed.duration',
  unit: 's',
  description: 'Duration the provider billed for invocations, where it reports it (Lambda), by function',
  boundaries: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
});

/** The FaaS client conventions: `faas.invoked_name`, `faas.invoked_provider`, `faas.invoked_region`. */
export function invokedAttributes(config: ServerlessConfig): TelemetryAttributes {
  const region =
    config.provider === 'aws' ? awsRegion(config) : config.provider === 'gcp' ? config.region : undefined;
  return {
    'faas.invoked_name': config.function,
    // the provider names of the conventions are UBOM's: aws, gcp, azure
    'faas.invoked_provider': config.provider,
    'faas.invoked_region': region,
  };
}

/** Lambda caps `ClientContext` at 3583 characters of base64. */
const CLIENT_CONTEXT_MAX = 3583;

/**
 * `ClientContext` of a Lambda `Invoke` carrying the trace context as OpenTelemetry's aws-sdk
 * instrumentation does: base64 of `{ "custom": { "traceparent": …, "tracestate": … } }`, which the
 * function reads as `context.clientContext.custom`. `undefined` without a carrier (or past the cap).
 */
export function lambdaClientContext(carrier: TraceCarrier): string | undefined {
  if (!carrier.traceparent) return undefined;
  const encoded = Buffer.from(JSON.stringify({ custom: { ...carrier } })).toString('base64');
  return encoded.length > CLIENT_CONTEXT_MAX ? undefined : encoded;
}

/** `traceparent` / `tracestate` request headers of an HTTP-triggered function. */
export function traceHeaders(carrier: TraceCarrier): Record<string, string> {
  const headers: Record<string, string> = {};
  if (carrier.traceparent) headers.traceparent = carrier.traceparent;
  if (carrier.traceparent && carrier.tracestate) headers.tracestate = carrier.tracestate;
  return headers;
}

/** The invocation's result on its span, and the billed duration when the provider reported one. */
export function recordInvocation(
  span: BackendSpan,
  outcome: RunOutcome,
  attributes: TelemetryAttributes,
): void {
  const status = outcome.outputs?.status_code;
  if (typeof status === 'number' && attributes['faas.invoked_provider'] !== 'aws')
    span.setAttributes({ 'http.response.status_code': status });
  if (outcome.success === false) span.fail(outcome.error ?? 'the invocation failed');
  const billedMs = outcome.metrics?.billedDurationMs;
  if (typeof billedMs === 'number')
    billedDuration.record(billedMs / 1000, {
      'faas.invoked_provider': attributes['faas.invoked_provider'],
      'faas.invoked_name': attributes['faas.invoked_name'],
    });
}
