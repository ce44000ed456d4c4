/**
 * Where a JSON text stops being JSON. V8 reports a position for most errors ("… in JSON at position 7"),
 * but not all ("Unexpected token ',', "[1,,2]" is not valid JSON", "Unexpected end of JSON input"), so
 * this small scanner finds the offset of the first bad character for the rest. Hand-written because it
 * is ~70 lines and a parser dependency would be bigger than the CLI itself.
 */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const stop = (): never => {
    throw new Stop(i);
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const digits = (): void => {
    if (!/[0-9]/.test(text[i] ?? '')) stop();
    while (/[0-9]/.test(text[i] ?? '')) i++;
  };
  const string = (): void => {
    i++; // opening quote
    for (;;) {
      const c = text[i];
      if (c === undefined || c < ' ') stop();
      if (c === '"') return void i++;
      if (c !== '\\') {
        i++;
        continue;
      }
      i++;
      const e = text[i] ?? '';
      if ('"\\/bfnrt'.includes(e) && e !== '') i++;
      else if (e === 'u') {
        i++;
        for (let k = 0; k < 4; k++, i++) if (!/[0-9a-fA-F]/.test(text[i] ?? '')) stop();
      } else stop();
    }
  };
  const number = (): void => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') {
      i++;
      digits();
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits();
    }
  };
  const literal = (word: string): void => {
    for (const ch of word) {
      if (text[i] !== ch) stop();
      i++;
    }
  };
  const list = (close: string, item: () => void): void => {
    i++;
    ws();
    if (text[i] === close) return void i++;
    for (;;) {
      item();
      ws();
      if (text[i] === close) return void i++;
      if (text[i] !== ',') stop();
      i++;
    }
  };
  const member = (): void => {
    ws();
    if (text[i] !== '"') stop();
    string();
    ws();
    if (text[i] !== ':') stop();
    i++;
    value();
  };
  const value = (): void => {
    ws();
    const c = text[i] ?? '';
    if (c === '{') list('}', member);
    else if (c === '[') list(']', value);
    else if (c === '"') string();
    else if (c === '-' || /[0-9]/.test(c)) number();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else stop();
  };
  try {
    value();
    ws();
    if (i < text.length) stop();
    return undefined;
  } catch (error) {
    if (error instanceof Stop) return error.at;
    return undefined; // e.g. nesting too deep for the stack: no position rather than a crash
  }
}

class Stop {
  constructor(readonly at: number) {}
}

/** 1-based line and column (in UTF-16 code units) of `offset` in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split(/\r\n|\r|\n/);
  return { line: lines.length, column: (lines[lines.length - 1] ?? '').length + 1 };
}

/** A core issue path (`executor_config.env["A B"]`, `command[0]`) as its keys and indexes. */
export function pathSegments(path: string): string[] {
  const segments: string[] = [];
  const re = /\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]|\.?([^.[\]]+)/g;
  for (let m = re.exec(path); m !== null; m = re.exec(path)) {
    const quoted = m[1];
    segments.push(quoted !== undefined ? (JSON.parse(`"${quoted}"`) as string) : (m[2] ?? m[3] ?? ''));
  }
  return segments;
}

/**
 * Where each key (its opening quote) and each array item starts in a valid JSON text, by path
 * (segments joined with NUL). Only called on text that already parsed.
 */
function positions(text: string): Map<string, number> {
  const found = new Map<string, number>();
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const string = (): string => {
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string[]): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      while (text[i] !== '}' && i < text.length) {
        ws();
        const at = i;
        const key = string();
        found.set([...path, key].join('\u0000'), at);
        ws();
        i++; // :
        value([...path, key]);
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
    } else if (c === '[') {
      i++;
      ws();
      for (let n = 0; text[i] !== ']' && i < text.length; n++) {
        ws();
        found.set([...path, String(n)].join('\u0000'), i);
        value([...path, String(n)]);
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
    } else if (c === '"') string();
    else while (i < text.length && !',]} \t\n\r'.includes(text[i] as string)) i++;
  };
  try {
    value([]);
  } catch {
    // not JSON after all: what was found so far
  }
  return found;
}

/**
 * `line:column` of what an issue path names in the JSON text: the key itself, else (a missing key)
 * the closest enclosing key that is there, else the start of the document.
 */
export function pathLocator(text: string): (path: string) => { line: number; column: number } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const found = positions(body);
  const start = /\S/.exec(body)?.index ?? 0;
  return (path) => {
    const segments = pathSegments(path);
    for (let n = segments.length; n > 0; n--) {
      const at = found.get(segments.slice(0, n).join('\u0000'));
      if (at !== undefined) return lineColumn(body, at);
    }
    return lineColumn(body, start);
  };
}
