import { PlantdeskError } from '../../../shared/errors';
import { CLOCK_SKEW_LIMIT_MS } from '../../../shared/grant';
import { readClockHighWater, writeClockHighWater } from '../store/queries/workstation-session';
import type { SqliteDatabase } from '../store/open';

/**
 * The offline window is judged on the workstation's clock, so the clock must not be a way
 * around it. Two rules: at every online answer the workstation's clock is compared with the
 * server's and refused when it is off by more than the limit (`clock_skew`, naming by how
 * much); and each cache keeps the latest time it has seen (the server's times, and its own
 * clock at each unlock), refusing to open with a clock set back behind it (`clock_rolled_back`).
 * An online sign-in, judged on the server's time, resets that mark.
 */

function inWords(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} hours`;
  return `${Math.round(hours / 24)} days`;
}

/** Refuses a workstation clock off from the server's by more than the limit. */
export function checkClockAgainstServer(now: Date, serverNow: Date): void {
  const skew = now.getTime() - serverNow.getTime();
  if (Math.abs(skew) <= CLOCK_SKEW_LIMIT_MS) return;
  throw new PlantdeskError(
    'clock_skew',
    `This workstation's clock is ${inWords(skew)} ${skew < 0 ? 'behind' : 'ahead of'} the server's. Set the date and time right (or turn on automatic time), then try again.`,
    { skewSeconds: Math.round(skew / 1000) },
  );
}

function readMark(db: SqliteDatabase): number | null {
  const mark = readClockHighWater(db);
  return mark ? Date.parse(mark) : null;
}

function writeMark(db: SqliteDatabase, at: number): void {
  writeClockHighWater(db, new Date(at));
}

/**
 * Opening the cache at `now`: refused when the clock is behind the latest time this cache has
 * seen by more than the limit; otherwise the mark moves up to `now` and any `seen` server time.
 */
export function advanceClockMark(db: SqliteDatabase, now: Date, seen: readonly Date[] = []): void {
  const mark = readMark(db);
  if (mark !== null && now.getTime() < mark - CLOCK_SKEW_LIMIT_MS) {
    throw new PlantdeskError(
      'clock_rolled_back',
      `This workstation's clock is ${inWords(mark - now.getTime())} behind a time this local copy has already seen, so it will not open offline. Set the date and time right, or sign in online (which checks the time with the server).`,
      { latestSeen: new Date(mark).toISOString() },
    );
  }
  writeMark(db, Math.max(mark ?? 0, now.getTime(), ...seen.map((at) => at.getTime())));
}

/** After an online sign-in, judged on the server's time: the mark is the server's now. */
export function resetClockMark(db: SqliteDatabase, serverNow: Date): void {
  writeMark(db, serverNow.getTime());
}
