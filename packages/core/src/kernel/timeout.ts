import { DURATION_PATTERN, formatDuration, MAX_DURATION_MS } from '../util/duration';

/** Every kernel executor accepts `executor_config.timeout`; the kernel enforces it. */
export const OWN_TIMEOUT_KEY = 'timeout';
/** Every kernel executor accepts `executor_config.propagate_trace` (default true); `ctx.traceCarrier()` honours it. */
export const PROPAGATE_TRACE_KEY = 'propagate_trace';

const OWN_TIMEOUT_SCHEMA = {
  description: `Stop the work after this long: it resolves success:false "timed out after …" once cleaned up. At most ${formatDuration(MAX_DURATION_MS)}.`,
  anyOf: [
    { type: 'string', pattern: DURATION_PATTERN, examples: ['30s', '1m30s', '500ms'] },
    { type: 'number', minimum: 0, maximum: MAX_DURATION_MS, description: 'milliseconds' },
  ],
};

const PROPAGATE_TRACE_SCHEMA = {
  type: 'boolean',
  default: true,
  description:
    'Hand the W3C trace context (traceparent, tracestate) to the work: environment, headers or metadata, as the executor documents. false keeps it out; spans are still recorded.',
};

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The config's JSON Schema with the kernel's keys (`timeout`, `propagate_trace`) added to each object shape (each branch of a union). */
export function withKernelKeys(schema: Node): Node {
  const add = (node: unknown): unknown => {
    if (!isNode(node)) return node;
    const out: Node = { ...node };
    for (const key of ['anyOf', 'oneOf'] as const)
      if (Array.isArray(node[key])) out[key] = (node[key] as unknown[]).map(add);
    if (isNode(node.properties) || node.type === 'object')
      out.properties = {
        ...(isNode(node.properties) ? node.properties : {}),
        [OWN_TIMEOUT_KEY]: OWN_TIMEOUT_SCHEMA,
        [PROPAGATE_TRACE_KEY]: PROPAGATE_TRACE_SCHEMA,
      };
    return out;
  };
  return add(schema) as Node;
}

/** `executor_config` without the kernel's keys (what the spec's schema parses), and their values. */
export function splitKernelKeys(raw: Record<string, unknown>): {
  timeout: unknown;
  propagateTrace: unknown;
  rest: Record<string, unknown>;
} {
  if (!Object.hasOwn(raw, OWN_TIMEOUT_KEY) && !Object.hasOwn(raw, PROPAGATE_TRACE_KEY))
    return { timeout: undefined, propagateTrace: undefined, rest: raw };
  const { [OWN_TIMEOUT_KEY]: timeout, [PROPAGATE_TRACE_KEY]: propagateTrace, ...rest } = raw;
  return { timeout, propagateTrace, rest };
}
