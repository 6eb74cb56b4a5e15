/**
 * Instants as a site's wall clock (DOMAIN.md: times are stored in UTC and shown in the site's
 * zone, never the workstation's). Pure Intl, so it runs in the core, the server and the window.
 */

/** Minutes the zone is ahead of UTC at that instant (whole seconds of the instant). */
export function offsetMinutes(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  const asUtc = Date.UTC(value('year'), value('month') - 1, value('day'), value('hour'), value('minute'), value('second'));
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

const two = (n: number) => String(n).padStart(2, '0');

/** `2026-03-04T14:03:00+01:00`: ISO 8601 with the site's offset at that instant (seconds kept). */
export function isoInSiteZone(iso: string, timeZone: string): string {
  const instant = Date.parse(iso);
  if (Number.isNaN(instant)) return iso;
  const offset = offsetMinutes(instant, timeZone);
  const wall = new Date(Math.floor(instant / 1000) * 1000 + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const magnitude = Math.abs(offset);
  return `${wall}${sign}${two(Math.floor(magnitude / 60))}:${two(magnitude % 60)}`;
}
