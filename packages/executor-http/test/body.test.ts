import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpWork, type Setup, setup } from './support/executor';
import { eventually, startServer, type TestServer } from './support/server';

const MB = 1024 * 1024;

describe('response size: max_response_bytes, output_file', () => {
  let server: TestServer;
  let s: Setup;
  let dir: string;
  beforeAll(async () => {
    server = await startServer();
    s = await setup();
    dir = mkdtempSync(join(tmpdir(), 'ubom-http-body-'));
  });
  afterAll(async () => {
    await s.plugin.shutdown();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const huge = (bytes: number, length = true) =>
    `${server.origin}/huge?bytes=${bytes}${length ? '' : '&length=no'}`;

  it('a body over the default 10 MB fails clearly from its content-length, without reading it', async () => {
    const result = await s.run(httpWork({ url: huge(11 * MB) }));
    expect(result.success).toBe(false);
    expect(result.error).toMatch(
      /^HTTP 200 OK from GET .*: the response body is 11534336 bytes, over max_response_bytes \(10485760 bytes\): set output_file to stream it to a file, or raise max_response_bytes$/,
    );
    expect(result.outputs).toMatchObject({ status: 200, headers: { 'content-length': String(11 * MB) } });
    expect(result.outputs.body).toBeUndefined();
    expect(await server.settled()).toBe(0);
  });

  it('a small body over the limit, already received when it is refused, is dropped without an uncaught error', async () => {
    // undici's body emitted "Request aborted" with no listener: an uncaught exception (vitest fails the
    // run on one), which ended `ubom run` or a queue worker with all its works
    const errors: unknown[] = [];
    const record = (error: unknown) => errors.push(error);
    process.on('uncaughtException', record);
    try {
      for (const [url, limit] of [
        [`${server.origin}/echo`, 0],
        [huge(2000), '1k'],
      ] as const) {
        const result = await s.run(httpWork({ url, max_response_bytes: limit }));
        expect(result.error).toMatch(/the response body is \d+ bytes, over max_response_bytes/);
      }
      // the error came on the next turn of the event loop (undici calls back through setImmediate)
      for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
      expect(errors).toEqual([]);
    } finally {
      process.off('uncaughtException', record);
    }
    expect(await server.settled()).toBe(0);
  });

  it('a HEAD answer is not judged by the content-length of the body it describes', async () => {
    const result = await s.run(httpWork({ url: huge(11 * MB), method: 'HEAD' }));
    expect(result).toMatchObject({
      success: true,
      outputs: { status: 200, body: '', headers: { 'content-length': String(11 * MB) } },
    });
    expect(result.metrics.responseBytes).toBe(0);
  });

  it('a chunked body stops being read as soon as it passes the limit', async () => {
    const result = await s.run(httpWork({ url: huge(50 * MB, false), max_response_bytes: '1m' }));
    expect(result.error).toMatch(/the response body is more than max_response_bytes \(1048576 bytes\)/);
    expect(await server.settled()).toBe(0);
    const fits = await s.run(
      httpWork({ url: huge(1024, false), max_response_bytes: '1k', response_format: 'base64' }),
    );
    expect(fits.success).toBe(true);
    expect(fits.metrics.responseBytes).toBe(1024);
  });

  it('output_file streams a body of any size to the file (no body output), leaving no partial file', async () => {
    const target = join(dir, 'download.bin');
    const result = await s.run(httpWork({ url: huge(30 * MB), output_file: target }));
    expect(result.success).toBe(true);
    expect(result.outputs).toMatchObject({ status: 200, output_file: target, body_bytes: 30 * MB });
    expect(result.outputs.body).toBeUndefined();
    expect(result.metrics.responseBytes).toBe(30 * MB);
    expect(statSync(target).size).toBe(30 * MB);
    expect(readdirSync(dir)).toEqual(['download.bin']);
  });

  it('output_file is not written for a failed status', async () => {
    const target = join(dir, 'missing.bin');
    const result = await s.run(
      httpWork({ url: `${server.origin}/status?code=404&body=nope`, output_file: target }),
    );
    expect(result).toMatchObject({
      success: false,
      error: expect.stringMatching(/^HTTP 404 Not Found .*: nope$/),
    });
    expect(readdirSync(dir)).not.toContain('missing.bin');
  });

  it('a download cancelled midway leaves neither the file nor a partial one', async () => {
    const target = join(dir, 'slow.bin');
    const controller = new AbortController();
    const running = s.run(
      httpWork({ url: `${server.origin}/slow?ms=30000`, output_file: target }),
      controller.signal,
    );
    await eventually(() => readdirSync(dir).some((f) => f.startsWith('slow.bin.')), true);
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'ABORTED' });
    expect(readdirSync(dir).filter((f) => f.startsWith('slow.bin'))).toEqual([]);
    expect(await server.settled()).toBe(0);
  });

  it('an output_file whose folder does not exist is a ValidationError, in the dry run and at run time', async () => {
    const work = httpWork({ url: huge(10), output_file: join(dir, 'no', 'such', 'dir', 'f.bin') });
    await expect(s.registry.validateWork(work, { dryRun: true })).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [
        { path: 'executor_config.output_file', message: expect.stringMatching(/is not writable \(ENOENT\)/) },
      ],
    });
    await expect(s.run(work)).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [{ path: 'executor_config.output_file', message: 'cannot be written (ENOENT)' }],
    });
  });
});
