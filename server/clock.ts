/**
 * Every time the server reasons about (session timeouts, TOTP steps, throttling, grant
 * windows, audit timestamps) comes from one injectable clock, so tests move time instead of
 * waiting for it.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface ManualClock extends Clock {
  set(to: Date | number): void;
  advance(milliseconds: number): void;
}

/** A clock that stands still until told to move. */
export function createManualClock(start: Date | number = Date.UTC(2026, 0, 15, 8, 0, 0)): ManualClock {
  let current = typeof start === 'number' ? start : start.getTime();
  return {
    now: () => new Date(current),
    set: (to) => {
      current = typeof to === 'number' ? to : to.getTime();
    },
    advance: (milliseconds) => {
      current += milliseconds;
    },
  };
}
