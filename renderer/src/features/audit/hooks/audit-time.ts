import type { AreaView } from '../api/queries';
import { offsetMinutes } from '../../../../../shared/site-time';

/** The workstation's own zone: only when the tenant has no site with a zone. */
export const workstationZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * Times are shown in a site's zone, named (DOMAIN.md): an event tied to an area in the zone of
 * that area's site, any other event (people, sessions, settings) in the zone of the tenant's
 * first site; the workstation's zone only when no site has one.
 */
export function zoneResolver(areas: readonly AreaView[] | undefined): { defaultZone: string; zoneOf: (areaId: string | null) => string } {
  const byId = new Map((areas ?? []).map((area) => [area.id, area]));
  const defaultZone = areas?.find((area) => area.kind === 'site' && area.time_zone)?.time_zone ?? workstationZone();
  const zoneOf = (areaId: string | null) => {
    let current = areaId ? byId.get(areaId) : undefined;
    for (let depth = 0; current && depth < 32; depth += 1) {
      if (current.time_zone) return current.time_zone;
      current = current.parent_id ? byId.get(current.parent_id) : undefined;
    }
    return defaultZone;
  };
  return { defaultZone, zoneOf };
}

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
