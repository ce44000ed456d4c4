import { describe, expect, it } from 'vitest';
import { TtlCache } from '../src/cache';

/** A look-up that answers `value` after `ms`, or rejects when its signal aborts; records what happened. */
function slowLookup(value: string, ms: number) {
  const seen = { calls: 0, aborted: 0 };
  const load = (signal: AbortSignal) =>
    new Promise<string>((resolve, reject) => {
      seen.calls += 1;
      const timer = setTimeout(() => resolve(value), ms);
      signal.addEventListener('abort', () => {
        seen.aborted += 1;
        clearTimeout(timer);
        reject(signal.reason);
      });
    });
  return { load, seen };
}

describe('TtlCache (shared remote look-ups)', () => {
  it('shares one look-up between concurrent callers and keeps the answer', async () => {
    const cache = new TtlCache<string>(60_000);
    const { load, seen } = slowLookup('v', 20);
    const never = new AbortController().signal;
    await expect(Promise.all([cache.get('k', load, never), cache.get('k', load, never)])).resolves.toEqual([
      'v',
      'v',
    ]);
    await expect(cache.get('k', load, never)).resolves.toBe('v');
    expect(seen.calls).toBe(1);
  });

  it('lets one caller give up while another still gets the answer', async () => {
    const cache = new TtlCache<string>(60_000);
    const { load, seen } = slowLookup('v', 50);
    const a = new AbortController();
    const first = cache.get('k', load, a.signal);
    const second = cache.get('k', load, new AbortController().signal);
    a.abort(new Error('cancelled A'));
    await expect(first).rejects.toThrow('cancelled A');
    await expect(second).resolves.toBe('v');
    expect(seen).toEqual({ calls: 1, aborted: 0 });
  });

  it('aborts the look-up once every caller has given up, and forgets it', async () => {
    const cache = new TtlCache<string>(60_000);
    const { load, seen } = slowLookup('v', 1000);
    const a = new AbortController();
    const b = new AbortController();
    const results = Promise.allSettled([cache.get('k', load, a.signal), cache.get('k', load, b.signal)]);
    a.abort();
    expect(seen.aborted).toBe(0);
    b.abort();
    expect(seen.aborted).toBe(1);
    expect((await results).map((r) => r.status)).toEqual(['rejected', 'rejected']);
    const again = slowLookup('w', 1);
    await expect(cache.get('k', again.load, new AbortController().signal)).resolves.toBe('w');
  });

  it('does not remember a failed look-up', async () => {
    const cache = new TtlCache<string>(60_000);
    const never = new AbortController().signal;
    await expect(cache.get('k', async () => Promise.reject(new Error('boom')), never)).rejects.toThrow(
      'boom',
    );
    await expect(cache.get('k', async () => 'ok', never)).resolves.toBe('ok');
  });

  it('looks up again once the entry expired', async () => {
    const cache = new TtlCache<string>(1);
    const never = new AbortController().signal;
    await expect(cache.get('k', async () => 'one', never)).resolves.toBe('one');
    await new Promise((r) => setTimeout(r, 5));
    await expect(cache.get('k', async () => 'two', never)).resolves.toBe('two');
  });
});
