import { DURATION_PATTERN, formatDuration, MAX_DURATION_MS } from '../util/duration';

/** Every kernel executor accepts `executor_config.timeout`; the kernel enforces it. */
export const OWN_TIMEOUT_KEY = 'timeout';

const OWN_TIMEOUT_SCHEMA = {
  description: `Stop the work after this long: it resolves success:false "timed out after …" once cleaned up. At most ${formatDuration(MAX_DURATION_MS)}.`,
  anyOf: [
    { type: 'string', pattern: DURATION_PATTERN, examples: ['30s', '1m30s', '500ms'] },
    { type: 'number', minimum: 0, maximum: MAX_DURATION_MS, description: 'milliseconds' },
  ],
};

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The config's JSON Schema with `timeout` added to each object shape (each branch of a union). */
export function withOwnTimeout(schema: Node): Node {
  const add = (node: unknown): unknown => {
    if (!isNode(node)) return node;
    const out: Node = { ...node };
    for (const key of ['anyOf', 'oneOf'] as const)
      if (Array.isArray(node[key])) out[key] = (node[key] as unknown[]).map(add);
    if (isNode(node.properties) || node.type === 'object')
      out.properties = {
        ...(isNode(node.properties) ? node.properties : {}),
        [OWN_TIMEOUT_KEY]: OWN_TIMEOUT_SCHEMA,
      };
    return out;
  };
  return add(schema) as Node;
}

/** `executor_config` without its `timeout` (what the spec's schema parses), and the timeout itself. */
export function splitOwnTimeout(raw: Record<string, unknown>): {
  timeout: unknown;
  rest: Record<string, unknown>;
} {
  if (!Object.hasOwn(raw, OWN_TIMEOUT_KEY)) return { timeout: undefined, rest: raw };
  const { [OWN_TIMEOUT_KEY]: timeout, ...rest } = raw;
  return { timeout, rest };
}
