import { offsetMinutes } from '../../../../../shared/site-time';

/** Milliseconds the zone is ahead of UTC at that instant. */
const zoneOffset = (utcMs: number, zone: string): number => offsetMinutes(utcMs, zone) * 60_000;

/** The UTC instant at which a calendar day (YYYY-MM-DD) starts in the zone, DST included. */
export function startOfDayIn(day: string, zone: string): string {
  const [year, month, date] = day.split('-').map(Number);
  const naive = Date.UTC(year, month - 1, date);
  const first = naive - zoneOffset(naive, zone);
  return new Date(naive - zoneOffset(first, zone)).toISOString();
}

export function nextDay(day: string): string {
  const [year, month, date] = day.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, date + 1)).toISOString().slice(0, 10);
}
