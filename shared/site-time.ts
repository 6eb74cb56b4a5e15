/**
 * Site time (DOMAIN.md: times are stored in UTC and shown in the site's zone, never the
 * workstation's): which zone a time is shown in, and an instant as that zone's wall clock.
 * Pure Intl, so it runs in the core, the server and the window.
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

/**
 * A cached `offsetMinutes` for writing many times of one zone (exports): every UTC offset is a
 * multiple of 15 minutes and zones change offset on a quarter hour, so one lookup per quarter
 * hour of time is exact.
 */
export function offsetCache(timeZone: string): (instant: number) => number {
  const byQuarter = new Map<number, number>();
  return (instant) => {
    const quarter = Math.floor(instant / 900_000);
    let offset = byQuarter.get(quarter);
    if (offset === undefined) {
      offset = offsetMinutes(quarter * 900_000, timeZone);
      if (byQuarter.size > 10_000) byQuarter.clear();
      byQuarter.set(quarter, offset);
    }
    return offset;
  };
}

/** `2026-03-04T14:03:00+01:00`: ISO 8601 with the site's offset at that instant (seconds kept). */
export function isoInSiteZone(iso: string, timeZone: string, offsetAt: (instant: number) => number = (instant) => offsetMinutes(instant, timeZone)): string {
  const instant = Date.parse(iso);
  if (Number.isNaN(instant)) return iso;
  const offset = offsetAt(instant);
  const wall = new Date(Math.floor(instant / 1000) * 1000 + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const magnitude = Math.abs(offset);
  return `${wall}${sign}${two(Math.floor(magnitude / 60))}:${two(magnitude % 60)}`;
}

/**
 * The one zone a time is shown in when no site zone is known: UTC, the zone times are stored
 * in, named on screen and the same on every workstation. Never the workstation's own zone: two
 * admins in different countries must read the same shift times (DOMAIN.md). The server keeps a
 * zone on every site, so this covers the moments before the area tree is known on this
 * workstation (not read yet, not synced yet) and an area the tree does not hold.
 */
export const fallbackTimeZone = 'UTC';

/** What the zone rule reads of an area: its parent and, on a site, the site's IANA zone. */
export interface ZonedArea {
  id: string;
  parent_id: string | null;
  kind: string;
  time_zone: string | null;
}

export interface SiteTimeZones {
  /** For times that belong to the whole tenant (people, sessions, exports, sync): its first site's zone. */
  tenantZone: string;
  /** For times tied to an area: the zone of its site (the nearest area up the tree naming one), else the tenant's. */
  zoneOf(areaId: string | null | undefined): string;
}

/** Which zone a time is shown in (DOMAIN.md): the site's, the tenant's first site's, else `fallbackTimeZone`. */
export function siteTimeZones(areas: readonly ZonedArea[] | undefined): SiteTimeZones {
  const byId = new Map((areas ?? []).map((area) => [area.id, area]));
  const tenantZone = areas?.find((area) => area.kind === 'site' && area.time_zone)?.time_zone ?? fallbackTimeZone;
  const zoneOf = (areaId: string | null | undefined) => {
    let current = areaId ? byId.get(areaId) : undefined;
    // The tree is at most site > section > area > unit; the bound only guards a corrupt cycle.
    for (let depth = 0; current && depth < 32; depth += 1) {
      if (current.time_zone) return current.time_zone;
      current = current.parent_id ? byId.get(current.parent_id) : undefined;
    }
    return tenantZone;
  };
  return { tenantZone, zoneOf };
}
