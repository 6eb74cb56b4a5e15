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

/**
 * Answers to a command's questions, one per line: asked on the terminal when there is one
 * (secrets without echo), else read in order from standard input, so a script (or a test) can
 * answer a question that depends on what the command printed before it.
 */
export class Answers {
  private lines: AsyncIterator<string> | null = null;

  async next(question: string, options: { secret?: boolean } = {}): Promise<string> {
    if (process.stdin.isTTY) return ask(question, options);
    this.lines ??= createInterface({ input: process.stdin, terminal: false })[Symbol.asyncIterator]();
    const line = await this.lines.next();
    if (line.done) throw new UsageError(`${question.replace(/:\s*$/, '')} is needed: give it on its own line of standard input`);
    return line.value.replace(/\r$/, '');
  }
}
