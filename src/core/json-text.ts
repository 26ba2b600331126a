import { CR, LF, SPACE, TAB, findSyntaxError, lineColumn } from './json-syntax.js';

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

/**
 * Own keys across every object in a parsed value (JSON.parse keeps the last of duplicates), and
 * the deepest nesting: one iterative walk serves both checks.
 */
function measureValue(value: unknown): { keys: number; depth: number } {
  let keys = 0;
  let deepest = 0;
  const pending: Array<[unknown, number]> = [[value, 1]];
  for (let entry = pending.pop(); entry !== undefined; entry = pending.pop()) {
    const [item, depth] = entry;
    if (depth > deepest) deepest = depth;
    let children: unknown[];
    if (Array.isArray(item)) {
      children = item as unknown[];
    } else {
      children = Object.values(item as object);
      keys += children.length;
    }
    for (const child of children) {
      if (typeof child === 'object' && child !== null) pending.push([child, depth + 1]);
    }
  }
  return { keys, depth: deepest };
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

export function splitBom(text: string): { bom: string; body: string } {
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
  if (parsed && typeof value === 'object' && value !== null) {
    const measured = measureValue(value);
    const tooDeep = measured.depth > MAX_DEPTH ? findExcessiveNesting(body) : undefined;
    if (tooDeep !== undefined) {
      return {
        ok: false,
        ...lineColumn(body, tooDeep),
        message: `nested more than ${String(MAX_DEPTH)} levels deep`,
      };
    }
    if (isObject && countKeysInText(body) === measured.keys) {
      return { ok: true, value, style: detectStyle(body, bom !== '') };
    }
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
export function printValue(value: unknown, indent: string, base: string, eol: string): string {
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
