// A model of Docker Compose's env_file / `.env` parser, the second reader SPEC §7 requires values to
// survive. Written from the documented syntax
// (https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/#env-file-syntax)
// and the behaviour of compose-go's dotenv parser (dotenv/parser.go, template/template.go):
//  - a UTF-8 BOM at the start is dropped; CRLF is NOT normalised (unlike the dotenv package);
//  - `#` starts a comment only at the start of a statement, or after ` ` in an unquoted value;
//  - unquoted values end at LF, lose trailing whitespace, and are interpolated;
//  - quoted values may span lines; inside either quote `\<quote>` is the quote itself and any
//    other backslash is kept; single-quoted values are then literal, double-quoted ones get
//    `\a \b \f \n \r \t \v \\ \" \$ \0ooo` expanded and then `$VAR` / `${VAR}` interpolated.
// Interpolation looks names up in `env` first, then in the keys read earlier from the same file;
// an unset name reads as '' (Compose only warns).

const SPACE = new Set(['\t', '\v', '\f', '\r', ' ', '\u0085', '\u00a0']);
// Go's unicode.IsSpace: the above, LF, and Unicode White_Space beyond Latin-1.
const UNICODE_SPACES =
  '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const UNICODE_SPACE = new RegExp(`[${UNICODE_SPACES}]`);
const NOT_UNICODE_SPACE = new RegExp(`[^${UNICODE_SPACES}]`);

export class ComposeEnvFileError extends Error {}

export function parseComposeEnvFile(
  text: string,
  env: Record<string, string> = {},
): Map<string, string> {
  const out = new Map<string, string>();
  let src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  for (;;) {
    src = statementStart(src);
    if (src === '') return out;
    if (/^export\s/.test(src)) src = trimStartSpace(src.slice('export'.length));

    let keyEnd = 0;
    let terminator = '';
    for (const char of src) {
      if (char === '=' || char === ':' || char === '\n') {
        terminator = char;
        break;
      }
      if (!SPACE.has(char) && !/^[\p{L}\p{N}_.\-[\]]$/u.test(char)) {
        throw new ComposeEnvFileError(
          `unexpected character ${JSON.stringify(char)} in variable name`,
        );
      }
      keyEnd += char.length;
    }
    const key = trimEndUnicodeSpace(src.slice(0, keyEnd));
    if (key.includes(' ')) throw new ComposeEnvFileError('key cannot contain a space');
    src = src.slice(keyEnd + terminator.length);
    if (terminator !== '=' && terminator !== ':') {
      // A bare `KEY` line inherits the value from the environment, if any.
      if (Object.hasOwn(env, key)) out.set(key, env[key] ?? '');
      continue;
    }

    src = trimStartSpace(src);
    const lookup = (name: string): string | undefined =>
      Object.hasOwn(env, name) ? env[name] : out.get(name);
    const quote = src[0];
    if (quote !== '"' && quote !== "'") {
      const lineEnd = src.indexOf('\n');
      const line = lineEnd === -1 ? src : src.slice(0, lineEnd);
      src = lineEnd === -1 ? '' : src.slice(lineEnd + 1);
      const commentAt = line.indexOf(' #');
      const raw = commentAt === -1 ? line : line.slice(0, commentAt);
      out.set(key, interpolate(trimEndUnicodeSpace(raw), lookup));
      continue;
    }

    let raw = '';
    let escaped = false;
    let close = -1;
    for (let i = 1; i < src.length; i++) {
      const char = src[i];
      if (escaped) {
        escaped = false;
        raw += char === quote ? char : `\\${char}`;
      } else if (char === '\\') {
        escaped = true;
      } else if (char === quote) {
        close = i;
        break;
      } else {
        raw += char;
      }
    }
    if (close === -1) throw new ComposeEnvFileError(`unterminated quoted value for ${key}`);
    src = src.slice(close + 1);
    out.set(key, quote === '"' ? interpolate(expandEscapes(raw), lookup) : raw);
  }
}

// Skips whitespace and whole comment lines; '' at the end of the file.
function statementStart(src: string): string {
  for (;;) {
    const start = src.search(NOT_UNICODE_SPACE);
    if (start === -1) return '';
    const rest = src.slice(start);
    if (!rest.startsWith('#')) return rest;
    const lineEnd = rest.indexOf('\n');
    if (lineEnd === -1) return '';
    src = rest.slice(lineEnd);
  }
}

function trimStartSpace(src: string): string {
  let i = 0;
  while (i < src.length && SPACE.has(src[i] ?? '')) i++;
  return src.slice(i);
}

function trimEndUnicodeSpace(src: string): string {
  let end = src.length;
  while (end > 0 && UNICODE_SPACE.test(src[end - 1] ?? '')) end--;
  return src.slice(0, end);
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
};

function expandEscapes(raw: string): string {
  return raw.replace(/\\(?:[abcfnrtv$"\\]|0\d{0,3})/g, (match) => {
    // `\$` becomes the interpolation escape `$$`, so the `$` survives as a literal.
    if (match === '\\$') return '$$';
    const simple = SIMPLE_ESCAPES[match.slice(1)];
    if (simple !== undefined) return simple;
    if (match.startsWith('\\0')) {
      // compose-go rewrites `\0ooo` to Go's `\ooo`, which needs exactly three octal digits.
      const digits = match.slice(2);
      if (/^[0-7]{3}$/.test(digits) && parseInt(digits, 8) < 256) {
        return String.fromCharCode(parseInt(digits, 8));
      }
      return `\\${digits}`;
    }
    return match; // `\c` is matched but is not a Go escape: kept as written
  });
}

// compose-go's template.Substitute: `$$`, `$NAME`, `${NAME}`, `${NAME:-x}`, `${NAME-x}`,
// `${NAME:?err}`, `${NAME?err}`; any other `$` is an invalid template (an error in Compose).
// Nested defaults (`${A:-${B}}`) are not modelled: they throw here, which fails safe in tests.
function interpolate(value: string, lookup: (name: string) => string | undefined): string {
  return value.replace(
    /\$(?:(\$)|([_a-z][_a-z0-9]*)|\{([_a-z][_a-z0-9]*)(?:(:?[-?])([^}]*))?\}|)/gi,
    (
      _match: string,
      dollar?: string,
      named?: string,
      braced?: string,
      op?: string,
      arg?: string,
    ) => {
      if (dollar !== undefined) return '$';
      const name = named ?? braced;
      if (name === undefined) throw new ComposeEnvFileError('invalid interpolation format');
      const current = lookup(name);
      const missing = current === undefined || (op?.startsWith(':') === true && current === '');
      if (op === undefined || !missing) return current ?? '';
      if (op.endsWith('-')) return interpolate(arg ?? '', lookup);
      throw new ComposeEnvFileError(`required variable ${name} is missing a value: ${arg ?? ''}`);
    },
  );
}
