import type { Attributes, Counter, Histogram, Meter, UpDownCounter } from '@opentelemetry/api';
import { registeredOtel } from './otel';
import { activeMeter } from './providers';

/** Attribute values as OpenTelemetry takes them. */
export type TelemetryAttributeValue = string | number | boolean | string[] | number[] | boolean[];
export type TelemetryAttributes = Record<string, TelemetryAttributeValue | undefined>;

export interface InstrumentOptions {
  /** Instrumentation scope: the package that records, e.g. `@ubom/executor-docker`. */
  scope: string;
  /** Metric name, dotted, e.g. `ubom.docker.image.pull.duration`. */
  name: string;
  /** UCUM unit: `s`, `By`, `{retry}`… */
  unit?: string;
  description?: string;
  /** Histogram bucket boundaries (an advice the SDK's views may override). */
  boundaries?: number[];
}

type Kind = 'histogram' | 'counter' | 'upDownCounter';
type Made = Histogram | Counter | UpDownCounter;

/**
 * One instrument bound to whichever meter provider is registered when it records (created again when
 * that changes); a no-op without an SDK or without `@opentelemetry/api` installed.
 */
class LazyInstrument {
  readonly #o: InstrumentOptions;
  readonly #kind: Kind;
  #meter: Meter | undefined;
  #made: Made | undefined;

  constructor(options: InstrumentOptions, kind: Kind) {
    this.#o = options;
    this.#kind = kind;
  }

  current(): Made | undefined {
    const api = registeredOtel();
    const meter = api ? activeMeter(api, this.#o.scope) : undefined;
    if (meter !== this.#meter) {
      this.#meter = meter;
      this.#made = meter && make(meter, this.#o, this.#kind);
    }
    return this.#made;
  }
}

function make(meter: Meter, o: InstrumentOptions, kind: Kind): Made {
  const options = {
    ...(o.unit ? { unit: o.unit } : {}),
    ...(o.description ? { description: o.description } : {}),
    ...(o.boundaries ? { advice: { explicitBucketBoundaries: o.boundaries } } : {}),
  };
  if (kind === 'histogram') return meter.createHistogram(o.name, options);
  if (kind === 'counter') return meter.createCounter(o.name, options);
  return meter.createUpDownCounter(o.name, options);
}

export interface TelemetryHistogram {
  record(value: number, attributes?: TelemetryAttributes): void;
}

export interface TelemetryCounter {
  add(value: number, attributes?: TelemetryAttributes): void;
}

/** A histogram through the OpenTelemetry metrics API (no-op without an SDK). Define it once, at module level. */
export function defineHistogram(options: InstrumentOptions): TelemetryHistogram {
  const lazy = new LazyInstrument(options, 'histogram');
  return {
    record: (value, attributes) =>
      (lazy.current() as Histogram | undefined)?.record(value, attributes as Attributes),
  };
}

/** A monotonic counter (retries, bytes): no-op without an SDK. */
export function defineCounter(options: InstrumentOptions): TelemetryCounter {
  const lazy = new LazyInstrument(options, 'counter');
  return {
    add: (value, attributes) => (lazy.current() as Counter | undefined)?.add(value, attributes as Attributes),
  };
}

/** An up-down counter (works in flight): no-op without an SDK. */
export function defineUpDownCounter(options: InstrumentOptions): TelemetryCounter {
  const lazy = new LazyInstrument(options, 'upDownCounter');
  return {
    add: (value, attributes) =>
      (lazy.current() as UpDownCounter | undefined)?.add(value, attributes as Attributes),
  };
}

/** Drops `undefined` values (an attribute that is not known is left out, not written empty). */
export function definedAttributes(attributes: TelemetryAttributes): Attributes {
  const out: Attributes = {};
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
