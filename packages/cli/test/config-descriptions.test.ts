import { describe, expect, it } from 'vitest';
import { BUILTIN_EXECUTORS } from '../src/executors';
import { builtinPackage, ubom } from './helpers';

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The key with a string `const` that tells a union's branch apart, as `[provider=aws]`. */
const tagOf = (branch: Node): string => {
  for (const [key, prop] of Object.entries((branch.properties ?? {}) as Node))
    if (isNode(prop) && typeof prop.const === 'string') return `[${key}=${prop.const}]`;
  return '';
};

/**
 * Every property (under `properties`, at any depth: nested objects, array items, map values, each
 * branch of a union) that has no `description`, neither beside a `$ref` nor in what it points at.
 * Paths name union branches by their tag: `[provider=azure].credentials[type=client_secret].tenant_id`.
 */
export function undescribed(root: Node): string[] {
  const missing: string[] = [];
  const seen = new Set<unknown>();
  const deref = (node: unknown): Node => {
    if (!isNode(node) || typeof node.$ref !== 'string' || !node.$ref.startsWith('#'))
      return isNode(node) ? node : {};
    return deref(
      node.$ref
        .slice(2)
        .split('/')
        .filter(Boolean)
        .reduce<unknown>((at, key) => (isNode(at) ? at[key] : undefined), root),
    );
  };
  const visit = (given: unknown, path: string): void => {
    const node = deref(given);
    if (seen.has(node)) return; // a recursive definition (a JSON value) is walked once
    seen.add(node);
    for (const [key, prop] of Object.entries((node.properties ?? {}) as Node)) {
      const described =
        (isNode(prop) && typeof prop.description === 'string') || typeof deref(prop).description === 'string';
      if (!described) missing.push(`${path}${key}`);
      visit(prop, `${path}${key}.`);
    }
    for (const key of ['oneOf', 'anyOf', 'allOf'])
      for (const branch of (node[key] as unknown[] | undefined) ?? []) {
        const tag = tagOf(deref(branch));
        visit(branch, tag ? `${path.replace(/\.$/, '')}${tag}.` : path);
      }
    if (node.items) visit(node.items, `${path.replace(/\.$/, '')}[].`);
    if (isNode(node.additionalProperties)) visit(node.additionalProperties, `${path}*.`);
  };
  visit(root, '');
  return missing;
}

describe('descriptions of the built-in executors’ config', () => {
  it('the check names every property without a description, at any depth and in every branch', () => {
    const schema = {
      type: 'object',
      properties: {
        ok: { type: 'string', description: 'fine' },
        bare: { type: 'string' },
        ref: { $ref: '#/$defs/described' },
        list: { type: 'array', description: 'a list', items: { type: 'object', properties: { x: {} } } },
        choice: {
          description: 'a union',
          oneOf: [
            { type: 'object', properties: { kind: { const: 'a' }, y: { description: 'y' } } },
            { type: 'object', properties: { kind: { const: 'b', description: 'b' } } },
          ],
        },
      },
      $defs: { described: { type: 'string', description: 'from the definition' } },
    };
    expect(undescribed(schema)).toEqual(['bare', 'list[].x', 'choice[kind=a].kind']);
  });

  it.each(Object.keys(BUILTIN_EXECUTORS))('every property of %s has a description', async (type) => {
    const { code, stdout, stderr } = await ubom(['--plugin', builtinPackage(type), 'schema', type]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(undescribed(JSON.parse(stdout))).toEqual([]);
  });
});
