/**
 * How many changes to ask for in the next pull page, from how long the last page took to write.
 *
 * Each page is written with its cursor in ONE transaction (SYNC.md), and the core answers no
 * window call while it writes. Most pages are cheap (new rows appended), but some are not: a
 * page of amendments re-indexes the full-text row of every entry it amends, scattered over the
 * whole cache, and 2,000 of those held the core for over a second on a 1M-entry initial sync.
 * So the page shrinks when a write runs long and grows back, up to the configured size, when
 * writes are quick again.
 */
export interface PullPageSizing {
  /** The configured page size: never asked for more. */
  max: number;
  /** Never fewer, so a slow page still makes progress at a sensible request rate. */
  min: number;
  /** The longest a page's transaction should hold the store. */
  targetMs: number;
}

export const defaultPullPageSizing: Omit<PullPageSizing, 'max'> = { min: 100, targetMs: 150 };

export function nextPullLimit(current: number, writeMs: number, sizing: PullPageSizing): number {
  let next = current;
  if (writeMs > sizing.targetMs) {
    // Aim at the target from the measured cost per change.
    next = Math.floor((current * sizing.targetMs) / writeMs);
  } else if (writeMs < sizing.targetMs / 2) {
    // Grow gently: the next pages may be as costly as the last slow one was.
    next = current * 2;
  }
  // The configured size wins over the floor (tests and small tenants may configure tiny pages).
  return Math.min(sizing.max, Math.max(sizing.min, next));
}
