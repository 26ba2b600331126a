import { isUtf8 } from 'node:buffer';

const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Where a file stops being valid UTF-8, as a 1-based line and column, or undefined when it is
 * valid. Decoding such a file leniently would turn each bad byte into U+FFFD and the next write
 * would make that loss permanent, so readers refuse it instead.
 */
export function findInvalidUtf8(bytes: Uint8Array): { line: number; column: number } | undefined {
  // isUtf8 is a native check without decoding: the common, valid case costs next to nothing.
  if (isUtf8(bytes)) return undefined;
  const offset = firstInvalidOffset(bytes);
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i += 1) {
    if (bytes[i] === 0x0a) {
      line += 1;
      lineStart = i + 1;
    }
  }
  const column = strictDecoder.decode(bytes.subarray(lineStart, offset)).length + 1;
  return { line, column };
}

/** The byte offset of the first sequence that is not well-formed UTF-8 (RFC 3629). */
function firstInvalidOffset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] ?? 0;
    const length =
      lead < 0x80
        ? 1
        : lead >= 0xc2 && lead <= 0xdf
          ? 2
          : lead >= 0xe0 && lead <= 0xef
            ? 3
            : lead >= 0xf0 && lead <= 0xf4
              ? 4
              : 0;
    if (length === 0 || i + length > bytes.length) return i;
    try {
      strictDecoder.decode(bytes.subarray(i, i + length));
    } catch {
      return i;
    }
    i += length;
  }
  return bytes.length;
}
