import { describe, expect, it } from 'vitest';
import { Masker } from '../src';

const secret = 'pa ss/wörd+?&=!~*()';
const forms: Record<string, string> = {
  plain: secret,
  base64: Buffer.from(secret).toString('base64'),
  base64url: Buffer.from(secret).toString('base64url'),
  hex: Buffer.from(secret).toString('hex'),
  HEX: Buffer.from(secret).toString('hex').toUpperCase(),
  encodeURIComponent: encodeURIComponent(secret),
  'lowercase %xx': encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
  encodeURI: encodeURI(secret),
  'form-encoded': new URLSearchParams({ a: secret }).toString().slice(2),
  json: JSON.stringify(secret).slice(1, -1),
};

describe('Masker: encoded forms of a secret', () => {
  const masker = Masker.of([secret]);
  for (const [name, form] of Object.entries(forms)) {
    it(`masks the ${name} form`, () => {
      expect(masker.string(`before ${form} after`)).toBe('before *** after');
    });
  }

  it('masks a secret with a lone surrogate without throwing', () => {
    const odd = `abc\uD800def`;
    expect(Masker.of([odd]).string(`x ${odd} y`)).toBe('x *** y');
  });
});
