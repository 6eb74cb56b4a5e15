import { useQuery } from '@tanstack/react-query';
import type { CallResponse } from '../../../../../shared/contract';
import { syncAreasQuery } from '../api/queries';

export type Areas = CallResponse<'areas.list'>;

/**
 * Times on this page are shown in the plant site's zone, named (DOMAIN.md): the first site of
 * the tree that names a zone; UTC until the areas are known. The areas also name area ids.
 */
export function useSiteContext(): { timeZone: string; areas: Areas | undefined } {
  const areas = useQuery(syncAreasQuery());
  return { timeZone: areas.data?.find((area) => area.kind === 'site' && area.time_zone)?.time_zone ?? 'UTC', areas: areas.data };
}
