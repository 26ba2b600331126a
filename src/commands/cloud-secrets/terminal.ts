import { createInterface } from 'node:readline';
import { usageError } from '../../errors.js';

export interface InputStream extends NodeJS.ReadableStream {
  isTTY?: boolean;
}

export interface PromptStream extends NodeJS.WritableStream {
  isTTY?: boolean;
}

/** A value read from stdin beyond this is refused; no provider stores more than 64 KiB. */
const MAX_STDIN_BYTES = 1024 * 1024;

/** Everything on stdin, as bytes (the caller checks the encoding). */
export async function readAllStdin(stdin: InputStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    length += bytes.length;
    if (length > MAX_STDIN_BYTES) {
      throw usageError(
        'VALUE_TOO_LARGE',
        `the value on stdin is larger than ${String(MAX_STDIN_BYTES)} bytes`,
        'Secret stores hold at most 64 KiB per value.',
      );
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

/**
 * Asks one question on the terminal (the question on stderr: stdout carries data only).
 * Ctrl-C or Ctrl-D cancels with exit 2. Only called when stdin and stderr are terminals.
 */
export function askLine(
  question: string,
  stdin: InputStream,
  stderr: PromptStream,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: stdin, output: stderr, terminal: true });
    let answered = false;
    rl.on('SIGINT', () => rl.close());
    rl.on('close', () => {
      if (answered) return;
      stderr.write('\n');
      reject(usageError('PROMPT_CANCELLED', 'cancelled: nothing was changed'));
    });
    rl.question(question, (answer) => {
      answered = true;
      rl.close();
      resolve(answer.trim());
    });
  });
}
