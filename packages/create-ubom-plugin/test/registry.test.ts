import { describe, expect, it } from 'vitest';
import { explicitRegistry, normalizeRegistry, satisfies } from '../src/registry';

describe('what a failed install is checked against', () => {
  it.each([
    ['0.1.1', '^0.1.0', true],
    ['0.2.0', '^0.1.0', false],
    ['0.0.4', '^0.0.3', false],
    ['4.9.0', '^4.6.7', true],
    ['5.0.0', '^4.6.7', false],
    ['4.6.6', '^4.6.7', false],
    ['4.1.9', '~4.1.0', true],
    ['4.2.0', '~4.1.0', false],
    ['6.0.2', '6.0.2', true],
    ['6.0.3', '6.0.2', false],
    ['1.0.0-rc.1', '^0.9.0', false],
    ['1.2.3', '*', true],
  ])('%s in %s: %s', (version, range, expected) => {
    expect(satisfies(version, range)).toBe(expected);
  });

  it('takes --registry first, then npm_config_registry, always with one trailing slash', () => {
    const env = { npm_config_registry: 'https://mirror.example/npm' };
    expect(explicitRegistry('http://127.0.0.1:4873', env)).toBe('http://127.0.0.1:4873/');
    expect(explicitRegistry(undefined, env)).toBe('https://mirror.example/npm/');
    expect(explicitRegistry(undefined, {})).toBeUndefined();
    expect(normalizeRegistry('ftp://example.com')).toBeUndefined();
    expect(normalizeRegistry('not a url')).toBeUndefined();
  });
});
