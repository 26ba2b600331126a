import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { insertJsonMembers, removeJsonMembers } from '../src/core/json-edit.js';
import { parseJsonText, stringifyJsonText, type JsonTextStyle } from '../src/core/json-text.js';

const TWO: JsonTextStyle = { bom: false, eol: '\n', indent: '  ', finalNewline: true };
const FOUR: JsonTextStyle = { ...TWO, indent: '    ' };
const CRLF_BOM_TAB: JsonTextStyle = { bom: true, eol: '\r\n', indent: '\t', finalNewline: true };

function parsedValue(text: string): unknown {
  const result = parseJsonText(text);
  if (!result.ok)
    throw new Error(`expected valid JSON, got ${result.line}:${result.column} ${result.message}`);
  return result.value;
}

/** `text` with `inserted` placed right after the first occurrence of `anchor`. */
function insertedAfter(text: string, anchor: string, inserted: string): string {
  const at = text.indexOf(anchor);
  expect(at, `anchor ${JSON.stringify(anchor)} not found`).toBeGreaterThanOrEqual(0);
  return text.slice(0, at + anchor.length) + inserted + text.slice(at + anchor.length);
}

/** `text` without the single occurrence of `region`. */
function without(text: string, region: string): string {
  expect(text.split(region)).toHaveLength(2);
  return text.replace(region, '');
}

function offsetOf(text: string, line: number, column: number): number {
  const lines = text.split(/\r\n|\n|\r/);
  let offset = 0;
  for (let i = 0; i < line - 1; i++) {
    offset += (lines[i] ?? '').length;
    offset += text.startsWith('\r\n', offset) ? 2 : 1;
  }
  return offset + column - 1;
}

describe('parseJsonText errors', () => {
  // [name, text, line, column, message pattern]
  const cases: Array<[string, string, number, number, RegExp]> = [
    [
      'trailing comma in an object',
      '{\n  "a": 1,\n}\n',
      3,
      1,
      /^unexpected '}' \(trailing comma\?\)$/,
    ],
    [
      'trailing comma in an array',
      '{\n  "a": [1, 2,]\n}',
      2,
      14,
      /^unexpected '\]' \(trailing comma\?\)$/,
    ],
    [
      'missing comma between members',
      '{\n  "a": 1\n  "b": 2\n}',
      3,
      3,
      /expected ',' or '}'.*found a string \(missing comma\?\)/,
    ],
    [
      'missing comma between elements',
      '{"a": [1 2]}',
      1,
      10,
      /expected ',' or '\]'.*found a number \(missing comma\?\)/,
    ],
    ['unterminated string (line break)', '{\n  "a": "abc\n}\n', 2, 8, /^unterminated string$/],
    ['unterminated string (end of file)', '{"a": "abc', 1, 7, /^unterminated string$/],
    ['unterminated key', '{"abc', 1, 2, /^unterminated string$/],
    ['bad escape', '{"a": "x\\qy"}', 1, 9, /invalid escape.*'q'/],
    ['bad \\u escape', '{"a": "\\u12G4"}', 1, 8, /invalid \\u escape/],
    ['line comment', '{\n  // note\n  "a": 1\n}', 2, 3, /comments are not allowed/],
    ['block comment after a value', '{"a": 1 /* c */}', 1, 9, /comments are not allowed/],
    ['comment before the object', '// hi\n{}', 1, 1, /comments are not allowed/],
    ['single-quoted key', "{'a': 1}", 1, 2, /single quote.*double quotes/],
    ['single-quoted value', '{"a": \'b\'}', 1, 7, /single quote.*double quotes/],
    [
      'truncated nested object',
      '{\n  "a": {\n    "b": 1',
      3,
      11,
      /^unexpected end of file \(the '\{' at line 2, column 8 is never closed\)$/,
    ],
    ['truncated after a colon', '{"a":', 1, 6, /end of file/],
    ['truncated after a comma', '{\n  "a": 1,\n', 3, 1, /end of file.*line 1, column 1/],
    ['truncated array', '{"a": [1', 1, 9, /end of file.*'\[' at line 1, column 7/],
    ['tab inside a string', '{"a": "x\ty"}', 1, 9, /control character U\+0009/],
    ['NUL inside a string', '{"a": "x\u0000"}', 1, 9, /control character U\+0000/],
    ['duplicate key', '{\n  "a": 1,\n  "b": {},\n  "a": 2\n}', 4, 3, /^duplicate key "a"$/],
    ['duplicate key in a nested object', '{"s": {"k": 1, "k": 1}}', 1, 16, /^duplicate key "k"$/],
    [
      'duplicate key spelled with an escape',
      '{"a": 1, "\\u0061": 2}',
      1,
      10,
      /^duplicate key "a"$/,
    ],
    [
      'duplicate __proto__',
      '{"__proto__": {}, "__proto__": 1}',
      1,
      19,
      /^duplicate key "__proto__"$/,
    ],
    [
      'top-level array',
      '[1, 2]',
      1,
      1,
      /^expected a JSON object at the top level, found an array$/,
    ],
    ['top-level string', '\n  "x"\n', 2, 3, /top level, found a string/],
    ['top-level null', 'null', 1, 1, /top level, found null/],
    ['top-level number', '42', 1, 1, /top level, found a number/],
    ['empty file', '', 1, 1, /^file is empty$/],
    ['whitespace-only file', ' \r\n\t\n', 1, 1, /^file is empty$/],
    ['BOM only', '\uFEFF', 1, 1, /^file is empty$/],
    ['text after the object', '{}\n}', 2, 1, /'}' after the top-level object/],
    ['two objects', '{} {}', 1, 4, /after the top-level object/],
    ['leading zero', '{"a": 01}', 1, 7, /^invalid number$/],
    ['bare fraction', '{"a": 1.}', 1, 7, /^invalid number$/],
    ['plus sign', '{"a": +1}', 1, 7, /expected a value, found character '\+'/],
    ['NaN', '{"a": NaN}', 1, 7, /expected a value, found character 'N'/],
    ['unquoted key', '{a: 1}', 1, 2, /expected a double-quoted key, found character 'a'/],
    ['missing colon', '{"a" 1}', 1, 6, /expected ':' after the key, found a number/],
    ['mismatched bracket', '{"a": [1}', 1, 9, /expected ',' or '\]'.*found '}'/],
    ['CRLF counts as one line break', '{\r\n  "a": 1,\r\n}\r\n', 3, 1, /trailing comma/],
    ['lone CR counts as a line break', '{\r  "a": 1,\r}', 3, 1, /trailing comma/],
    ['BOM is not counted', '\uFEFF{"a":1,}', 1, 8, /trailing comma/],
    ['second BOM is not whitespace', '\uFEFF\uFEFF{}', 1, 1, /U\+FEFF/],
    ['non-breaking space', '{"a":\u00A01}', 1, 6, /U\+00A0/],
    ['column counts UTF-16 code units', '{"😀": 1,}', 1, 10, /trailing comma/],
  ];

  it.each(cases)('%s', (_name, text, line, column, message) => {
    const result = parseJsonText(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect({ line: result.line, column: result.column }).toEqual({ line, column });
    expect(result.message).toMatch(message);
  });

  it('never echoes a value from the file', () => {
    const result = parseJsonText('{"TOKEN": "sk_live_abcdef\\q123"}');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).not.toMatch(/sk_live|abcdef|123/);
  });

  it('reports deeply nested truncation without overflowing the stack', () => {
    const result = parseJsonText('{"a": ' + '['.repeat(200_000));
    expect(result).toMatchObject({ ok: false, line: 1, column: 200_007 });
  });
});

describe('parseJsonText values and style', () => {
  it('accepts the same key in different objects', () => {
    expect(parsedValue('{"a": {"k": 1}, "b": {"k": 2}, "k": [{"k": 3}, {"k": 4}]}')).toEqual({
      a: { k: 1 },
      b: { k: 2 },
      k: [{ k: 3 }, { k: 4 }],
    });
  });

  it('keeps a __proto__ key as an own property', () => {
    const value = parsedValue('{"__proto__": {"polluted": true}, "a": 1}') as Record<
      string,
      unknown
    >;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  const styles: Array<[string, string, JsonTextStyle]> = [
    ['2 spaces, LF, final newline', '{\n  "a": {\n    "b": 1\n  }\n}\n', TWO],
    ['4 spaces', '{\n    "a": 1\n}\n', FOUR],
    ['tab', '{\n\t"a": [\n\t\t1\n\t]\n}\n', { ...TWO, indent: '\t' }],
    ['BOM + CRLF + tab', '\uFEFF{\r\n\t"a": 1\r\n}\r\n', CRLF_BOM_TAB],
    ['no final newline', '{\n  "a": 1\n}', { ...TWO, finalNewline: false }],
    ['single line: default indent', '{"a": 1}', { ...TWO, finalNewline: false }],
    ['blank first lines are skipped', '{\n\n   \n   "a": 1\n}\n', { ...TWO, indent: '   ' }],
    ['first indented line decides', '{"a": {\n    "b": 1\n  }}\n', FOUR],
  ];

  it.each(styles)('detects style: %s', (_name, text, style) => {
    const result = parseJsonText(text);
    expect(result.ok && result.style).toEqual(style);
  });

  it('parses BOM + CRLF files to the same value as plain files', () => {
    const plain = '{\n  "a": "x",\n  "b": [1, 2]\n}\n';
    expect(parsedValue('\uFEFF' + plain.replaceAll('\n', '\r\n'))).toEqual(JSON.parse(plain));
  });
});

describe('stringifyJsonText', () => {
  const value = { a: 'x', b: [1, { c: null }], d: {} };
  const cases: Array<[string, JsonTextStyle, string]> = [
    ['2 spaces', TWO, JSON.stringify(value, null, 2) + '\n'],
    [
      '4 spaces, no final newline',
      { ...FOUR, finalNewline: false },
      JSON.stringify(value, null, 4),
    ],
    [
      'BOM + CRLF + tab',
      CRLF_BOM_TAB,
      '\uFEFF' + JSON.stringify(value, null, '\t').replaceAll('\n', '\r\n') + '\r\n',
    ],
    ['empty indent is compact', { ...TWO, indent: '' }, JSON.stringify(value) + '\n'],
    [
      'indent longer than JSON.stringify allows',
      { ...TWO, indent: ' '.repeat(12) },
      '{\n' + ' '.repeat(12) + '"a": 1\n}\n',
    ],
  ];

  it.each(cases)('%s', (name, style, expected) => {
    const input = name.startsWith('indent longer') ? { a: 1 } : value;
    expect(stringifyJsonText(input, style)).toBe(expected);
  });

  it('keeps line breaks inside strings escaped', () => {
    expect(stringifyJsonText({ a: 'x\ny\r\tz' }, CRLF_BOM_TAB)).toBe(
      '\uFEFF{\r\n\t"a": "x\\ny\\r\\tz"\r\n}\r\n',
    );
  });

  it('refuses values JSON cannot hold', () => {
    expect(() => stringifyJsonText(undefined, TWO)).toThrow(/cannot be represented/);
  });
});

const USER_FILE =
  '{\n' +
  '  "$comment": "Your secrets",\n' +
  '  "secrets": {\n' +
  '    "DOMAIN": ""\n' +
  '  },\n' +
  '  "frontend": {\n' +
  '    "secrets": [\n' +
  '      "API_URL"\n' +
  '    ]\n' +
  '  },\n' +
  '  "bff-service": {}\n' +
  '}\n';

describe('insertJsonMembers', () => {
  const cases: Array<{
    name: string;
    text: string;
    path: string[];
    members: Array<[string, unknown]>;
    style: JsonTextStyle;
    expected: string;
  }> = [
    {
      name: 'root, object value printed multi-line',
      text: USER_FILE,
      path: [],
      members: [['billing', { secrets: [] }]],
      style: TWO,
      expected: insertedAfter(
        USER_FILE,
        '"bff-service": {}',
        ',\n  "billing": {\n    "secrets": []\n  }',
      ),
    },
    {
      name: 'nested object, several members',
      text: USER_FILE,
      path: ['secrets'],
      members: [
        ['ACCESS_TOKEN_TTL', '900'],
        ['REFRESH_TOKEN_TTL', '604800'],
      ],
      style: TWO,
      expected: insertedAfter(
        USER_FILE,
        '"DOMAIN": ""',
        ',\n    "ACCESS_TOKEN_TTL": "900",\n    "REFRESH_TOKEN_TTL": "604800"',
      ),
    },
    {
      name: 'object whose last member is an array',
      text: USER_FILE,
      path: ['frontend'],
      members: [['PORT', '3000']],
      style: TWO,
      expected: insertedAfter(USER_FILE, '      "API_URL"\n    ]', ',\n    "PORT": "3000"'),
    },
    {
      name: 'empty nested object is expanded with style.indent',
      text: USER_FILE,
      path: ['bff-service'],
      members: [['secrets', ['A', 'B']]],
      style: TWO,
      expected: insertedAfter(
        USER_FILE,
        '"bff-service": {',
        '\n    "secrets": [\n      "A",\n      "B"\n    ]\n  ',
      ),
    },
    {
      name: 'empty root object',
      text: '{}\n',
      path: [],
      members: [['secrets', { A: '1' }]],
      style: FOUR,
      expected: '{\n    "secrets": {\n        "A": "1"\n    }\n}\n',
    },
    {
      name: 'empty object with whitespace inside',
      text: '{\n  "a": { }\n}',
      path: ['a'],
      members: [['k', 1]],
      style: TWO,
      expected: '{\n  "a": {\n    "k": 1\n  }\n}',
    },
    {
      name: '4-space file',
      text: '{\n    "secrets": {\n        "A": "1"\n    }\n}\n',
      path: [],
      members: [['svc', { secrets: ['A'] }]],
      style: FOUR,
      expected:
        '{\n    "secrets": {\n        "A": "1"\n    },\n    "svc": {\n        "secrets": [\n            "A"\n        ]\n    }\n}\n',
    },
    {
      name: 'CRLF + BOM + tab file, nested',
      text: '\uFEFF{\r\n\t"secrets": {\r\n\t\t"A": "1"\r\n\t}\r\n}\r\n',
      path: ['secrets'],
      members: [['B', { x: [1] }]],
      style: CRLF_BOM_TAB,
      expected:
        '\uFEFF{\r\n\t"secrets": {\r\n\t\t"A": "1",\r\n\t\t"B": {\r\n\t\t\t"x": [\r\n\t\t\t\t1\r\n\t\t\t]\r\n\t\t}\r\n\t}\r\n}\r\n',
    },
    {
      name: 'CRLF + BOM, empty object',
      text: '\uFEFF{\r\n  "a": {}\r\n}\r\n',
      path: ['a'],
      members: [['k', []]],
      style: { ...CRLF_BOM_TAB, indent: '  ' },
      expected: '\uFEFF{\r\n  "a": {\r\n    "k": []\r\n  }\r\n}\r\n',
    },
    {
      name: 'single-line object with spaces',
      text: '{"a": 1, "b": 2}',
      path: [],
      members: [['c', { d: [1] }]],
      style: TWO,
      expected: '{"a": 1, "b": 2, "c": {"d":[1]}}',
    },
    {
      name: 'compact single-member object',
      text: '{"a":1}',
      path: [],
      members: [['b', 2]],
      style: TWO,
      expected: '{"a":1,"b":2}',
    },
    {
      name: 'key separator is copied',
      text: '{\n  "a" : 1\n}',
      path: [],
      members: [['b', 2]],
      style: TWO,
      expected: '{\n  "a" : 1,\n  "b" : 2\n}',
    },
    {
      name: 'keys and values are escaped',
      text: '{\n  "a": 1\n}',
      path: [],
      members: [['we"ird\n', 'line\nbreak']],
      style: TWO,
      expected: '{\n  "a": 1,\n  "we\\"ird\\n": "line\\nbreak"\n}',
    },
    {
      name: 'a __proto__ key becomes an ordinary member',
      text: '{\n  "a": 1\n}',
      path: [],
      members: [['__proto__', { x: 1 }]],
      style: TWO,
      expected: '{\n  "a": 1,\n  "__proto__": {\n    "x": 1\n  }\n}',
    },
  ];

  it.each(cases)('$name', ({ text, path, members, style, expected }) => {
    const result = insertJsonMembers(text, path, members, style);
    expect(result).toBe(expected);
    // The result parses, and holds exactly the old value plus the new members.
    const before = parsedValue(text) as Record<string, unknown>;
    let target = before;
    for (const key of path) target = target[key] as Record<string, unknown>;
    for (const [key, value] of members)
      Object.defineProperty(target, key, { value, enumerable: true });
    expect(parsedValue(result)).toEqual(before);
  });

  it('returns the text unchanged when there is nothing to insert', () => {
    expect(insertJsonMembers(USER_FILE, [], [], TWO)).toBe(USER_FILE);
  });

  const failures: Array<[string, string, string[], Array<[string, unknown]>, RegExp]> = [
    ['path to a string', USER_FILE, ['$comment'], [['a', 1]], /no JSON object at \["\$comment"\]/],
    [
      'path to an array',
      USER_FILE,
      ['frontend', 'secrets'],
      [['a', 1]],
      /no JSON object at \["frontend","secrets"\]/,
    ],
    ['missing path', USER_FILE, ['nope'], [['a', 1]], /no JSON object at \["nope"\]/],
    ['existing key', USER_FILE, [], [['secrets', {}]], /key "secrets" already exists/],
    [
      'key given twice',
      USER_FILE,
      [],
      [
        ['x', 1],
        ['x', 2],
      ],
      /key "x" already exists/,
    ],
    [
      'invalid text',
      '{"a": 1,}',
      [],
      [['b', 1]],
      /invalid JSON \(line 1, column 9: unexpected '}'/,
    ],
    ['unrepresentable value', USER_FILE, [], [['b', undefined]], /cannot be represented/],
  ];

  it.each(failures)('throws: %s', (_name, text, path, members, message) => {
    expect(() => insertJsonMembers(text, path, members, TWO)).toThrow(message);
  });
});

describe('removeJsonMembers', () => {
  const cases: Array<[string, string, string[], string[], string]> = [
    [
      'a middle member',
      USER_FILE,
      [],
      ['secrets'],
      without(USER_FILE, '  "secrets": {\n    "DOMAIN": ""\n  },\n'),
    ],
    [
      'the first member',
      USER_FILE,
      [],
      ['$comment'],
      without(USER_FILE, '"$comment": "Your secrets",\n  '),
    ],
    [
      'the last member',
      USER_FILE,
      [],
      ['bff-service'],
      without(USER_FILE, ',\n  "bff-service": {}'),
    ],
    [
      'several members including the last',
      USER_FILE,
      [],
      ['frontend', 'bff-service', '$comment'],
      '{\n  "secrets": {\n    "DOMAIN": ""\n  }\n}\n',
    ],
    ['every member', USER_FILE, [], ['$comment', 'secrets', 'frontend', 'bff-service'], '{}\n'],
    [
      'in a nested object',
      USER_FILE,
      ['frontend'],
      ['secrets'],
      without(USER_FILE, '\n    "secrets": [\n      "API_URL"\n    ]\n  '),
    ],
    ['keys that are not there', USER_FILE, [], ['nope'], USER_FILE],
    ['single line, first', '{"a": 1, "b": 2, "c": 3}', [], ['a'], '{"b": 2, "c": 3}'],
    ['single line, middle', '{"a": 1, "b": 2, "c": 3}', [], ['b'], '{"a": 1, "c": 3}'],
    ['single line, last two', '{"a": 1, "b": 2, "c": 3}', [], ['b', 'c'], '{"a": 1}'],
    [
      'BOM + CRLF',
      '\uFEFF{\r\n\t"a": 1,\r\n\t"b": {\r\n\t\t"c": [\r\n\t\t\t1\r\n\t\t]\r\n\t},\r\n\t"d": 2\r\n}\r\n',
      [],
      ['b'],
      '\uFEFF{\r\n\t"a": 1,\r\n\t"d": 2\r\n}\r\n',
    ],
    [
      'a key written with an escape',
      '{\n  "\\u0061": 1,\n  "b": 2\n}',
      [],
      ['a'],
      '{\n  "b": 2\n}',
    ],
  ];

  it.each(cases)('%s', (_name, text, path, keys, expected) => {
    const result = removeJsonMembers(text, path, keys, TWO);
    expect(result).toBe(expected);
    const value = parsedValue(text) as Record<string, unknown>;
    let target = value;
    for (const key of path) target = target[key] as Record<string, unknown>;
    for (const key of keys) delete target[key];
    expect(parsedValue(result)).toEqual(value);
  });

  it('throws when the path does not lead to an object', () => {
    expect(() => removeJsonMembers(USER_FILE, ['frontend', 'secrets'], ['x'], TWO)).toThrow(
      /no JSON object/,
    );
  });

  it('inserting then removing gives back the original bytes', () => {
    const inserted = insertJsonMembers(USER_FILE, ['secrets'], [['NEW', 'v']], TWO);
    expect(removeJsonMembers(inserted, ['secrets'], ['NEW'], TWO)).toBe(USER_FILE);
  });
});

const styleArb: fc.Arbitrary<JsonTextStyle> = fc.record({
  bom: fc.boolean(),
  eol: fc.constantFrom('\n' as const, '\r\n' as const),
  indent: fc.constantFrom('  ', '    ', '\t', ' '),
  finalNewline: fc.boolean(),
});
// fc.jsonValue() can produce -0, which no JSON text can hold; compare what JSON can round-trip.
const jsonArb = fc.jsonValue().map((value) => JSON.parse(JSON.stringify(value)) as unknown);
const objectArb = fc.dictionary(fc.string(), jsonArb, { minKeys: 1, maxKeys: 8 });

function mutate(
  text: string,
  kind: 'delete' | 'insert' | 'replace',
  at: number,
  char: string,
): string {
  const i = text.length === 0 ? 0 : at % text.length;
  if (kind === 'delete') return text.slice(0, i) + text.slice(i + 1);
  if (kind === 'insert') return text.slice(0, i) + char + text.slice(i);
  return text.slice(0, i) + char + text.slice(i + 1);
}

describe('properties', () => {
  it('stringify then parse gives back the value and the style', () => {
    fc.assert(
      fc.property(objectArb, styleArb, (value, style) => {
        const text = stringifyJsonText(value, style);
        const result = parseJsonText(text);
        expect(result).toEqual({ ok: true, value, style });
        expect(result.ok && result.value).toEqual(JSON.parse(style.bom ? text.slice(1) : text));
      }),
    );
  });

  it('stringify matches JSON.stringify', () => {
    fc.assert(
      fc.property(jsonArb, fc.constantFrom('  ', '    ', '\t'), (value, indent) => {
        const style = { bom: false, eol: '\n' as const, indent, finalNewline: false };
        expect(stringifyJsonText(value, style)).toBe(JSON.stringify(value, null, indent));
      }),
    );
  });

  it('agrees with JSON.parse on damaged files, never throws, never leaks a value', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.stringMatching(/^[a-z_]{1,6}$/),
          fc.oneof(
            fc.string({ minLength: 2 }).map((s) => 'SECRET' + s),
            fc.array(fc.string().map((s) => 'SECRET' + s)),
            fc.integer(),
          ),
          { minKeys: 1 },
        ),
        styleArb,
        fc.constantFrom('delete' as const, 'insert' as const, 'replace' as const),
        fc.nat(),
        fc.constantFrom(...'{}[]:,"\'\\/ \t\n\r0-1.eE+tfnu\uFEFF\u0000a'),
        (value, style, kind, at, char) => {
          const text = mutate(stringifyJsonText(value, style), kind, at, char);
          const result = parseJsonText(text);
          let reference: { value: unknown } | undefined;
          try {
            reference = { value: JSON.parse(text.replace(/^\uFEFF/, '')) };
          } catch {
            reference = undefined;
          }
          if (result.ok) {
            expect(reference).toEqual({ value: result.value });
            return;
          }
          expect(result.message).not.toBe('invalid JSON'); // the locator found the error itself
          expect(result.message).not.toContain('SECRET');
          expect(result.line).toBeGreaterThanOrEqual(1);
          expect(result.column).toBeGreaterThanOrEqual(1);
          const body = text.replace(/^\uFEFF/, '');
          expect(offsetOf(body, result.line, result.column)).toBeLessThanOrEqual(body.length);
          if (reference) {
            // JSON.parse accepted it: only our stricter rules may reject it.
            const isObject =
              typeof reference.value === 'object' &&
              reference.value !== null &&
              !Array.isArray(reference.value);
            expect(result.message).toMatch(isObject ? /^duplicate key "/ : /top level/);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reports a duplicate key at its second occurrence', () => {
    fc.assert(
      fc.property(objectArb, styleArb, fc.nat(), (value, style, pick) => {
        const keys = Object.keys(value);
        const key = keys[pick % keys.length] ?? '';
        const text = stringifyJsonText(value, style);
        const start = text.indexOf('{') + 1;
        const doubled = text.slice(0, start) + JSON.stringify(key) + ': 0,' + text.slice(start);
        const result = parseJsonText(doubled);
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.message).toBe(`duplicate key ${JSON.stringify(key)}`);
        const body = doubled.replace(/^\uFEFF/, '');
        const at = offsetOf(body, result.line, result.column);
        expect(at).toBeGreaterThan(start);
        const quoted = /^"(?:[^"\\]|\\.)*"/.exec(body.slice(at))?.[0] ?? '""';
        expect(JSON.parse(quoted)).toBe(key);
      }),
    );
  });

  it('insert then remove restores the bytes; the result parses to the expected value', () => {
    fc.assert(
      fc.property(
        objectArb,
        styleArb,
        fc.dictionary(fc.string(), jsonArb, { minKeys: 1, maxKeys: 3 }),
        (value, style, extra) => {
          const newMembers = Object.entries(extra).filter(([key]) => !Object.hasOwn(value, key));
          const text = stringifyJsonText(value, style);
          const inserted = insertJsonMembers(text, [], newMembers, style);
          expect(parsedValue(inserted)).toEqual({ ...value, ...Object.fromEntries(newMembers) });
          const restored = removeJsonMembers(
            inserted,
            [],
            newMembers.map(([key]) => key),
            style,
          );
          expect(restored).toBe(text);
        },
      ),
    );
  });
});

describe('performance', () => {
  it('parses a 500 KB file in well under 100 ms (guards against quadratic behaviour)', () => {
    const secrets: Record<string, string> = {};
    const doc: Record<string, unknown> = { $comment: 'large', secrets };
    for (let i = 0; i < 11_000; i++) {
      secrets[`KEY_${i}`] = `value-${i}-${'x'.repeat(16)}`;
      if (i % 10 === 0) doc[`service-${i}`] = { secrets: [`KEY_${i}`], PORT: String(3000 + i) };
    }
    const text = stringifyJsonText(doc, TWO);
    expect(text.length).toBeGreaterThan(500_000);
    const timings = Array.from({ length: 5 }, () => {
      const start = performance.now();
      expect(parseJsonText(text).ok).toBe(true);
      return performance.now() - start;
    });
    expect(Math.min(...timings)).toBeLessThan(100);
  });
});

describe('parseJsonText nesting limit', () => {
  it('refuses nesting deeper than 512 levels at the bracket that goes too deep', () => {
    const text = `{"$deep": ${'['.repeat(600)}1${']'.repeat(600)}}`;
    const result = parseJsonText(text);
    expect(result).toEqual({
      ok: false,
      line: 1,
      column: 11 + 511,
      message: 'nested more than 512 levels deep',
    });
  });

  it('accepts 512 levels, and brackets inside strings do not count', () => {
    const deep = `{"a": ${'['.repeat(511)}"[[[{{{"${']'.repeat(511)}}`;
    expect(parseJsonText(deep).ok).toBe(true);
  });
});
