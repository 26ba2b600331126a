/** What replaces a secret found in provider text. */
export const REDACTED = '[redacted]';
/** Shorter forms cannot be replaced without mangling ordinary words, so the text is withheld. */
const MIN_REPLACEABLE = 8;
export const WITHHELD = '(the provider message is withheld: it may contain the value)';

/**
 * Provider error text with every secret removed: as is, JSON-escaped, base64 (as it travels on
 * some wires), and each non-blank line of a multi-line value (a provider may re-flow it). When a
 * form too short to replace safely occurs, the whole text is withheld: a provider message is
 * never worth a leaked value.
 */
export function scrubSecretText(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret === undefined || secret === '') continue;
    const forms = new Set([secret, JSON.stringify(secret).slice(1, -1), toBase64(secret)]);
    for (const line of secret.split(/\r\n|\r|\n/)) if (line.trim() !== '') forms.add(line.trim());
    for (const form of [...forms].sort((a, b) => b.length - a.length)) {
      if (!out.includes(form)) continue;
      if (form.length < MIN_REPLACEABLE) return WITHHELD;
      out = out.split(form).join(REDACTED);
    }
  }
  return out;
}

function toBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
