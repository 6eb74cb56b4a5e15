import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

export interface RunningProcess {
  child: ChildProcess;
  url: string;
  stop(): Promise<number | null>;
}

/** Starts the real server as `npm run server` does and resolves with its announced URL. */
export function startServerProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunningProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += String(chunk)));
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line within 90 s: ${stderr.slice(-1000)}`)), 90_000);
    child.stdout!.on('data', () => {
      const match = /plantdesk-server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      resolve({ child, url: match[1], stop: () => (child.kill('SIGTERM'), exited) });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening: ${stderr.slice(-1000)}`));
    });
  });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `plantdesk` binary with optional standard input. */
export function runCli(args: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/plantdesk.mjs'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/**
 * Runs the real `plantdesk` binary as a conversation: each time its standard output matches the
 * next step's pattern, that step's lines are written to its standard input (answers that depend
 * on what it printed, as a person at a terminal would type them).
 */
export function converseWithCli(
  args: string[],
  steps: { after: RegExp | null; answer: (stdout: string) => Promise<string[]> | string[] }[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/plantdesk.mjs'), ...args], { cwd: repoRoot, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let next = 0;
    let busy = false;
    const advance = async () => {
      if (busy) return;
      busy = true;
      while (next < steps.length && (steps[next].after === null || steps[next].after!.test(stdout))) {
        const lines = await steps[next].answer(stdout);
        next += 1;
        child.stdin.write(lines.map((line) => `${line}\n`).join(''));
      }
      if (next === steps.length) child.stdin.end();
      busy = false;
    };
    child.stdout.on('data', (chunk) => {
      stdout += String(chunk);
      void advance();
    });
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    void advance();
  });
}
