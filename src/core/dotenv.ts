// The one `.env` writer (SPEC §7 "Value encoding"). Every value must read back byte-for-byte
// through the `dotenv` package (both its default and `fast` parsers) and Docker Compose's env_file
// parser, so each value gets the first quoting that is safe in all of them, or is refused.

export type DotenvEncodeResult = { ok: true; line: string } | { ok: false; reason: string };

export type DotenvSerializeResult =
  { ok: true; text: string } | { ok: false; key: string; reason: string };

const KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
// An unpaired UTF-16 surrogate has no UTF-8 encoding: the file would hold U+FFFD instead.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// dotenv's default parser is a multiline regex, and JavaScript ends lines at U+2028/U+2029 too.
const LINE_BREAK = /[\n\r\u2028\u2029]/;

/** `KEY="..."` or `KEY='...'` for one entry, or why no quoting reads back identically. */
export function encodeDotenvEntry(key: string, value: string): DotenvEncodeResult {
  if (!KEY_PATTERN.test(key)) {
    return { ok: false, reason: 'the key must match ^[A-Za-z_][A-Za-z0-9_]*$' };
  }
  // dotenv parses into a plain object, where assigning `__proto__` is the prototype setter: the
  // entry silently disappears.
  if (key === '__proto__') {
    return { ok: false, reason: 'dotenv silently drops a key named __proto__' };
  }
  // Tighter than the spec: both parsers keep a NUL, but an environment variable cannot hold one
  // (Node's process.env truncates "a\0b" to "a", execve stops at it), so it never arrives intact.
  if (value.includes('\0')) {
    return {
      ok: false,
      reason: 'the value contains a NUL character, which no environment variable can hold',
    };
  }
  if (LONE_SURROGATE.test(value)) {
    return {
      ok: false,
      reason: 'the value contains an unpaired UTF-16 surrogate, which cannot be written as UTF-8',
    };
  }
  // Rule 1. In double quotes dotenv turns `\n`/`\r` back into LF/CR and Compose expands escapes
  // and then `$VAR`. With no `"`, `\` or `$` in the value our two escapes are the only
  // backslashes, nothing interpolates, and nothing can close the quotes early.
  if (!/["\\$]/.test(value)) {
    return { ok: true, line: `${key}="${value.replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"` };
  }
  // Rule 2. Single quotes are literal in dotenv and Compose (no escapes, no `$`, may span lines),
  // except that both read `\'` as an escaped quote (so no trailing `\`) and dotenv rewrites CR and CRLF to LF
  // before parsing (so no CR).
  if (!value.includes("'") && !value.includes('\r') && !value.endsWith('\\')) {
    return { ok: true, line: `${key}='${value}'` };
  }
  return { ok: false, reason: describeConflict(value) };
}

// Names the characters at fault, never the value: the value is usually a secret.
function describeConflict(value: string): string {
  const noDouble = [
    value.includes('"') ? 'a double quote' : '',
    value.includes('\\') ? 'a backslash' : '',
    value.includes('$') ? 'a dollar sign' : '',
  ].filter(Boolean);
  const noSingle = [
    value.includes("'") ? 'a single quote' : '',
    value.includes('\r') ? 'a carriage return' : '',
    value.endsWith('\\') ? 'a trailing backslash' : '',
  ].filter(Boolean);
  return (
    `the value contains ${noDouble.join(', ')} (which double quotes would read differently) ` +
    `and ${noSingle.join(', ')} (which single quotes cannot hold), so no quoting reads back ` +
    `identically in dotenv and Docker Compose`
  );
}

/**
 * The whole file: `# banner` comments, a blank line, one entry per line, LF endings, no BOM.
 * Stops at the first entry that cannot be written. Throws if a banner line holds a line break:
 * that is a caller bug, and the rest of the line would be parsed as an entry.
 */
export function serializeDotenv(
  banner: string[],
  entries: Array<[key: string, value: string]>,
): DotenvSerializeResult {
  const lines: string[] = [];
  for (const comment of banner) {
    if (LINE_BREAK.test(comment)) {
      throw new Error('a .env banner line must not contain a line break');
    }
    lines.push(comment === '' ? '#' : `# ${comment}`);
  }
  if (lines.length > 0) lines.push('');
  const seen = new Set<string>();
  for (const [key, value] of entries) {
    // Both parsers keep the last duplicate silently; refuse rather than drop a value.
    if (seen.has(key)) return { ok: false, key, reason: 'the key appears more than once' };
    seen.add(key);
    const encoded = encodeDotenvEntry(key, value);
    if (!encoded.ok) return { ok: false, key, reason: encoded.reason };
    lines.push(encoded.line);
  }
  return { ok: true, text: lines.map((line) => `${line}\n`).join('') };
}

/**
 * Reads back a file `serializeDotenv` wrote: comments, blank lines and the two quoted shapes it
 * emits. Anything else throws a SyntaxError naming the line, rather than guessing what a
 * hand-edited line means. CRLF is read as LF, as dotenv does, so a file git converted still reads.
 */
export function parseDotenv(text: string): Map<string, string> {
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const values = new Map<string, string>();
  let pos = 0;
  let line = 1;
  while (pos < src.length) {
    let lineEnd = src.indexOf('\n', pos);
    if (lineEnd === -1) lineEnd = src.length;
    const current = src.slice(pos, lineEnd);
    const entry = /^([A-Za-z_][A-Za-z0-9_]*)=(["'])/.exec(current);
    if (entry !== null) {
      const [opening, key = '', quote = ''] = entry;
      const start = pos + opening.length;
      const close = src.indexOf(quote, start);
      if (close === -1 || (close + 1 < src.length && src[close + 1] !== '\n')) {
        throw new SyntaxError(
          `line ${line}: the value of ${key} is not closed at the end of a line`,
        );
      }
      if (values.has(key)) throw new SyntaxError(`line ${line}: ${key} appears a second time`);
      values.set(key, unquote(src.slice(start, close), quote, `line ${line}: ${key}`));
      line += src.slice(pos, close).split('\n').length - 1;
      lineEnd = close + 1;
    } else if (current.trim() !== '' && !current.startsWith('#')) {
      throw new SyntaxError(`line ${line}: expected KEY="..." or KEY='...'`);
    }
    pos = lineEnd + 1;
    line += 1;
  }
  return values;
}

// Accepts only what encodeDotenvEntry emits, so a value read here is what dotenv and Compose read.
function unquote(raw: string, quote: string, where: string): string {
  if (quote === "'") {
    if (raw.endsWith('\\')) {
      throw new SyntaxError(`${where}: single-quoted value ends in a backslash`);
    }
    return raw;
  }
  if (/\n|\$|\\(?![nr])/.test(raw)) {
    throw new SyntaxError(
      `${where}: double-quoted value holds a line break, $ or an unknown escape`,
    );
  }
  return raw.replace(/\\([nr])/g, (_: string, escape: string) => (escape === 'n' ? '\n' : '\r'));
}
