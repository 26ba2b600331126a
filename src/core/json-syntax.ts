// The exact RFC 8259 grammar, walked character by character. parseJsonText runs the walk only
// when JSON.parse fails or hints at a duplicate key, to say where; json-edit scans with its
// character classes.

export const TAB = 9;
export const LF = 10;
export const CR = 13;
export const SPACE = 32;
export const QUOTE = 34;
export const COMMA = 44;
export const MINUS = 45;
const DOT = 46;
const SLASH = 47;
const ZERO = 48;
const NINE = 57;
const COLON = 58;
export const LBRACKET = 91;
export const BACKSLASH = 92;
export const RBRACKET = 93;
export const LBRACE = 123;
export const RBRACE = 125;
const SIMPLE_ESCAPES = new Set([QUOTE, BACKSLASH, SLASH, 98, 102, 110, 114, 116]); // " \ / b f n r t
const LITERALS = ['true', 'false', 'null'] as const;

/** Internal: thrown by the scanners and always caught in findSyntaxError. */
class SyntaxAt extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

export const isWs = (c: number): boolean => c === SPACE || c === LF || c === CR || c === TAB;
const isDigit = (c: number): boolean => c >= ZERO && c <= NINE;
const isHex = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
export const isWordChar = (c: number): boolean =>
  (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || isDigit(c) || c === DOT;

export function skipWs(text: string, pos: number): number {
  while (isWs(text.charCodeAt(pos))) pos++;
  return pos;
}

function literalAt(text: string, pos: number): string | undefined {
  return LITERALS.find((word) => text.startsWith(word, pos));
}

/** What sits at `pos`, for messages. Shows at most one character of the file. */
function describe(text: string, pos: number): string {
  if (pos >= text.length) return 'end of file';
  const c = text.charCodeAt(pos);
  if (c === QUOTE) return 'a string';
  if (c === MINUS || isDigit(c)) return 'a number';
  if (c === 39) return 'a single quote (JSON needs double quotes)';
  if (c === SLASH) return "'/' (comments are not allowed in JSON)";
  if ('{}[]:,'.includes(text.charAt(pos))) return `'${text.charAt(pos)}'`;
  const word = literalAt(text, pos);
  if (word) return `'${word}'`;
  const cp = text.codePointAt(pos) ?? c;
  const invisible = cp < 0x21 || (cp >= 0x7f && cp <= 0xa0) || cp === 0xfeff || cp > 0xffff;
  return invisible
    ? `character U+${cp.toString(16).toUpperCase().padStart(4, '0')}`
    : `character '${String.fromCodePoint(cp)}'`;
}

const startsValue = (text: string, pos: number): boolean =>
  /["\-0-9{[]/.test(text.charAt(pos)) || literalAt(text, pos) !== undefined;

/** Index just past the string starting at `pos`, validating escapes and control characters. */
function scanString(text: string, pos: number): number {
  let i = pos + 1;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    // A raw line break almost always means a missing closing quote: blame the string, not the break.
    if (Number.isNaN(c) || c === LF || c === CR) throw new SyntaxAt(pos, 'unterminated string');
    if (c < 0x20) {
      const hex = c.toString(16).toUpperCase().padStart(4, '0');
      throw new SyntaxAt(i, `unescaped control character U+${hex} in a string`);
    }
    if (c !== BACKSLASH) {
      i++;
      continue;
    }
    const e = text.charCodeAt(i + 1);
    if (Number.isNaN(e)) throw new SyntaxAt(pos, 'unterminated string');
    if (SIMPLE_ESCAPES.has(e)) {
      i += 2;
    } else if (e === 117) {
      for (let k = 2; k < 6; k++) {
        if (!isHex(text.charCodeAt(i + k))) {
          throw new SyntaxAt(i, 'invalid \\u escape in a string (expected 4 hex digits)');
        }
      }
      i += 6;
    } else {
      throw new SyntaxAt(
        i,
        `invalid escape in a string: '\\' followed by ${describe(text, i + 1)}`,
      );
    }
  }
}

function scanNumber(text: string, pos: number): number {
  const digitsFrom = (i: number): number => {
    if (!isDigit(text.charCodeAt(i))) throw new SyntaxAt(pos, 'invalid number');
    while (isDigit(text.charCodeAt(i))) i++;
    return i;
  };
  let i = text.charCodeAt(pos) === MINUS ? pos + 1 : pos;
  i = text.charCodeAt(i) === ZERO ? i + 1 : digitsFrom(i);
  if (text.charCodeAt(i) === DOT) i = digitsFrom(i + 1);
  if ((text.charCodeAt(i) | 0x20) === 101) {
    const sign = text.charCodeAt(i + 1);
    i = digitsFrom(sign === 43 || sign === MINUS ? i + 2 : i + 1);
  }
  if (isWordChar(text.charCodeAt(i))) throw new SyntaxAt(pos, 'invalid number'); // 01, 1.2.3, 1x
  return i;
}

export function decodeKey(text: string, start: number, end: number): string {
  const raw = text.slice(start, end);
  return raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
}

function topLevelKind(text: string, pos: number): string {
  const c = text.charCodeAt(pos);
  if (c === LBRACKET) return 'an array';
  if (c === 116 || c === 102) return literalAt(text, pos) ? 'a boolean' : describe(text, pos);
  if (c === 110 && literalAt(text, pos)) return 'null';
  return describe(text, pos);
}

interface Frame {
  open: number;
  keys: Set<string> | undefined; // undefined for arrays
}

/**
 * Walks the whole text and returns the first error, or undefined when it is a valid object
 * without duplicate keys. Iterative, so deeply nested input cannot overflow the call stack.
 */
export function findSyntaxError(text: string): SyntaxAt | undefined {
  let pos = skipWs(text, 0);
  if (pos >= text.length) return new SyntaxAt(0, 'file is empty');
  if (text.charCodeAt(pos) !== LBRACE) {
    const c = text.charCodeAt(pos);
    return c === SLASH || c === 39
      ? new SyntaxAt(pos, `unexpected ${describe(text, pos)}`)
      : new SyntaxAt(
          pos,
          `expected a JSON object at the top level, found ${topLevelKind(text, pos)}`,
        );
  }
  const stack: Frame[] = [];
  const endOfFile = (): SyntaxAt => {
    const open = stack.at(-1);
    if (!open) return new SyntaxAt(text.length, 'unexpected end of file');
    const { line, column } = lineColumn(text, open.open);
    const bracket = open.keys ? '{' : '[';
    return new SyntaxAt(
      text.length,
      `unexpected end of file (the '${bracket}' at line ${line}, column ${column} is never closed)`,
    );
  };
  const fail = (expected: string, hint = ''): SyntaxAt =>
    pos >= text.length
      ? endOfFile()
      : new SyntaxAt(pos, `expected ${expected}, found ${describe(text, pos)}${hint}`);
  let state: 'value' | 'key' | 'after' = 'value';
  try {
    for (;;) {
      pos = skipWs(text, pos);
      const c = text.charCodeAt(pos);
      const frame = stack.at(-1);
      if (state === 'value') {
        if (c === LBRACE || c === LBRACKET) {
          stack.push({ open: pos, keys: c === LBRACE ? new Set() : undefined });
          pos = skipWs(text, pos + 1);
          if (text.charCodeAt(pos) === c + 2) {
            stack.pop(); // {} and [] (the closers are two code points after the openers)
            pos++;
            state = 'after';
          } else {
            state = c === LBRACE ? 'key' : 'value';
          }
          continue;
        }
        const word = literalAt(text, pos);
        if (c === QUOTE) pos = scanString(text, pos);
        else if (c === MINUS || isDigit(c)) pos = scanNumber(text, pos);
        else if (word) pos += word.length;
        else return fail('a value');
        state = 'after';
      } else if (state === 'key') {
        if (c !== QUOTE) return fail('a double-quoted key');
        const end = scanString(text, pos);
        const key = decodeKey(text, pos, end);
        if (frame?.keys?.has(key)) return new SyntaxAt(pos, `duplicate key ${JSON.stringify(key)}`);
        frame?.keys?.add(key);
        pos = skipWs(text, end);
        if (text.charCodeAt(pos) !== COLON) return fail("':' after the key");
        pos++;
        state = 'value';
      } else {
        if (!frame) {
          if (pos >= text.length) return undefined;
          return new SyntaxAt(pos, `unexpected ${describe(text, pos)} after the top-level object`);
        }
        const close = frame.keys ? RBRACE : RBRACKET;
        if (c === close) {
          stack.pop();
          pos++;
        } else if (c === COMMA) {
          pos = skipWs(text, pos + 1);
          if (text.charCodeAt(pos) === close) {
            return new SyntaxAt(pos, `unexpected '${text.charAt(pos)}' (trailing comma?)`);
          }
          state = frame.keys ? 'key' : 'value';
        } else {
          const hint = startsValue(text, pos) ? ' (missing comma?)' : '';
          const closer = String.fromCharCode(close);
          const after = frame.keys ? 'an object member' : 'an array element';
          return fail(`',' or '${closer}' after ${after}`, hint);
        }
      }
    }
  } catch (error) {
    if (error instanceof SyntaxAt) return error;
    throw error;
  }
}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
