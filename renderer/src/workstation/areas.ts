import { queryOptions, useQuery } from '@tanstack/react-query';
import type { CallResponse } from '../../../shared/contract';
import { invoke } from '../lib/api';
import { workstationKeys } from './keys';

/** One area of the tenant's tree (site > section > area > unit), with its site's zone. */
export type AreaView = CallResponse<'areas.list'>[number];

/** Reference data every member sees; it changes only with a sync, which refreshes it. */
export const areasQuery = () => queryOptions({ queryKey: workstationKeys.areas(), queryFn: () => invoke('areas.list', {}), staleTime: 5 * 60_000 });

export const useAreas = () => useQuery(areasQuery());
