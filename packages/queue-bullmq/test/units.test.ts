import { AbortError, NotFoundError, PluginError, type UbomError, ValidationError } from '@ubom/core';
import { describe, expect, it } from 'vitest';
import { toJobsOptions } from '../src/producer/options';
import { describeError, reviveError } from '../src/shared/error-descriptor';
import { fromJobData, toJobData } from '../src/shared/job-data';
import { defaultJobId, jobIdIssues } from '../src/shared/job-id';
import { ConfigSealer } from '../src/shared/sealing';
import { RunningWorks } from '../src/worker/running';

const work = {
  id: 'w',
  type: 'process',
  executor_config: { command: ['env'], secret_environment: { T: 'top-secret' } },
  inputs: { key: 'input-secret' },
};

describe('sealing', () => {
  it('round-trips executor_config and inputs, and keeps neither readable in the job data', () => {
    const sealer = new ConfigSealer('a passphrase');
    const data = toJobData(work, { runId: 'r' }, sealer, undefined);
    const text = JSON.stringify(data);
    expect(text).not.toContain('top-secret');
    expect(text).not.toContain('input-secret');
    expect(fromJobData(JSON.parse(text), sealer)).toEqual(work);
  });

  it('accepts 32-byte keys as bytes, hex or base64, and tells keys apart', () => {
    const bytes = new Uint8Array(32).fill(7);
    const hex = Buffer.from(bytes).toString('hex');
    const b64 = Buffer.from(bytes).toString('base64');
    const data = toJobData(work, {}, new ConfigSealer(bytes), undefined);
    expect(fromJobData(data, new ConfigSealer(hex))).toEqual(work);
    expect(fromJobData(data, new ConfigSealer(b64))).toEqual(work);
    expect(() => fromJobData(data, new ConfigSealer('other'))).toThrow(ValidationError);
    expect(() => fromJobData(data, undefined)).toThrow(/has no secretKey/);
  });

  it('refuses a sealed config moved to another work, or altered', () => {
    const sealer = new ConfigSealer('k');
    const data = toJobData(work, {}, sealer, undefined);
    expect(() => fromJobData({ ...data, work: { ...data.work, id: 'other' } }, sealer)).toThrow(
      /altered or belongs to another work/,
    );
    const sealed = data.sealed as NonNullable<typeof data.sealed>;
    const flipped = Buffer.from(sealed.data, 'base64');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() =>
      fromJobData({ ...data, sealed: { ...sealed, data: flipped.toString('base64') } }, sealer),
    ).toThrow(ValidationError);
  });

  it('refuses empty and short keys', () => {
    expect(() => new ConfigSealer('')).toThrow(ValidationError);
    expect(() => new ConfigSealer(new Uint8Array(16))).toThrow(ValidationError);
    expect(() => new ConfigSealer([])).toThrow(ValidationError);
  });
});

describe('job ids', () => {
  it('derives the job id from the work id and run id, escaping what BullMQ refuses', () => {
    expect(defaultJobId({ id: 'build' }, {})).toBe('build');
    expect(defaultJobId({ id: 'build' }, { runId: '2024-01' })).toBe('build@2024-01');
    expect(defaultJobId({ id: 'a:b%c' }, { runId: 'x:y' })).toBe('a%3Ab%25c@x%3Ay');
    expect(defaultJobId({ id: '7' }, {})).toBe('work-7');
    expect(defaultJobId({ id: 'delayed' }, {})).toBe('work-delayed');
    expect(defaultJobId({ id: 'work-7' }, {})).toBe('work-work-7'); // stays distinct from the line above
  });

  it('explains why an explicit job id cannot be used', () => {
    expect(jobIdIssues('ok-1', 'jobId')).toEqual([]);
    expect(jobIdIssues('', 'jobId')[0]?.message).toBe('must be a non-empty string');
    expect(jobIdIssues('a:b', 'jobId')[0]?.message).toContain('":"');
    expect(jobIdIssues('12', 'jobId')[0]?.message).toContain('integer');
    expect(jobIdIssues('events', 'jobId')[0]?.message).toContain('own keys');
  });
});

describe('enqueue options', () => {
  it('maps options onto BullMQ, with an exponential backoff by default when retries are allowed', () => {
    expect(toJobsOptions({ priority: 5, delay: '2s', attempts: 3 })).toEqual({
      jobs: { priority: 5, delay: 2000, attempts: 3, backoff: { type: 'exponential', delay: 1000 } },
      retryOn: undefined,
    });
    expect(toJobsOptions({ backoff: '500ms', retryOn: 'failure' }).jobs.backoff).toEqual({
      type: 'fixed',
      delay: 500,
    });
    expect(toJobsOptions({ backoff: { type: 'exponential', delay: 20 } }).jobs.backoff).toEqual({
      type: 'exponential',
      delay: 20,
    });
  });

  it('lists every bad option with its path', () => {
    const error = (() => {
      try {
        toJobsOptions({
          priority: 1.5,
          backoff: { type: 'linear' as 'fixed', delay: 'x' },
          retryOn: 'always' as 'error',
        });
      } catch (e) {
        return e as ValidationError;
      }
    })();
    expect(error?.issues.map((i) => i.path)).toEqual([
      'options.priority',
      'options.backoff.type',
      'options.backoff.delay',
      'options.retryOn',
    ]);
  });
});

describe('error descriptors', () => {
  it('rebuilds the same error class, code, retryable flag and message on the producer side', () => {
    const cases: UbomError[] = [
      new ValidationError([{ path: 'executor_config.image', message: 'is required' }]),
      new NotFoundError('no image "x"', { scope: 'docker' }),
      new AbortError('cancelled: because', { scope: 'queue' }),
      new PluginError('p', 'execute', new Error('boom')),
    ];
    for (const original of cases) {
      const revived = reviveError(JSON.parse(JSON.stringify(describeError(original))), 'fallback');
      expect(revived.constructor).toBe(original.constructor);
      expect([revived.code, revived.retryable, revived.message]).toEqual([
        original.code,
        original.retryable,
        original.message,
      ]);
    }
    const revived = reviveError(describeError(cases[0]), '') as ValidationError;
    expect(revived.issues).toEqual([{ path: 'executor_config.image', message: 'is required' }]);
    expect(reviveError(undefined, 'job stalled more than allowable limit').message).toBe(
      '[ubom] [queue] job stalled more than allowable limit',
    );
  });
});

describe('running works', () => {
  it('gives each work its own signal; a cancel reaches only its own work', () => {
    const running = new RunningWorks();
    const a = running.start('a');
    running.end('a');
    const b = running.start('b');
    expect(b.signal).not.toBe(a.signal);
    running.end('b');

    const cancelled = running.start('g');
    const other = running.start('x');
    running.cancelRequested('g', 'cancelled: by the test');
    expect(cancelled.signal.aborted).toBe(true);
    expect(cancelled.stopped).toBe('cancel');
    expect(other.signal.aborted).toBe(false);
    running.end('g');
    running.end('x');
  });

  it('keeps an early cancel for a job that is not running here yet', () => {
    const running = new RunningWorks();
    running.cancelRequested('later', 'cancelled: before it started');
    const work = running.start('later');
    expect(work.signal.aborted).toBe(true);
    expect(work.stopped).toBe('cancel');
  });
});
