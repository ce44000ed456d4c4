import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
// 0.216.0 is the last @opentelemetry/otlp-transformer whose generated protobuf root holds the trace
// and metrics export requests (later ones serialize by hand and decode only responses): what the
// receiver gets is decoded with OpenTelemetry's own message definitions.
import root from '@opentelemetry/otlp-transformer/build/src/generated/root.js';

interface Message {
  decode(bytes: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): unknown;
}
const proto = root as unknown as {
  opentelemetry: {
    proto: {
      collector: {
        trace: { v1: { ExportTraceServiceRequest: Message } };
        metrics: { v1: { ExportMetricsServiceRequest: Message } };
      };
    };
  };
};
const { collector } = proto.opentelemetry.proto;
const OPTIONS = { longs: String, enums: Number, bytes: String, defaults: false, arrays: true };

type AnyValue = { stringValue?: string; intValue?: string; boolValue?: boolean; doubleValue?: number };
export interface KeyValue {
  key: string;
  value: AnyValue;
}
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: KeyValue[];
  events?: Array<{ name: string; attributes?: KeyValue[] }>;
  status?: { code?: number; message?: string };
}
export interface ReceivedSpan extends OtlpSpan {
  resource: Record<string, unknown>;
  scope: string;
}
export interface ReceivedMetric {
  name: string;
  unit?: string;
  histogram?: { dataPoints: Array<{ count: string; attributes?: KeyValue[] }> };
}

/** An attribute list as a plain object (int64 values as numbers). */
export function attributesOf(list: KeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of list ?? [])
    out[key] =
      value.stringValue ??
      (value.intValue !== undefined ? Number(value.intValue) : undefined) ??
      value.boolValue ??
      value.doubleValue;
  return out;
}

const hex = (base64: string): string => Buffer.from(base64, 'base64').toString('hex');

/**
 * A local OTLP/HTTP receiver (what a collector listens on at :4318): records each request's path and
 * content type, and decodes protobuf trace and metric exports.
 */
export class OtlpReceiver {
  readonly requests: Array<{ path: string; contentType: string | undefined }> = [];
  readonly spans: ReceivedSpan[] = [];
  readonly metrics: ReceivedMetric[] = [];
  readonly #server: Server;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<OtlpReceiver> {
    const receiver: OtlpReceiver = new OtlpReceiver(
      createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          receiver.#record(req.url ?? '/', req.headers['content-type'], Buffer.concat(chunks));
          res.writeHead(200, { 'content-type': 'application/x-protobuf' });
          res.end();
        });
      }),
    );
    await new Promise<void>((resolve) => receiver.#server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  #record(path: string, contentType: string | undefined, body: Buffer): void {
    this.requests.push({ path, contentType });
    if (contentType !== 'application/x-protobuf') return;
    if (path.endsWith('/v1/traces') || path === '/custom/traces') this.#traces(body);
    if (path.endsWith('/v1/metrics')) this.#metrics(body);
  }

  #traces(body: Buffer): void {
    const type = collector.trace.v1.ExportTraceServiceRequest;
    const request = type.toObject(type.decode(body), OPTIONS) as {
      resourceSpans?: Array<{
        resource?: { attributes?: KeyValue[] };
        scopeSpans?: Array<{ scope?: { name?: string }; spans?: OtlpSpan[] }>;
      }>;
    };
    for (const rs of request.resourceSpans ?? [])
      for (const ss of rs.scopeSpans ?? [])
        for (const span of ss.spans ?? [])
          this.spans.push({
            ...span,
            traceId: hex(span.traceId),
            spanId: hex(span.spanId),
            ...(span.parentSpanId ? { parentSpanId: hex(span.parentSpanId) } : {}),
            resource: attributesOf(rs.resource?.attributes),
            scope: ss.scope?.name ?? '',
          });
  }

  #metrics(body: Buffer): void {
    const type = collector.metrics.v1.ExportMetricsServiceRequest;
    const request = type.toObject(type.decode(body), OPTIONS) as {
      resourceMetrics?: Array<{ scopeMetrics?: Array<{ metrics?: ReceivedMetric[] }> }>;
    };
    for (const rm of request.resourceMetrics ?? [])
      for (const sm of rm.scopeMetrics ?? []) this.metrics.push(...(sm.metrics ?? []));
  }
}
