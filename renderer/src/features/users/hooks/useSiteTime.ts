import { useQuery } from '@tanstack/react-query';
import { formatDateTime } from '../../../i18n/format';
import { useLocaleStore } from '../../../i18n/i18n';
import { areasQuery, type AreaView } from '../api/queries';

/** The workstation's own zone: used only when the tenant has no site with a zone. */
export const workstationZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * People and sessions belong to the organisation, not to one area, so their times are shown in
 * the zone of the tenant's (first) site, named; the workstation zone only when no site has one.
 */
export function siteZoneOf(areas: readonly AreaView[] | undefined): string {
  return areas?.find((area) => area.kind === 'site' && area.time_zone)?.time_zone ?? workstationZone();
}

export function useSiteTime(): { zone: string; format: (iso: string) => string } {
  const areas = useQuery(areasQuery());
  const locale = useLocaleStore((state) => state.locale);
  const zone = siteZoneOf(areas.data);
  return { zone, format: (iso) => formatDateTime(iso, locale, zone) };
}
