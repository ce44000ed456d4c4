import { describe, expect, it } from 'vitest';
import { unitSuffix } from '../src/prometheus-names';
import { telemetryRequested } from '../src/telemetry';

describe('which OTEL_* variables start the SDK', () => {
  it.each([
    [{}, false],
    [{ OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod' }, false], // tunes, does not switch on
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, true],
    [{ OTEL_SERVICE_NAME: 'runner' }, true],
    [{ OTEL_TRACES_EXPORTER: 'console' }, true],
    [{ OTEL_METRICS_EXPORTER: 'prometheus' }, true],
    [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'TRUE' }, false],
    [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'false' }, true],
    [{ OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' }, false],
    [{ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, true], // metrics default to otlp
    [{ OTEL_SERVICE_NAME: '  ' }, false],
  ])('%o → %s', (env, expected) => {
    expect(telemetryRequested(env)).toBe(expected);
  });
});

describe('Prometheus unit suffixes', () => {
  it.each([
    ['s', 'seconds'],
    ['ms', 'milliseconds'],
    ['By', 'bytes'],
    ['By/s', 'bytes_per_second'],
    ['1/s', 'per_second'],
    ['{work}', ''],
    ['1', ''],
    ['', ''],
    ['widgets', 'widgets'],
  ])('%s → %s', (unit, suffix) => {
    expect(unitSuffix(unit)).toBe(suffix);
  });
});
