import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fallbackTimeZone, isoInSiteZone, offsetCache, offsetMinutes, siteTimeZones, type ZonedArea } from '../../../shared/site-time';

// Which zone a time is shown in (DOMAIN.md): the site's, the tenant's first site's for the rest,
// and UTC while no site zone is known; never the workstation's own zone.
const area = (id: string, parent: string | null, kind: string, zone: string | null = null): ZonedArea => ({ id, parent_id: parent, kind, time_zone: zone });
const tree = [
  area('london', null, 'site', 'Europe/London'),
  area('boilers', 'london', 'section'),
  area('boiler-1', 'boilers', 'unit'),
  area('chicago', null, 'site', 'America/Chicago'),
  area('tanks', 'chicago', 'area'),
];

// This machine's zone is set far from every site, so a time shown in it could not pass.
const workstationZone = 'Pacific/Auckland';
beforeEach(() => {
  vi.stubEnv('TZ', workstationZone);
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the site-time rule', () => {
  it("shows an area's times in its own site's zone, found up the tree", () => {
    const zones = siteTimeZones(tree);
    expect(zones.zoneOf('boiler-1')).toBe('Europe/London');
    expect(zones.zoneOf('tanks')).toBe('America/Chicago');
  });

  it("shows times not tied to an area, or tied to one the tree does not hold, in the tenant's first site zone", () => {
    const zones = siteTimeZones(tree);
    expect(zones.tenantZone).toBe('Europe/London');
    expect(zones.zoneOf(null)).toBe('Europe/London');
    expect(zones.zoneOf('an-area-not-synced-yet')).toBe('Europe/London');
  });

  it("falls back to UTC, not the workstation's zone, while no site zone is known", () => {
    expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toBe(workstationZone);
    expect(fallbackTimeZone).toBe('UTC');
    for (const areas of [undefined, [], [area('orphan', null, 'section')]]) {
      const zones = siteTimeZones(areas);
      expect(zones.tenantZone).toBe('UTC');
      expect(zones.zoneOf('orphan')).toBe('UTC');
    }
  });

  it('writes an instant as the wall clock of the zone with its offset, across a DST change', () => {
    expect(isoInSiteZone('2026-10-25T00:30:00.000Z', 'Europe/London')).toBe('2026-10-25T01:30:00+01:00');
    expect(isoInSiteZone('2026-10-25T01:30:00.000Z', 'Europe/London')).toBe('2026-10-25T01:30:00+00:00');
  });
});

describe('the offset cache used for writing many times of one zone', () => {
  it.each(['America/Chicago', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns'])('gives the exact offset at every minute around the changes of %s', (zone) => {
    const cached = offsetCache(zone);
    // Two years in steps of 7 minutes and 13 seconds: every change of offset is crossed.
    for (let instant = Date.UTC(2025, 0, 1); instant < Date.UTC(2027, 0, 1); instant += 433_000) {
      if (cached(instant) !== offsetMinutes(instant, zone)) throw new Error(`${zone} at ${new Date(instant).toISOString()}`);
    }
  });
});
