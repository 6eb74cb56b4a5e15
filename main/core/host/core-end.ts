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

/**
 * The stack's frames only. A V8 stack opens with "Name: message", and a message can run over
 * several lines (one of which may itself start with "at "), so that opening is cut off by its
 * length before frames are picked out by V8's own indent.
 */
function stackFrames(error: unknown): string[] {
  if (!(error instanceof Error) || typeof error.stack !== 'string') return [];
  const opening = error.message ? `${error.name}: ${error.message}` : error.name;
  const frames = error.stack.startsWith(opening) ? error.stack.slice(opening.length) : '';
  return frames
    .split('\n')
    .filter((line) => line.startsWith('    at '))
    .map((line) => line.trim())
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
