export interface JsonTextStyle {
  bom: boolean;
  eol: '\n' | '\r\n';
  /** one level of indentation, e.g. '  ', '    ', '\t'; '  ' when the text has no indented line */
  indent: string;
  finalNewline: boolean;
}

export type JsonParseResult =
  | { ok: true; value: unknown; style: JsonTextStyle }
  | {
      ok: false;
      /** 1-based; counted after the BOM is removed; CRLF, LF and a lone CR each end a line */
      line: number;
      /** 1-based, in UTF-16 code units (what editors built on JS strings show) */
      column: number;
      /** names the offending character or token kind only, never the file's content */
      message: string;
    };

const BOM = '\uFEFF';
const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const QUOTE = 34;
const COMMA = 44;
const MINUS = 45;
const DOT = 46;
const SLASH = 47;
const ZERO = 48;
const NINE = 57;
const COLON = 58;
const LBRACKET = 91;
const BACKSLASH = 92;
const RBRACKET = 93;
const LBRACE = 123;
const RBRACE = 125;
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

const isWs = (c: number): boolean => c === SPACE || c === LF || c === CR || c === TAB;
const isDigit = (c: number): boolean => c >= ZERO && c <= NINE;
const isHex = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isWordChar = (c: number): boolean =>
  (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || isDigit(c) || c === DOT;

function skipWs(text: string, pos: number): number {
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

function decodeKey(text: string, start: number, end: number): string {
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
function findSyntaxError(text: string): SyntaxAt | undefined {
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

function lineColumn(text: string, offset: number): { line: number; column: number } {
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

const STRING_TOKEN = /"[^"\\]*(?:\\.[^"\\]*)*"/g;

/**
 * Deeper nesting than any secrets file needs; beyond it, recursive printing would overflow the
 * stack, so such a file is refused at the bracket that goes too deep.
 */
const MAX_DEPTH = 512;
const BRACKETS = /[[\]{}"]/g;

/** The offset of the first bracket nested deeper than MAX_DEPTH, in text JSON.parse accepted. */
function findExcessiveNesting(text: string): number | undefined {
  let depth = 0;
  BRACKETS.lastIndex = 0;
  for (let match = BRACKETS.exec(text); match !== null; match = BRACKETS.exec(text)) {
    const c = match[0];
    if (c === '"') {
      // skip the string: JSON.parse accepted the text, so it is terminated
      STRING_TOKEN.lastIndex = match.index;
      STRING_TOKEN.exec(text);
      BRACKETS.lastIndex = STRING_TOKEN.lastIndex;
    } else if (c === '[' || c === '{') {
      depth++;
      if (depth > MAX_DEPTH) return match.index;
    } else {
      depth--;
    }
  }
  return undefined;
}

/**
 * Keys written in text that JSON.parse accepted: once the strings are gone, every ':' ends a key.
 * A native regex replace, because a hand-written loop runs cold on every CLI start and cost
 * several times more.
 */
function countKeysInText(text: string): number {
  const structure = text.replace(STRING_TOKEN, '');
  let count = 0;
  for (let i = structure.indexOf(':'); i !== -1; i = structure.indexOf(':', i + 1)) count++;
  return count;
}

/** Own keys across every object in a parsed value (JSON.parse keeps the last of duplicates). */
function countKeysInValue(value: unknown): number {
  let count = 0;
  const pending: unknown[] = [value];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    if (Array.isArray(item)) {
      for (const child of item as unknown[]) {
        if (typeof child === 'object' && child !== null) pending.push(child);
      }
    } else {
      const object = item as Record<string, unknown>;
      const keys = Object.keys(object);
      count += keys.length;
      for (const key of keys) {
        const child = object[key];
        if (typeof child === 'object' && child !== null) pending.push(child);
      }
    }
  }
  return count;
}

function detectStyle(text: string, bom: boolean): JsonTextStyle {
  const firstLf = text.indexOf('\n');
  const eol = firstLf > 0 && text.charCodeAt(firstLf - 1) === CR ? '\r\n' : '\n';
  let indent = '  ';
  // Raw line breaks never occur inside JSON strings, so every line start is between tokens.
  for (let lf = firstLf; lf !== -1; lf = text.indexOf('\n', lf + 1)) {
    let end = lf + 1;
    while (text.charCodeAt(end) === SPACE || text.charCodeAt(end) === TAB) end++;
    const next = text.charCodeAt(end);
    if (end > lf + 1 && next !== CR && next !== LF && !Number.isNaN(next)) {
      indent = text.slice(lf + 1, end);
      break;
    }
  }
  return { bom, eol, indent, finalNewline: text.endsWith('\n') };
}

function splitBom(text: string): { bom: string; body: string } {
  return text.startsWith(BOM) ? { bom: BOM, body: text.slice(1) } : { bom: '', body: text };
}

/**
 * Parses a JSON file's text: strict RFC 8259, an object at the top level, no duplicate keys.
 * Errors carry the line and column where the offending token starts.
 */
export function parseJsonText(text: string): JsonParseResult {
  const { bom, body } = splitBom(text);
  let value: unknown;
  let parsed = false;
  try {
    // JSON.parse is several times faster than any scanner written in JS, but it silently keeps
    // the last of two duplicate keys (a reviver only sees the survivor). A duplicate therefore
    // shows as the text holding more keys than the value; only then, or to explain a syntax
    // error, does the slow walk run.
    value = JSON.parse(body);
    parsed = true;
  } catch {
    // located below
  }
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  if (parsed) {
    const tooDeep = findExcessiveNesting(body);
    if (tooDeep !== undefined) {
      return {
        ok: false,
        ...lineColumn(body, tooDeep),
        message: `nested more than ${String(MAX_DEPTH)} levels deep`,
      };
    }
  }
  if (parsed && isObject && countKeysInText(body) === countKeysInValue(value)) {
    return { ok: true, value, style: detectStyle(body, bom !== '') };
  }
  const error = findSyntaxError(body);
  if (error) return { ok: false, ...lineColumn(body, error.offset), message: error.message };
  // The full walk found no duplicate after all, so the counts disagreed for another reason.
  if (parsed && isObject) return { ok: true, value, style: detectStyle(body, bom !== '') };
  return { ok: false, line: 1, column: 1, message: 'invalid JSON' }; // unreachable: both parsers agree
}

/**
 * Prints `value` in `indent` units starting at `base` (the indentation of the line it starts
 * on). JSON.stringify escapes every tab and line break inside strings, so in its tab-indented
 * output each raw "\n" plus tabs is layout we can re-indent — with any indent string, even one
 * longer than the 10 characters JSON.stringify accepts.
 */
function printValue(value: unknown, indent: string, base: string, eol: string): string {
  const printed = JSON.stringify(value, null, indent === '' ? '' : '\t') as string | undefined;
  if (printed === undefined) throw new TypeError('value cannot be represented in JSON');
  if (indent === '') return printed;
  return printed.replace(
    /\n(\t*)/g,
    (_line, tabs: string) => eol + base + indent.repeat(tabs.length),
  );
}

/** Serialises like JSON.stringify(value, null, style.indent) with style.eol line endings, the BOM and final newline as recorded. */
export function stringifyJsonText(value: unknown, style: JsonTextStyle): string {
  const body = printValue(value, style.indent, '', style.eol);
  return (style.bom ? BOM : '') + body + (style.finalNewline ? style.eol : '');
}

// ---- editing: offsets of members in text already known to be valid ----

interface MemberSpan {
  key: string;
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
  /** offset of the comma after the value; -1 for the last member */
  comma: number;
}

interface ObjectSpan {
  open: number;
  close: number;
  members: MemberSpan[];
}

function skipValidString(text: string, pos: number): number {
  let i = pos + 1;
  while (text.charCodeAt(i) !== QUOTE) i += text.charCodeAt(i) === BACKSLASH ? 2 : 1;
  return i + 1;
}

function skipValidValue(text: string, pos: number): number {
  const first = text.charCodeAt(pos);
  if (first === QUOTE) return skipValidString(text, pos);
  if (first !== LBRACE && first !== LBRACKET) {
    let i = pos;
    while (
      isWordChar(text.charCodeAt(i)) ||
      text.charCodeAt(i) === MINUS ||
      text.charCodeAt(i) === 43
    )
      i++;
    return i;
  }
  let depth = 0;
  for (let i = pos; ; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) i = skipValidString(text, i) - 1;
    else if (c === LBRACE || c === LBRACKET) depth++;
    else if ((c === RBRACE || c === RBRACKET) && --depth === 0) return i + 1;
  }
}

function readObject(text: string, open: number): ObjectSpan {
  const members: MemberSpan[] = [];
  let pos = skipWs(text, open + 1);
  if (text.charCodeAt(pos) === RBRACE) return { open, close: pos, members };
  for (;;) {
    const keyEnd = skipValidString(text, pos);
    const valueStart = skipWs(text, skipWs(text, keyEnd) + 1);
    const valueEnd = skipValidValue(text, valueStart);
    const after = skipWs(text, valueEnd);
    const isLast = text.charCodeAt(after) !== COMMA;
    const key = decodeKey(text, pos, keyEnd);
    members.push({ key, keyStart: pos, keyEnd, valueStart, valueEnd, comma: isLast ? -1 : after });
    if (isLast) return { open, close: after, members };
    pos = skipWs(text, after + 1);
  }
}

function findObject(text: string, path: string[]): ObjectSpan {
  const parsed = parseJsonText(text);
  if (!parsed.ok) {
    throw new Error(
      `cannot edit invalid JSON (line ${parsed.line}, column ${parsed.column}: ${parsed.message})`,
    );
  }
  let span = readObject(text, skipWs(text, 0));
  for (const [depth, key] of path.entries()) {
    const member = span.members.find((m) => m.key === key);
    if (!member || text.charCodeAt(member.valueStart) !== LBRACE) {
      throw new Error(`no JSON object at ${JSON.stringify(path.slice(0, depth + 1))}`);
    }
    span = readObject(text, member.valueStart);
  }
  return span;
}

function indentOfLine(text: string, pos: number): string {
  const lineStart = Math.max(text.lastIndexOf('\n', pos), text.lastIndexOf('\r', pos)) + 1;
  let end = lineStart;
  while (text.charCodeAt(end) === SPACE || text.charCodeAt(end) === TAB) end++;
  return text.slice(lineStart, end);
}

/** Inserts members at the end of the object found at `path` (a list of object keys from the root; [] = root), formatted like that object's existing members (same indentation, same line endings; an empty `{}` gets expanded using style.indent). Returns the new text; the rest of the text is byte-identical. Throws if the path does not lead to an object. */
export function insertJsonMembers(
  text: string,
  path: string[],
  members: Array<[key: string, value: unknown]>,
  style: JsonTextStyle,
): string {
  const { bom, body } = splitBom(text);
  const span = findObject(body, path);
  const taken = new Set(span.members.map((m) => m.key));
  for (const [key] of members) {
    if (taken.has(key))
      throw new Error(`key ${JSON.stringify(key)} already exists at ${JSON.stringify(path)}`);
    taken.add(key);
  }
  if (members.length === 0) return text;

  const last = span.members.at(-1);
  if (!last) {
    const outer = indentOfLine(body, span.open);
    const inner = outer + style.indent;
    const lines = members.map(
      ([key, value]) =>
        inner + JSON.stringify(key) + ': ' + printValue(value, style.indent, inner, style.eol),
    );
    const expanded = style.eol + lines.join(',' + style.eol) + style.eol + outer;
    return bom + body.slice(0, span.open + 1) + expanded + body.slice(span.close);
  }

  // Copy the layout in front of the last member's key and its key/value separator (": ", ":", …).
  let leadStart = last.keyStart;
  while (isWs(body.charCodeAt(leadStart - 1))) leadStart--;
  const lead = body.slice(leadStart, last.keyStart);
  const separator = body.slice(last.keyEnd, last.valueStart);
  const lf = lead.lastIndexOf('\n');
  const multiLine = lf !== -1;
  const eol = multiLine && lead.charCodeAt(lf - 1) === CR ? '\r\n' : '\n';
  const memberIndent = multiLine ? lead.slice(lf + 1) : '';
  // On one line, the space after a comma shows only between two members; with a single member,
  // follow the key separator: {"a":1} -> {"a":1,"b":2}, {"a": 1} -> {"a": 1, "b": 2}.
  const afterComma = span.members.length > 1 ? lead : separator.endsWith(' ') ? ' ' : '';
  const before = multiLine ? ',' + eol + memberIndent : ',' + afterComma;
  const inserted = members
    .map(([key, value]) => {
      const printed = multiLine
        ? printValue(value, style.indent, memberIndent, eol)
        : printValue(value, '', '', '');
      return before + JSON.stringify(key) + separator + printed;
    })
    .join('');
  return bom + body.slice(0, last.valueEnd) + inserted + body.slice(last.valueEnd);
}

/** Removes the named members from the object at `path`, including their separating commas and the lines they occupied; the rest is byte-identical. Keys the object does not hold are ignored. */
export function removeJsonMembers(
  text: string,
  path: string[],
  keys: string[],
  _style: JsonTextStyle,
): string {
  const { bom, body } = splitBom(text);
  const span = findObject(body, path);
  const doomed = new Set(keys);
  const all = span.members;
  const keptIndexes = all.flatMap((m, i) => (doomed.has(m.key) ? [] : [i]));
  if (keptIndexes.length === all.length) return text;
  const lastKept = keptIndexes.at(-1);
  if (lastKept === undefined) return bom + body.slice(0, span.open + 1) + body.slice(span.close);

  // A member before the last kept one goes from its key to the next key (its comma, line break
  // and the next line's indentation go with it); members after the last kept one go from that
  // member's comma to the end of the last value, so no trailing comma is left behind.
  const cuts: Array<[number, number]> = [];
  for (let i = 0; i < lastKept; i++) {
    const member = all[i];
    const next = all[i + 1];
    if (member && next && doomed.has(member.key)) cuts.push([member.keyStart, next.keyStart]);
  }
  const keptMember = all[lastKept];
  const final = all.at(-1);
  if (lastKept < all.length - 1 && keptMember && final)
    cuts.push([keptMember.comma, final.valueEnd]);

  let result = '';
  let from = 0;
  for (const [start, end] of cuts) {
    result += body.slice(from, start);
    from = end;
  }
  return bom + result + body.slice(from);
}
