import {
  BACKSLASH,
  COMMA,
  CR,
  LBRACE,
  LBRACKET,
  MINUS,
  QUOTE,
  RBRACE,
  RBRACKET,
  SPACE,
  TAB,
  decodeKey,
  isWs,
  isWordChar,
  skipWs,
} from './json-syntax.js';
import { parseJsonText, printValue, splitBom, type JsonTextStyle } from './json-text.js';

// The span readers skip tokens without checking them: findObject validates the whole text first.

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
