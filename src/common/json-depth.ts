const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * Whether the JSON text in `bytes` (UTF-8) nests arrays and objects more than `limit` deep
 * (`[]` and `{}` are depth 1, a scalar 0). Brackets inside strings do not count. Made to run
 * before `JSON.parse`, on every request: V8 parses any depth, but `JSON.stringify` and every
 * recursive walk of the result overflow the stack a few thousand levels down. Strings, where
 * almost all of a large body's bytes are (texts, base64 images), are skipped with the native
 * `indexOf`; the loop only looks at the bytes between them. Malformed JSON gives some answer and
 * is left to the parser to report.
 */
export function nestsDeeperThan(bytes: Uint8Array, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte === QUOTE) i = closingQuote(bytes, i);
    else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > limit) return true;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) depth--;
  }
  return false;
}

/** Bytes walked in JS before a native search: cheaper than a native call for short strings. */
const WALK = 32;

/** The index of the quote that ends the string opened at `open` (the end when unterminated). */
function closingQuote(bytes: Uint8Array, open: number): number {
  // `from` always follows an unescaped position: the opening quote or an escaped quote.
  for (let from = open + 1; ;) {
    const walkEnd = Math.min(bytes.length, from + WALK);
    for (let i = from; i < walkEnd; i++) {
      const byte = bytes[i];
      if (byte === QUOTE) return i;
      if (byte === BACKSLASH) i++;
    }
    if (walkEnd === bytes.length) return bytes.length;
    const at = bytes.indexOf(QUOTE, walkEnd);
    if (at < 0) return bytes.length;
    // A quote after an odd run of backslashes is escaped; each run is counted once.
    let backslashes = 0;
    while (bytes[at - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
    from = at + 1;
  }
}
