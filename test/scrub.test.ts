import { describe, expect, it } from 'vitest';
import { REDACTED, scrubSecretText, WITHHELD } from '../src/core/scrub.js';

describe('scrubSecretText', () => {
  it.each([
    ['as is', 'value: s3cr3t-value-1', ['s3cr3t-value-1'], `value: ${REDACTED}`],
    [
      'JSON-escaped',
      'body {"v":"a\\"quoted\\" secret"}',
      ['a"quoted" secret'],
      `body {"v":"${REDACTED}"}`,
    ],
    [
      'base64',
      `data ${Buffer.from('base64-secret-value').toString('base64')}`,
      ['base64-secret-value'],
      `data ${REDACTED}`,
    ],
    [
      'a multi-line value re-flowed onto one line',
      'echo first-secret-line second-secret-line',
      ['first-secret-line\nsecond-secret-line'],
      `echo ${REDACTED} ${REDACTED}`,
    ],
    ['a short value: the whole text is withheld', 'payload: pw1', ['pw1'], WITHHELD],
    ['no secret in the text', 'Secret [x] not found', ['some-other-value'], 'Secret [x] not found'],
    ['undefined and empty secrets are ignored', 'plain text', [undefined, ''], 'plain text'],
  ])('%s', (_label, text, secrets, expected) => {
    expect(scrubSecretText(text, secrets)).toBe(expected);
  });
});
