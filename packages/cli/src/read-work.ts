import { readFile } from 'node:fs/promises';
import { InputError } from './errors';
import { jsonErrorOffset, lineColumn, pathLocator } from './json-position';

export interface WorkSource {
  /** `-` for stdin, else a file path. */
  path: string;
  stdin: NodeJS.ReadableStream;
}

export interface ReadWork {
  /** The parsed JSON (not yet validated: any JSON value). */
  work: unknown;
  /** How to name the source in messages: the path, or `<stdin>`. */
  label: string;
  /** `line:column` in the text of what an issue path names (the key, else its closest parent). */
  locate: (path: string) => { line: number; column: number };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function readText(source: WorkSource): Promise<string> {
  if (source.path === '-') return readAll(source.stdin);
  try {
    return await readFile(source.path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (cause as Error).message;
    throw new InputError(`cannot read work file ${source.path}: ${why}`, { cause });
  }
}

/**
 * Parses JSON text, or throws an `InputError` naming the line and column of the first bad character.
 * The offending line is NOT quoted back: the text is not parsed yet, so nothing says which parts of it
 * are secrets. V8's own "…, "<snippet>" is not valid JSON" suffix is dropped for the same reason.
 */
export function parseJson(text: string, label: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') throw new InputError(`${label} is empty: expected a JSON work`);
  try {
    return JSON.parse(body);
  } catch (cause) {
    const raw = (cause as Error).message;
    const at = /at position (\d+)/.exec(raw);
    const lc = /\(line (\d+) column (\d+)\)/.exec(raw);
    const offset = at ? Number(at[1]) : (jsonErrorOffset(body) ?? body.length);
    const { line, column } = lc ? { line: Number(lc[1]), column: Number(lc[2]) } : lineColumn(body, offset);
    const reason = raw
      .replace(/^(Unexpected token '.+?'), (?:\.\.\.)?".*" is not valid JSON$/s, '$1')
      .replace(/^.*is not valid JSON$/s, 'unexpected token') // any other form that quotes the text
      .replace(/ in JSON at position \d+.*$/s, '')
      .replace(/^Unexpected end of JSON input$/, 'unexpected end of input');
    throw new InputError(
      `${label}:${line}:${column}: not valid JSON: ${reason} (line ${line}, column ${column})`,
    );
  }
}

export async function readWork(source: WorkSource): Promise<ReadWork> {
  const label = source.path === '-' ? '<stdin>' : source.path;
  const text = await readText(source);
  const work = parseJson(text, label);
  let locator: ReadWork['locate'] | undefined;
  // built on first use: most works are valid and never need it
  const locate: ReadWork['locate'] = (path) => {
    locator ??= pathLocator(text);
    return locator(path);
  };
  return { work, label, locate };
}
