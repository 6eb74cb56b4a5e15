import { createInterface } from 'node:readline';
import { UsageError } from './args';

/** Reads all of stdin (for --password-stdin), without the final line break. */
export async function readStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Asks on the terminal; `secret` input is not echoed. Refuses when there is no terminal. */
export async function ask(question: string, options: { secret?: boolean } = {}): Promise<string> {
  if (!process.stdin.isTTY) throw new UsageError(`${question.replace(/:\s*$/, '')} is needed and there is no terminal to ask on (use the option for it)`);
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  if (options.secret) {
    // Echo nothing of what is typed after the question.
    (rl as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = (text: string) => {
      if (text.startsWith(question)) process.stderr.write(question);
    };
  }
  try {
    return await new Promise<string>((resolve) => rl.question(question, resolve));
  } finally {
    if (options.secret) process.stderr.write('\n');
    rl.close();
  }
}
