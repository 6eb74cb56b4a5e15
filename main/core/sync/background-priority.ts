import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { isMainThread } from 'node:worker_threads';

/**
 * A sync (an initial one above all: minutes of parsing and SQLite writes) is background work.
 * When the core runs on its own worker thread, that thread is lowered to background priority
 * (nice +10) at its first sync, so on a busy machine the scheduler runs the thread that routes
 * the windows' calls first whenever it has something to do: measured by the sync bench as the
 * router thread's event-loop delay, whose stalls were time spent runnable but waiting for a
 * CPU while the core held one.
 *
 * Linux only: there setpriority() on a thread id changes that one thread. (Elsewhere Node's
 * setPriority takes a process id and would lower the whole app, windows included.) Never on a
 * main thread (the CLI, tests running the core in-process). Not undone afterwards: raising a
 * priority back needs a privilege a desktop user does not have, and the core's thread does only
 * background work for the windows anyway.
 */
let lowered = false;

function linuxThreadId(): number | null {
  try {
    // "/proc/thread-self" -> "<pid>/task/<tid>"
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/** Returns the nice value the thread runs at now, or null when left as it was. */
export function lowerCoreThreadPriority(): number | null {
  if (lowered || isMainThread || process.platform !== 'linux') return null;
  lowered = true;
  const tid = linuxThreadId();
  if (tid === null) return null;
  try {
    const target = Math.min(19, getPriority(tid) + 10);
    setPriority(tid, target);
    return getPriority(tid);
  } catch {
    // Not allowed here (a sandbox): the sync runs as it would have.
    return null;
  }
}
