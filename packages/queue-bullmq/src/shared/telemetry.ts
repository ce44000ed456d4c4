import { tracerProviderRegistered } from '@ubom/core';
import { type Span, SpanKind, type Telemetry, type Tracer } from 'bullmq';
import { BullMQOtel } from 'bullmq-otel';
import pkg from '../../package.json';

/** BullMQ's attributes that the messaging semantic conventions also name. */
const ALIASES: Readonly<Record<string, string>> = {
  'bullmq.queue.name': 'messaging.destination.name',
  'bullmq.job.id': 'messaging.message.id',
};

type Value = Parameters<Span['setAttribute']>[1];

/** A BullMQ span that also carries the `messaging.*` names of what BullMQ records. */
class MessagingSpan implements Span {
  readonly #span: Span;
  constructor(span: Span) {
    this.#span = span;
  }
  setSpanOnContext(ctx: unknown): unknown {
    return this.#span.setSpanOnContext(ctx);
  }
  setAttribute(key: string, value: Value): void {
    this.#span.setAttribute(key, value);
    const alias = ALIASES[key];
    if (alias && value !== undefined) this.#span.setAttribute(alias, value);
  }
  setAttributes(attributes: Record<string, Value>): void {
    this.#span.setAttributes(attributes);
    for (const [key, alias] of Object.entries(ALIASES))
      if (attributes[key] !== undefined) this.#span.setAttribute(alias, attributes[key]);
  }
  addEvent(...args: Parameters<Span['addEvent']>): void {
    this.#span.addEvent(...args);
  }
  recordException(...args: Parameters<Span['recordException']>): void {
    this.#span.recordException(...args);
  }
  end(): void {
    this.#span.end();
  }
}

/**
 * BullMQ's tracer (from `bullmq-otel`), with the messaging semantic conventions on its PRODUCER
 * (`add <queue>.<type>`, on enqueue) and CONSUMER (`process <queue>`, around a work) spans.
 */
class MessagingTracer implements Tracer {
  readonly #tracer: Tracer;
  constructor(tracer: Tracer) {
    this.#tracer = tracer;
  }
  startSpan(name: string, options?: { kind: SpanKind }, context?: unknown): Span {
    const span = this.#tracer.startSpan(name, options, context);
    const kind = options?.kind;
    if (kind !== SpanKind.PRODUCER && kind !== SpanKind.CONSUMER) return span;
    span.setAttributes({
      'messaging.system': 'bullmq',
      'messaging.operation.type': kind === SpanKind.PRODUCER ? 'send' : 'process',
      'messaging.operation.name': name.split(' ')[0] ?? name,
    });
    return new MessagingSpan(span);
  }
}

/**
 * The `telemetry` option of BullMQ's Queue and Worker: spans through the OpenTelemetry API, the
 * producer's trace context carried in each job. `undefined` (no BullMQ telemetry) for `false`, and when
 * no SDK has registered a tracer provider by the time the queue is made or the worker starts: BullMQ's
 * per-job span wrappers cost ~17 µs of worker CPU per job even as no-ops (`pnpm bench`).
 */
export function bullmqTelemetry(enabled = true): Telemetry | undefined {
  if (!enabled || !tracerProviderRegistered()) return undefined;
  const otel = new BullMQOtel({ tracerName: '@ubom/queue-bullmq', version: pkg.version });
  return { tracer: new MessagingTracer(otel.tracer), contextManager: otel.contextManager };
}
