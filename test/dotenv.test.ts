import dotenv from 'dotenv';
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { encodeDotenvEntry, parseDotenv, serializeDotenv } from '../src/core/dotenv.js';
import { parseComposeEnvFile } from './dotenv-compose-parser.js';

// Variables Compose would interpolate, so a `$` that leaks into double quotes shows up as a change.
const COMPOSE_ENV = { HOME: '/home/compose', X: 'interpolated', OTHER: 'other', SECRET: 'outer' };

type Readers = Record<'dotenv' | 'dotenvFast' | 'compose' | 'ours', Record<string, string>>;

/** What every reader sees after the text has been written to disk as UTF-8 and read back. */
function readBack(text: string): Readers {
  const onDisk = Buffer.from(text, 'utf8').toString('utf8');
  return {
    dotenv: attempt(() => ({ ...dotenv.parse(onDisk) })),
    dotenvFast: attempt(() => ({ ...dotenv.parse(onDisk, { fast: true }) })),
    compose: attempt(() => Object.fromEntries(parseComposeEnvFile(onDisk, COMPOSE_ENV))),
    ours: attempt(() => Object.fromEntries(parseDotenv(onDisk))),
  };
}

// A reader that throws shows up as a value no expectation can match, with the message in the diff.
function attempt(read: () => Record<string, string>): Record<string, string> {
  try {
    return read();
  } catch (error) {
    return { '(threw)': String(error) };
  }
}

function expectEveryReader(text: string, expected: Record<string, string>): void {
  const readers = readBack(text);
  for (const [reader, values] of Object.entries(readers)) {
    expect({ reader, values }).toEqual({ reader, values: expected });
  }
}

const PEM =
  '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n' +
  'b3+/xYz0aB1c2d3e4f5g6h7i8j9k0l==\n-----END PRIVATE KEY-----\n';

type Outcome = 'double' | 'single' | 'refused';
const HARD_VALUES: Array<{ name: string; value: string; expected: Outcome }> = [
  { name: 'PEM key with LF', value: PEM, expected: 'double' },
  { name: 'PEM key with CRLF', value: PEM.replace(/\n/g, '\r\n'), expected: 'double' },
  { name: '$HOME', value: '$HOME', expected: 'single' },
  { name: '${X}', value: '${X}', expected: 'single' },
  { name: '${X:-default}', value: '${X:-default}', expected: 'single' },
  { name: 'pa$$word', value: 'pa$$word', expected: 'single' },
  { name: 'lone $ at the end', value: 'cost$', expected: 'single' },
  { name: '# at start', value: '#not-a-comment', expected: 'double' },
  { name: '# in the middle', value: 'abc#def', expected: 'double' },
  { name: 'space then #', value: 'a #b', expected: 'double' },
  { name: '# with $', value: '#$X', expected: 'single' },
  { name: 'single quote', value: "it's", expected: 'double' },
  { name: 'only a single quote', value: "'", expected: 'double' },
  { name: 'single-quoted text', value: "'quoted'", expected: 'double' },
  { name: 'double quotes', value: 'say "hi"', expected: 'single' },
  { name: 'only a double quote', value: '"', expected: 'single' },
  { name: 'both quote kinds', value: `both ' and " quotes`, expected: 'refused' },
  { name: 'single quote and $', value: "it's $5", expected: 'refused' },
  { name: 'escaped single quote', value: "\\'", expected: 'refused' },
  { name: 'backslashes', value: 'C:\\Users\\me\\file', expected: 'single' },
  { name: 'literal backslash-n', value: 'line1\\nline2', expected: 'single' },
  { name: 'literal backslash-n at the end', value: 'abc\\n', expected: 'single' },
  { name: 'trailing backslash', value: 'ends with\\', expected: 'refused' },
  { name: 'only a backslash', value: '\\', expected: 'refused' },
  { name: 'two backslashes', value: '\\\\', expected: 'refused' },
  { name: 'backslash before LF', value: 'a\\\nb', expected: 'single' },
  { name: 'CR alone', value: 'a\rb', expected: 'double' },
  { name: 'CRLF', value: 'a\r\nb', expected: 'double' },
  { name: 'CR then n', value: '\rn', expected: 'double' },
  { name: 'CR and $', value: '$a\rb', expected: 'refused' },
  { name: 'CR and backslash', value: 'a\\b\r', expected: 'refused' },
  {
    name: 'LF and $ (multi-line single quotes)',
    value: 'first $line\nsecond line\n',
    expected: 'single',
  },
  { name: 'only LF', value: '\n', expected: 'double' },
  { name: 'tabs', value: '\tcol1\tcol2\t', expected: 'double' },
  { name: 'leading and trailing spaces', value: '  padded  ', expected: 'double' },
  { name: 'only spaces', value: '   ', expected: 'double' },
  { name: 'spaces and $', value: ' $X ', expected: 'single' },
  { name: 'equals signs', value: 'a=b==', expected: 'double' },
  { name: 'backticks', value: '`whoami`', expected: 'double' },
  { name: 'backticks and $', value: '`echo $HOME`', expected: 'single' },
  { name: 'empty string', value: '', expected: 'double' },
  { name: 'accents', value: 'héllo wörld ñ', expected: 'double' },
  { name: 'emoji', value: '🔑🚀 key 👩‍👩‍👧', expected: 'double' },
  { name: 'RTL text with marks', value: '\u200Fمرحبا עולם\u200E', expected: 'double' },
  { name: 'line separator U+2028', value: 'a\u2028B=c', expected: 'double' },
  { name: 'paragraph separator U+2029 with $', value: '$a\u2029b', expected: 'single' },
  { name: 'leading BOM', value: '\uFEFFvalue', expected: 'double' },
  { name: 'NBSP and NEL at the edges', value: '\u00a0x\u0085', expected: 'double' },
  { name: 'looks like another entry', value: 'x\nAFTER=hijacked', expected: 'double' },
  { name: 'looks like another entry, with $', value: "$x\nAFTER='hijacked'", expected: 'refused' },
  { name: 'another entry inside single quotes', value: '$x\nAFTER="hijacked"', expected: 'single' },
  { name: 'very long value', value: 'x'.repeat(200_000), expected: 'double' },
  { name: 'very long multi-line value with $', value: 'a$b\n'.repeat(30_000), expected: 'single' },
  { name: 'NUL', value: 'a\0b', expected: 'refused' },
  { name: 'lone high surrogate', value: 'a\uD83Db', expected: 'refused' },
  { name: 'lone low surrogate', value: '\uDE80', expected: 'refused' },
];

describe('encodeDotenvEntry on hard values', () => {
  it.each(HARD_VALUES)('$name → $expected', ({ value, expected }) => {
    const result = encodeDotenvEntry('SECRET', value);
    if (expected === 'refused') {
      expect(result.ok).toBe(false);
      if (!result.ok && value.length > 1) expect(result.reason).not.toContain(value);
      return;
    }
    if (!result.ok) throw new Error(`refused: ${result.reason}`);
    expect(result.line.slice(0, 'SECRET='.length + 1)).toBe(
      `SECRET=${expected === 'double' ? '"' : "'"}`,
    );
    // Entries before and after catch a value that swallows or injects neighbouring lines.
    const text = `# banner\n\nBEFORE="before"\n${result.line}\nAFTER="after"\n`;
    expectEveryReader(text, { BEFORE: 'before', SECRET: value, AFTER: 'after' });
  });

  it('explains a refusal by the characters at fault', () => {
    const result = encodeDotenvEntry('K', `x'y$z`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/dollar sign.*single quote/s);
  });

  it.each(['', '1ABC', 'A-B', 'A B', 'A.B', 'ÜBER', 'A=B', '__proto__'])(
    'refuses the key %j',
    (key) => {
      expect(encodeDotenvEntry(key, 'v').ok).toBe(false);
    },
  );

  it('refuses __proto__ because dotenv drops it without a word', () => {
    expect(dotenv.parse('__proto__="x"\nconstructor="y"\n')).toEqual({ constructor: 'y' });
  });

  it('refuses NUL because process.env cannot hold it', () => {
    const parsed = dotenv.parse('NUL_PROBE="a\0b"\n');
    expect(parsed.NUL_PROBE).toBe('a\0b');
    process.env.NUL_PROBE = parsed.NUL_PROBE;
    try {
      expect(process.env.NUL_PROBE).toBe('a');
    } finally {
      delete process.env.NUL_PROBE;
    }
  });
});

describe('the harness catches what the rules avoid', () => {
  // Naive encodings of a known value: at least one real reader must get it wrong, or the harness
  // has lost the power to catch a corrupted value.
  it.each([
    ['$ in double quotes', 'K="$HOME"\n', { K: '$HOME' }],
    ['backslash in double quotes', 'K="a\\\\b"\n', { K: 'a\\b' }],
    ['escaped double quote', 'K="say \\"hi\\""\n', { K: 'say "hi"' }],
    ['trailing backslash in single quotes', "K='end\\'\nL='x'\n", { K: 'end\\', L: 'x' }],
    ['CR inside single quotes', "K='a\r\nb'\n", { K: 'a\r\nb' }],
    ['unquoted value with a comment', 'K=a #b\n', { K: 'a #b' }],
    ['unquoted value with spaces', 'K=  a  \n', { K: '  a  ' }],
  ])('%s', (_name, text, intended) => {
    const { dotenv: classic, dotenvFast, compose } = readBack(text);
    const wrong = [classic, dotenvFast, compose].filter(
      (read) => !isDeepStrictEqual(read, intended),
    );
    expect(wrong.length).toBeGreaterThan(0);
  });

  it('dotenv reads CRLF as LF in single quotes while Compose keeps the CR', () => {
    const text = "K='a\r\nb'\n";
    expect(dotenv.parse(text).K).toBe('a\nb');
    expect(parseComposeEnvFile(text).get('K')).toBe('a\r\nb');
  });
});

describe('parseComposeEnvFile follows the documented Compose syntax', () => {
  it.each([
    ['VAR=VAL', 'VAL'],
    ['VAR="VAL"', 'VAL'],
    ["VAR='VAL'", 'VAL'],
    ['VAR=VAL # comment', 'VAL'],
    ['VAR=VAL# not a comment', 'VAL# not a comment'],
    ['VAR="VAL # not a comment"', 'VAL # not a comment'],
    ['VAR="VAL" # comment', 'VAL'],
    ["VAR='$OTHER'", '$OTHER'],
    ["VAR='${OTHER}'", '${OTHER}'],
    ["VAR='Let\\'s go!'", "Let's go!"],
    ['VAR="{\\"hello\\": \\"json\\"}"', '{"hello": "json"}'],
    ['VAR="some\\tvalue"', 'some\tvalue'],
    ["VAR='some\\tvalue'", 'some\\tvalue'],
    ['VAR=some\\tvalue', 'some\\tvalue'],
    ['VAR="$OTHER and ${OTHER}"', 'other and other'],
    ['VAR="${UNSET:-fallback}"', 'fallback'],
    ['VAR="\\$OTHER and $$OTHER"', '$OTHER and $OTHER'],
    ['VAR="a\\\\nb"', 'a\\nb'],
    ["VAR='multi\nline'", 'multi\nline'],
    ['VAR="multi\nline"', 'multi\nline'],
    ['export VAR=exported', 'exported'],
  ])('%j → %j', (line, value) => {
    expect(parseComposeEnvFile(`# comment\n\n${line}\n`, COMPOSE_ENV)).toEqual(
      new Map([['VAR', value]]),
    );
  });

  it('interpolates keys defined earlier in the file and rejects a bare $', () => {
    expect(parseComposeEnvFile('A=1\nB="${A}2"\n').get('B')).toBe('12');
    expect(() => parseComposeEnvFile('A="cost $ 5"\n')).toThrow(/invalid interpolation/);
  });
});

// Heavy in the characters that break .env files, plus arbitrary code points and lone surrogates.
const valueUnit = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constantFrom(
      ...['$', '#', '"', "'", '\\', '=', '`', ' ', '\t', '\n', '\r', '{', '}', 'n', 'r', 'a', 'Z'],
      ...['\u2028', '\u2029', '\uFEFF', '\u00a0', '\u0085', 'é', 'ש', '🔑', '\uD800'],
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);
const valueArb = fc.string({ unit: valueUnit, maxLength: 40 });
const keyArb = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/).filter((k) => k !== '__proto__');
const entriesArb = fc.uniqueArray(fc.tuple(keyArb, valueArb), {
  selector: ([key]) => key,
  maxLength: 25,
});

const hasLoneSurrogate = (value: string): boolean =>
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
const accepted = (entries: Array<[string, string]>): Array<[string, string]> =>
  entries.filter(([key, value]) => encodeDotenvEntry(key, value).ok);

describe('properties', () => {
  it('every value that is encoded reads back identically in every reader', () => {
    fc.assert(
      fc.property(valueArb, (value) => {
        const result = encodeDotenvEntry('SECRET', value);
        if (!result.ok) return;
        expectEveryReader(`A="a"\n${result.line}\nZ='z'\n`, { A: 'a', SECRET: value, Z: 'z' });
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses exactly what SPEC §7 rule 3 refuses, plus NUL and lone surrogates', () => {
    fc.assert(
      fc.property(valueArb, (value) => {
        const needsSingle = /["\\$]/.test(value);
        const singleImpossible = /['\r]/.test(value) || value.endsWith('\\');
        const unwritable = value.includes('\0') || hasLoneSurrogate(value);
        const result = encodeDotenvEntry('SECRET', value);
        expect(result.ok).toBe(!unwritable && !(needsSingle && singleImpossible));
        if (result.ok) expect(result.line[7]).toBe(needsSingle ? "'" : '"');
      }),
      { numRuns: 3000 },
    );
  });

  it('a whole file of accepted entries reads back identically', () => {
    fc.assert(
      fc.property(entriesArb, (entries) => {
        const kept = accepted(entries);
        const result = serializeDotenv(['AUTO-GENERATED', 'from .secrets.local.json'], kept);
        if (!result.ok) throw new Error(`refused ${result.key}: ${result.reason}`);
        expectEveryReader(result.text, Object.fromEntries(kept));
      }),
      { numRuns: 500 },
    );
  });

  it('a file with a refused entry is refused, naming the first such key', () => {
    fc.assert(
      fc.property(entriesArb, (entries) => {
        const firstRefused = entries.find(([key, value]) => !encodeDotenvEntry(key, value).ok);
        const result = serializeDotenv([], entries);
        if (firstRefused === undefined) expect(result.ok).toBe(true);
        else expect(result).toMatchObject({ ok: false, key: firstRefused[0] });
      }),
    );
  });

  it('output is quoted, LF-terminated, free of raw CR, BOM and backtick quotes', () => {
    fc.assert(
      fc.property(entriesArb, (entries) => {
        const kept = accepted(entries);
        const result = serializeDotenv(['generated'], kept);
        if (!result.ok) throw new Error(result.reason);
        const { text } = result;
        expect(text.endsWith('\n')).toBe(true);
        expect(text).not.toContain('\r');
        expect(text.startsWith('\uFEFF')).toBe(false);
        // Walk the file: after the banner, each entry in order is KEY= then " or ', and its
        // closing quote ends the line; nothing else is in between.
        let pos = '# generated\n\n'.length;
        expect(text.slice(0, pos)).toBe('# generated\n\n');
        for (const [key] of kept) {
          expect(text.slice(pos, pos + key.length + 1)).toBe(`${key}=`);
          const quote = text[pos + key.length + 1] ?? '';
          expect(['"', "'"]).toContain(quote);
          const close = text.indexOf(quote, pos + key.length + 2);
          expect(text[close + 1]).toBe('\n');
          pos = close + 2;
        }
        expect(pos).toBe(text.length);
      }),
    );
  });

  it('double-quoted files still read back after git converts them to CRLF', () => {
    fc.assert(
      fc.property(entriesArb, (entries) => {
        const kept = entries.filter(([key, value]) => {
          const result = encodeDotenvEntry(key, value);
          return result.ok && result.line[key.length + 1] === '"';
        });
        const result = serializeDotenv(['generated'], kept);
        if (!result.ok) throw new Error(result.reason);
        expectEveryReader(result.text.replace(/\n/g, '\r\n'), Object.fromEntries(kept));
      }),
      { numRuns: 300 },
    );
  });
});

describe('serializeDotenv', () => {
  it('writes the banner, a blank line, then one entry per line', () => {
    const result = serializeDotenv(
      ['AUTO-GENERATED BY TSDEVSTACK', ''],
      [
        ['A', 'x'],
        ['B', '$y'],
      ],
    );
    expect(result).toEqual({
      ok: true,
      text: `# AUTO-GENERATED BY TSDEVSTACK\n#\n\nA="x"\nB='$y'\n`,
    });
  });

  it('writes nothing but entries when there is no banner', () => {
    expect(serializeDotenv([], [['A', '']])).toEqual({ ok: true, text: 'A=""\n' });
  });

  it('refuses duplicate keys and names them', () => {
    const result = serializeDotenv(
      [],
      [
        ['A', '1'],
        ['B', '2'],
        ['A', '3'],
      ],
    );
    expect(result).toMatchObject({ ok: false, key: 'A' });
  });

  it.each(['two\nlines', 'cr\rhere', 'u2028\u2028B=injected', 'u2029\u2029'])(
    'throws on a banner line with a line break: %j',
    (line) => {
      expect(() => serializeDotenv([line], [])).toThrow(/line break/);
    },
  );
});

describe('parseDotenv', () => {
  it('reads comments, blank lines, both quote styles and a multi-line value', () => {
    const text = `# c\n\nA="x\\ny\\r"\nB='$1\n#2\n'\n  \nC=""\n`;
    expect(parseDotenv(text)).toEqual(
      new Map([
        ['A', 'x\ny\r'],
        ['B', '$1\n#2\n'],
        ['C', ''],
      ]),
    );
  });

  it.each([
    ['an unquoted value', 'A=x\n', /line 1/],
    ['text after the closing quote', 'A="x" # c\n', /line 1/],
    ['$ in double quotes', '# c\nA="$x"\n', /line 2/],
    ['an unknown escape', 'A="\\t"\n', /line 1/],
    ['an unterminated value', "A='x\n", /line 1/],
    ['a single-quoted value ending in a backslash', "A='x\\'\n", /line 1/],
    ['a line after a multi-line value', "A='1\n2'\nbad\n", /line 3/],
    ['backtick quotes', 'A=`x`\n', /line 1/],
    ['a duplicate key', 'A="1"\nA="2"\n', /line 2/],
  ])('rejects %s', (_name, text, where) => {
    expect(() => parseDotenv(text)).toThrow(where);
  });
});
