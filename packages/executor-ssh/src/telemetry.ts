import type { BackendSpan, RunOutcome, TraceCarrier } from '@ubom/core';
import type { SshConfig } from './config';

/**
 * The work's `environment` with `TRACEPARENT` / `TRACESTATE` added (unless it sets `TRACEPARENT`, plain
 * or secret, itself): exported by the command's POSIX prelude like the other variables, so no
 * `AcceptEnv` is needed on the server; with `remote_shell: none` they go as SSH env requests, which
 * the server drops unless it accepts them.
 */
export function withTraceEnvironment(
  config: Pick<SshConfig, 'environment' | 'secret_environment'>,
  carrier: TraceCarrier,
): Record<string, string> | undefined {
  const own = config.environment?.TRACEPARENT ?? config.secret_environment?.TRACEPARENT;
  if (!carrier.traceparent || own !== undefined) return config.environment;
  const env: Record<string, string> = { TRACEPARENT: carrier.traceparent };
  if (carrier.tracestate) env.TRACESTATE = carrier.tracestate;
  return { ...env, ...config.environment };
}

/** The command's exit status on the span, ERROR when the work failed. */
export function recordExit(span: BackendSpan, outcome: RunOutcome): void {
  const code = outcome.metrics?.exitCode;
  span.setAttributes({ 'process.exit.code': typeof code === 'number' ? code : undefined });
  if (outcome.success === false) span.fail(outcome.error ?? 'the remote command failed');
}
