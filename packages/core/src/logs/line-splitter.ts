import { StringDecoder } from 'node:string_decoder';

export interface LineSplitterOptions {
  /** Lines longer than this many characters are cut into several entries. Default 16 KiB. */
  maxLineLength?: number;
}

/**
 * Turns a byte stream into whole lines: handles chunks that split a line or a UTF-8 character,
 * `\r\n` endings, and a final line without a newline (emitted by `end()`).
 */
export class LineSplitter {
  readonly #decoder = new StringDecoder('utf8');
  readonly #emit: (line: string) => void;
  readonly #max: number;
  #pending = '';

  constructor(emit: (line: string) => void, options: LineSplitterOptions = {}) {
    this.#emit = emit;
    this.#max = Math.max(1, options.maxLineLength ?? 16 * 1024);
  }

  write(chunk: Buffer | string): void {
    let text = this.#pending + (typeof chunk === 'string' ? chunk : this.#decoder.write(chunk));
    let nl = text.indexOf('\n');
    while (nl !== -1) {
      this.#line(text.charCodeAt(nl - 1) === 13 ? text.slice(0, nl - 1) : text.slice(0, nl));
      text = text.slice(nl + 1);
      nl = text.indexOf('\n');
    }
    // a trailing \r may be the first half of a \r\n: keep it with its line rather than cut it off
    while (text.length > this.#max + (text.endsWith('\r') ? 1 : 0)) {
      this.#emit(text.slice(0, this.#max));
      text = text.slice(this.#max);
    }
    this.#pending = text;
  }

  end(): void {
    const rest = this.#pending + this.#decoder.end();
    this.#pending = '';
    if (rest.length > 0) this.#line(rest.endsWith('\r') ? rest.slice(0, -1) : rest);
  }

  #line(line: string): void {
    for (let i = 0; i < line.length; i += this.#max) this.#emit(line.slice(i, i + this.#max));
    if (line.length === 0) this.#emit('');
  }
}
