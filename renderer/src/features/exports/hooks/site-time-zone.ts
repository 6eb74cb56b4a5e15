import { useQuery } from '@tanstack/react-query';
import { exportAreasQuery } from '../api/queries';

/**
 * Times on this screen are shown in the plant site's zone, named (DOMAIN.md), never the
 * workstation's: the first site of the tree that names a zone; UTC until the areas are known.
 */
export function useSiteTimeZone(): string {
  const areas = useQuery(exportAreasQuery());
  return areas.data?.find((area) => area.kind === 'site' && area.time_zone)?.time_zone ?? 'UTC';
}
