import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Dispatcher } from 'undici';

type Body = Dispatcher.ResponseData['body'];

/** A body read into memory, or the sign that it was larger than allowed (reading stopped there). */
export type ReadBody = { bytes: Buffer } | { tooBig: true; declared: number | undefined };

const declaredLength = (headers: Dispatcher.ResponseData['headers']): number | undefined => {
  const value = headers['content-length'];
  const n = typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
};

/**
 * Stops reading `body` and closes its connection. undici's body emits an `error` (Request aborted) when
 * destroyed before its end: with no listener (a body nobody read yet) that would be an uncaught
 * exception, ending the process.
 */
function stop(body: Body): void {
  body.on('error', () => undefined);
  body.destroy();
}

/**
 * Reads the whole body when it fits in `limit` bytes; stops (closing the connection) as soon as it does
 * not. `bodiless`: an answer without a body (to HEAD, 204, 304) whose content-length describes another.
 */
export async function readBody(
  response: Dispatcher.ResponseData,
  limit: number,
  bodiless = false,
): Promise<ReadBody> {
  const declared = bodiless ? 0 : declaredLength(response.headers);
  if (declared !== undefined) {
    if (declared > limit) {
      stop(response.body);
      return { tooBig: true, declared };
    }
    // the parser stops at content-length: undici's own consumer is the fast path
    const bytes = await response.body.bytes();
    return { bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      stop(response.body);
      return { tooBig: true, declared };
    }
    chunks.push(chunk);
  }
  return { bytes: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size) };
}

/** The first `max` bytes of a body (for an error message); the rest is not read. */
export async function readHead(body: Body, max: number): Promise<{ bytes: Buffer; cut: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > max) {
      stop(body);
      return { bytes: Buffer.concat(chunks, size).subarray(0, max), cut: true };
    }
  }
  return { bytes: Buffer.concat(chunks, size), cut: false };
}

/** Reads and discards a body so its connection can be reused (a large one is closed instead). */
export async function discard(body: Body): Promise<void> {
  await body.dump({ limit: 64 * 1024 }).catch(() => undefined);
}

/**
 * Streams a body to `path` through a temporary file beside it, renamed once complete: a failed or
 * cancelled download leaves nothing behind. Resolves with the number of bytes written.
 */
export async function writeBodyToFile(body: Body, path: string, signal: AbortSignal): Promise<number> {
  const partial = `${path}.${randomBytes(6).toString('hex')}.partial`;
  let bytes = 0;
  try {
    await pipeline(
      body,
      async function* count(source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          bytes += chunk.length;
          yield chunk;
        }
      },
      createWriteStream(partial, { flags: 'wx' }),
      { signal },
    );
    await rename(partial, path);
    return bytes;
  } catch (error) {
    stop(body);
    await rm(partial, { force: true });
    throw error;
  }
}
