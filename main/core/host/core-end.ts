/**
 * Why the core's thread ended when nobody asked it to: kept so that a crash can be explained
 * afterwards. An error's message can quote what the core was handling (a row, a path, a
 * server's answer), so only its kind, its code and where it was thrown are kept.
 */
export type CoreEnd =
  | { kind: 'error'; name: string; code: string | null; frames: string[] }
  | { kind: 'exit'; exitCode: number };

const MAX_FRAMES = 12;

export function describeCoreError(error: unknown): CoreEnd {
  const name = error instanceof Error ? safeWord(error.name) : typeof error;
  const rawCode = error !== null && typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
  const code = typeof rawCode === 'string' || typeof rawCode === 'number' ? safeWord(String(rawCode)) : null;
  return { kind: 'error', name, code, frames: stackFrames(error) };
}

/** The stack's "at ..." lines only: the first line of a stack repeats the message. */
function stackFrames(error: unknown): string[] {
  const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack : '';
  return stack
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('at '))
    .slice(0, MAX_FRAMES);
}

/** Names and codes are identifiers; anything else in them is not kept. */
function safeWord(text: string): string {
  return /^[A-Za-z0-9_.:-]{1,64}$/.test(text) ? text : 'unnamed';
}

/** What a refused call carries of it: safe for the window, like the error code itself. */
export function coreEndDetails(end: CoreEnd): { ended: string; code: string | null } | { exitCode: number } {
  return end.kind === 'error' ? { ended: end.name, code: end.code } : { exitCode: end.exitCode };
}

/** For a log: the kind and code on the first line, then where it was thrown, one frame a line. */
export function formatCoreEnd(end: CoreEnd): string {
  if (end.kind === 'exit') return `core thread exited with code ${end.exitCode}`;
  return [`core thread ended on ${end.name}${end.code ? ` (${end.code})` : ''}`, ...end.frames].join('\n  ');
}
