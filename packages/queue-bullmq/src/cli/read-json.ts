import { readFile } from 'node:fs/promises';
import { UbomError } from '@ubom/core';

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

const inputError = (message: string, cause?: unknown): UbomError =>
  new UbomError('VALIDATION', message, cause === undefined ? {} : { cause });

/**
 * A JSON file (or stdin for `-`). Parse errors never quote the text back: nothing is validated yet,
 * so nothing says which parts of it are secrets.
 */
export async function readJson(path: string, stdin: NodeJS.ReadableStream): Promise<unknown> {
  const label = path === '-' ? '<stdin>' : path;
  let text: string;
  try {
    text = path === '-' ? await readAll(stdin) : await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw inputError(
      `cannot read ${label}: ${code === 'ENOENT' ? 'no such file' : (cause as Error).message}`,
      cause,
    );
  }
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    throw inputError(`${label} is not valid JSON`);
  }
}
