import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { extract } from 'tar-stream';
import { hasStatus } from './engine';

/** `outputs_file` larger than this is refused (it is held in memory to parse it). */
export const MAX_OUTPUTS_FILE_BYTES = 16 * 1024 * 1024;

export type OutputsFile = { found: true; value: unknown } | { found: false } | { error: string };

/** Reads the first regular file of a tar stream, up to `limit` bytes. */
export function firstFileOfTar(tar: Readable, limit: number): Promise<Buffer | 'too-large' | undefined> {
  return new Promise((resolve, reject) => {
    const ex = extract();
    let result: Buffer | 'too-large' | undefined;
    let done = false;
    ex.on('entry', (header, stream, next) => {
      if (done || header.type !== 'file') {
        stream.on('end', next);
        stream.resume();
        return;
      }
      done = true;
      if ((header.size ?? 0) > limit) {
        result = 'too-large';
        stream.on('end', next);
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        result = Buffer.concat(chunks);
        next();
      });
    });
    ex.on('finish', () => resolve(result));
    ex.on('error', reject);
    tar.on('error', reject);
    tar.pipe(ex);
  });
}

/**
 * `outputs_file` of a stopped container, read with `GET /containers/{id}/archive` and parsed as JSON.
 * A missing file is `{ found: false }`; a file that is not JSON, or too large, is `{ error }`.
 */
export async function readOutputsFile(
  container: Docker.Container,
  path: string,
  signal: AbortSignal,
): Promise<OutputsFile> {
  let tar: NodeJS.ReadableStream;
  try {
    tar = await container.getArchive({ path, abortSignal: signal });
  } catch (error) {
    if (hasStatus(error, 404)) return { found: false };
    throw error;
  }
  const content = await firstFileOfTar(tar as Readable, MAX_OUTPUTS_FILE_BYTES);
  if (content === undefined) return { error: `outputs_file "${path}" is not a regular file` };
  if (content === 'too-large')
    return { error: `outputs_file "${path}" is larger than ${MAX_OUTPUTS_FILE_BYTES / 1024 / 1024} MiB` };
  const text = content.toString('utf8');
  try {
    return { found: true, value: JSON.parse(text) };
  } catch (error) {
    return { error: `outputs_file "${path}" is not JSON (${(error as Error).message})` };
  }
}
