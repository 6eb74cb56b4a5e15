import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import type { LogEntrySort, ShiftLogFilterInput, ShiftLogSort } from '../../../../../shared/views';
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
  entries: (filter: ShiftLogFilterInput, sort?: LogEntrySort) => [...shiftLogKeys.all, 'entries', filter, sort ?? null] as const,
  entryTotals: (filter: ShiftLogFilterInput) => [...shiftLogKeys.all, 'entry-totals', filter] as const,
  logs: (filter: ShiftLogFilterInput, waiting: boolean, sort?: ShiftLogSort) => [...shiftLogKeys.all, 'logs', filter, waiting, sort ?? null] as const,
  logTotals: (filter: ShiftLogFilterInput, waiting: boolean) => [...shiftLogKeys.all, 'log-totals', filter, waiting] as const,
  stats: (filter: ShiftLogFilterInput) => [...shiftLogKeys.all, 'stats', filter] as const,
  detail: (id: string) => [...shiftLogKeys.all, 'detail', id] as const,
};

export const entriesQuery = (filter: ShiftLogFilterInput, sort?: LogEntrySort) =>
  infiniteQueryOptions({
    queryKey: shiftLogKeys.entries(filter, sort),
    queryFn: ({ pageParam }) =>
      invoke('shiftLogs.entries', { filter, ...(sort ? { sort } : {}), page: { limit: pageParam === null ? firstEntryPageSize : entryPageSize, after: pageParam } }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next ?? undefined,
  });

export const statsQuery = (filter: ShiftLogFilterInput) =>
  queryOptions({ queryKey: shiftLogKeys.stats(filter), queryFn: () => invoke('shiftLogs.stats', { filter }) });

export const shiftLogQuery = (id: string) =>
  queryOptions({ queryKey: shiftLogKeys.detail(id), queryFn: () => invoke('shiftLogs.get', { id }) });


/** "N of M" of the entry list: counted by the core, not from the pages loaded. */
export const entryTotalsQuery = (filter: ShiftLogFilterInput) =>
  queryOptions({ queryKey: shiftLogKeys.entryTotals(filter), queryFn: () => invoke('shiftLogs.entryTotals', { filter }) });

/** Shift logs, or only those waiting for my sign-off; sorted by the core. */
export const logsQuery = (filter: ShiftLogFilterInput, waiting: boolean, sort?: ShiftLogSort) =>
  infiniteQueryOptions({
    queryKey: shiftLogKeys.logs(filter, waiting, sort),
    queryFn: ({ pageParam }) =>
      invoke('shiftLogs.list', {
        filter,
        ...(waiting ? { waitingForMySignature: true } : {}),
        ...(sort ? { sort } : {}),
        page: { limit: pageParam === null ? firstEntryPageSize : entryPageSize, after: pageParam },
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next ?? undefined,
  });

export const logTotalsQuery = (filter: ShiftLogFilterInput, waiting: boolean) =>
  queryOptions({ queryKey: shiftLogKeys.logTotals(filter, waiting), queryFn: () => invoke('shiftLogs.totals', { filter, ...(waiting ? { waitingForMySignature: true } : {}) }) });
