/**
 * Splits a command line into arguments the way a POSIX shell tokenises words: whitespace separates,
 * '…' is literal, "…" allows \" \\ \$ \`, a backslash escapes the next character. No expansion, no
 * shell is run. Returns undefined for an unterminated quote.
 */
export function splitArgs(line: string): string[] | undefined {
  const args: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1] as string))
        word += line[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 < line.length) word += line[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) args.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) return undefined;
  if (inWord) args.push(word);
  return args;
}

/** `command` / `entrypoint` as Docker's array form. */
export function toArgv(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined || Array.isArray(value)) return value;
  return splitArgs(value);
}
