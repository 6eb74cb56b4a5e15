import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import type { ShiftLogFilterInput } from '../../../../../shared/views';
import { invoke } from '../../../lib/api';

/**
 * The first page after a filter change only has to fill the screen (a 4K list shows ~60 rows),
 * so it is small and comes back fast; the pages fetched while scrolling are the contract's
 * largest, for fewer round trips through a long list.
 */
export const firstEntryPageSize = 100;
export const entryPageSize = 500;

/** One key factory for the feature: every write invalidates `shiftLogKeys.all`. */
export const shiftLogKeys = {
  all: ['shift-logs'] as const,
  entries: (filter: ShiftLogFilterInput) => [...shiftLogKeys.all, 'entries', filter] as const,
  stats: (filter: ShiftLogFilterInput) => [...shiftLogKeys.all, 'stats', filter] as const,
  detail: (id: string) => [...shiftLogKeys.all, 'detail', id] as const,
};

export const entriesQuery = (filter: ShiftLogFilterInput) =>
  infiniteQueryOptions({
    queryKey: shiftLogKeys.entries(filter),
    queryFn: ({ pageParam }) => invoke('shiftLogs.entries', { filter, page: { limit: pageParam === null ? firstEntryPageSize : entryPageSize, after: pageParam } }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next ?? undefined,
  });

export const statsQuery = (filter: ShiftLogFilterInput) =>
  queryOptions({ queryKey: shiftLogKeys.stats(filter), queryFn: () => invoke('shiftLogs.stats', { filter }) });

export const shiftLogQuery = (id: string) =>
  queryOptions({ queryKey: shiftLogKeys.detail(id), queryFn: () => invoke('shiftLogs.get', { id }) });

