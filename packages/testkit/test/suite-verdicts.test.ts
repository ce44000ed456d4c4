import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

interface Assertion {
  ancestorTitles: string[];
  title: string;
  status: 'passed' | 'failed' | 'skipped' | 'pending' | 'todo';
}

const here = import.meta.dirname;
const vitestBin = join(here, '..', 'node_modules', '.bin', 'vitest');

/** Runs the fixture suites in a separate vitest and returns every test's verdict, keyed by suite name. */
async function runFixtures(): Promise<Map<string, Map<string, Assertion['status']>>> {
  const out = join(await mkdtemp(join(tmpdir(), 'ubom-testkit-')), 'report.json');
  const args = [
    'run',
    '--config',
    join(here, 'fixtures', 'vitest.config.ts'),
    '--reporter=json',
    `--outputFile=${out}`,
  ];
  await promisify(execFile)(vitestBin, args, { cwd: join(here, '..') }).catch(() => {}); // failures expected
  const report = JSON.parse(await readFile(out, 'utf8')) as {
    testResults: Array<{ assertionResults: Assertion[] }>;
  };
  const bySuite = new Map<string, Map<string, Assertion['status']>>();
  for (const a of report.testResults.flatMap((r) => r.assertionResults)) {
    const suite = (a.ancestorTitles[0] ?? '').replace('executor conformance: ', '');
    const tests = bySuite.get(suite) ?? new Map<string, Assertion['status']>();
    tests.set(a.title, a.status);
    bySuite.set(suite, tests);
  }
  return bySuite;
}

const failed = (tests: Map<string, Assertion['status']> | undefined) =>
  [...(tests ?? [])].filter(([, s]) => s !== 'passed').map(([t]) => t);

describe('describeExecutorConformance verdicts', () => {
  let verdicts = new Map<string, Map<string, Assertion['status']>>();
  beforeAll(async () => {
    verdicts = await runFixtures();
  }, 120_000);

  it('passes a well-behaved executor on every group, skipping none', () => {
    const tests = verdicts.get('well-behaved');
    expect(tests?.size).toBe(23);
    expect(failed(tests)).toEqual([]);
  });

  it('passes a plugin written only with defineExecutor on every group, derived secrets included', () => {
    const tests = verdicts.get('kernel-only');
    expect(tests?.size).toBe(24);
    expect(failed(tests)).toEqual([]);
  });

  it('shows switched-off groups as skipped, not absent', () => {
    const tests = verdicts.get('switched-off');
    const skipped = [...(tests ?? [])].filter(([, s]) => s === 'skipped').map(([t]) => t);
    expect(skipped).toEqual(
      expect.arrayContaining([
        'rejects with AbortError when the signal aborts mid-run, settles within the bound, and leaves nothing behind',
        'the executor masks the planted secret itself when called directly, without the registry',
      ]),
    );
    expect(skipped).toHaveLength(6);
    expect(failed(tests).filter((t) => !skipped.includes(t))).toEqual([]);
  });

  it('fails an executor that ignores the signal, on cancel, on work.timeout and on shutdown', () => {
    expect(failed(verdicts.get('ignores-signal'))).toEqual([
      'rejects with AbortError when the signal aborts mid-run, settles within the bound, and leaves nothing behind',
      'resolves success:false "timed out" when the work outlives its timeout, and leaves nothing behind',
      'shutdown() aborts the works still running and resolves only once they have settled, leaving nothing behind',
    ]);
  });

  it('fails an executor that returns a secret its schema does not mark writeOnly', () => {
    expect(failed(verdicts.get('leaks-secret'))).toEqual([
      'a planted secret appears nowhere in the result, the live logs or a thrown error',
      'the executor masks the planted secret itself when called directly, without the registry',
    ]);
  });

  it('fails an executor that streams entries without seq', () => {
    expect(failed(verdicts.get('streams-without-seq'))).toEqual([
      'onLog receives well-formed entries in order, each before execute resolves',
    ]);
  });

  it('fails an executor whose schema accepts a misspelt key, even when no case of its own names one', () => {
    expect(failed(verdicts.get('accepts-unknown-keys'))).toEqual([
      'refuses a misspelt key beside a valid config with a ValidationError at that path, and runs nothing',
      'refuses executor_config.line with a ValidationError at that path, and runs nothing',
      'a planted secret appears nowhere in the ValidationError of an otherwise invalid work',
    ]);
  });

  it('fails an executor whose canExecute() accepts any type', () => {
    expect(failed(verdicts.get('claims-every-type'))).toEqual([
      'canExecute() is false for an unrelated type',
    ]);
  });

  it('fails an executor that leaves a resource behind when cancelled', () => {
    expect(failed(verdicts.get('leaks-on-cancel'))).toContain(
      'rejects with AbortError when the signal aborts mid-run, settles within the bound, and leaves nothing behind',
    );
  });
});
