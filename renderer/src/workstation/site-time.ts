import { useMemo } from 'react';
import { siteTimeZones, type SiteTimeZones } from '../../../shared/site-time';
import { formatDateTime } from '../i18n/format';
import { useLocaleStore } from '../i18n/i18n';
import { useAreas } from './areas';

export interface SiteTime extends SiteTimeZones {
  /** While the area tree is first read, every zone is the fallback (UTC); a screen may wait for it. */
  isPending: boolean;
  /** Date and time with the zone named: in the area's site zone, or the tenant's without an area. */
  format(iso: string, areaId?: string | null): string;
}

/**
 * The one site-time rule for the window (shared/site-time.ts): times are shown in the zone of the
 * site they belong to, the tenant's first site for the rest, UTC while no site zone is known;
 * never the workstation's own zone.
 */
export function useSiteTime(): SiteTime {
  const areas = useAreas();
  const locale = useLocaleStore((state) => state.locale);
  return useMemo(() => {
    const zones = siteTimeZones(areas.data);
    return { ...zones, isPending: areas.isPending, format: (iso, areaId) => formatDateTime(iso, locale, zones.zoneOf(areaId)) };
  }, [areas.data, areas.isPending, locale]);
}
