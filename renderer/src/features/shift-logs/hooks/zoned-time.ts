import { offsetMinutes } from '../../../../../shared/site-time';
import { calendarDateIn, formatDateTime, formatTime } from '../../../i18n/format';
import type { Locale } from '../../../i18n/i18n';

/**
 * Converts between a wall-clock time in a site's zone (as a datetime-local input holds it) and
 * an instant, whatever the workstation's own zone is.
 */

/** `2026-10-25T01:30` in `Europe/London` -> ISO instant (an ambiguous time takes the earlier one). */
export function zonedLocalToIso(local: string, timeZone: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!match) return null;
  const [, y, mo, d, h, mi] = match.map(Number);
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  const first = wall - offsetMinutes(wall, timeZone) * 60_000;
  const second = wall - offsetMinutes(first, timeZone) * 60_000;
  return new Date(Math.min(first, second)).toISOString();
}

/** An instant as `YYYY-MM-DDTHH:mm` wall time in the zone (for a datetime-local input). */
export function isoToZonedLocal(iso: string, timeZone: string): string {
  const instant = Date.parse(iso);
  const shifted = new Date(instant + offsetMinutes(instant, timeZone) * 60_000);
  return shifted.toISOString().slice(0, 16);
}

/**
 * The time a new entry starts with, as site wall time: now while the shift runs, else the end of
 * a past shift or the start of a future one, so an entry added afterwards lands inside its shift.
 */
export function defaultOccurredAt(now: Date, shift: { starts_at: string; ends_at: string }, timeZone: string): string {
  const start = Date.parse(shift.starts_at);
  const instant = Math.min(Math.max(now.getTime(), start), Date.parse(shift.ends_at));
  const local = isoToZonedLocal(new Date(instant).toISOString(), timeZone);
  // The input holds whole minutes: a start with seconds rounds up, not out of the shift.
  const back = zonedLocalToIso(local, timeZone);
  return back !== null && Date.parse(back) < start ? isoToZonedLocal(new Date(instant + 60_000).toISOString(), timeZone) : local;
}

/**
 * A time on a shift log's page: the time alone on the shift's own date, date and time on any
 * other (after midnight in a night shift, a sign-off days later), both in the site's zone.
 */
export function formatShiftTime(iso: string, shiftDate: string, locale: Locale, timeZone: string): string {
  return calendarDateIn(iso, timeZone) === shiftDate ? formatTime(iso, locale, timeZone) : formatDateTime(iso, locale, timeZone);
}
