import { useCallback, useMemo } from 'react';
import { LogEntrySortSchema, ShiftLogSortSchema, type LogEntrySort, type ShiftLogSort } from '../../../../../shared/views';
import { navigate, useRoute } from '../../../lib/router';
import { usePermissions } from '../../../workstation/access';

export const shiftLogViews = ['toSign', 'all', 'entries'] as const;
export type ShiftLogView = (typeof shiftLogViews)[number];

/** The URL keys of the view and of each list's sort, kept when the filter changes. */
export const viewQueryKeys = ['view', 'logSort', 'entrySort'] as const;

function sortFromQuery<S>(value: string | null, schema: { safeParse(input: unknown): { success: true; data: S } | { success: false } }): S | undefined {
  if (!value) return undefined;
  const [by, dir] = value.split('.');
  const parsed = schema.safeParse({ by, dir });
  return parsed.success ? parsed.data : undefined;
}

/**
 * Which list the screen shows (to sign, all logs, entries) and how each is sorted, in the URL
 * hash beside the filter, so a view can be reopened. Without a view in the URL, a person who may
 * sign anything starts on the logs waiting for them; others on all logs.
 */
export function useShiftLogView() {
  const route = useRoute();
  const permissions = usePermissions();
  const requested = route.query.get('view');
  const view: ShiftLogView | null = (shiftLogViews as readonly string[]).includes(requested ?? '')
    ? (requested as ShiftLogView)
    : permissions.access === undefined
      ? null
      : permissions.can('sign', 'shift_log')
        ? 'toSign'
        : 'all';
  const logSort = useMemo(() => sortFromQuery<ShiftLogSort>(route.query.get('logSort'), ShiftLogSortSchema), [route.query]);
  const entrySort = useMemo(() => sortFromQuery<LogEntrySort>(route.query.get('entrySort'), LogEntrySortSchema), [route.query]);

  const setQuery = useCallback(
    (key: (typeof viewQueryKeys)[number], value: string | null) => {
      const next = new URLSearchParams(route.query);
      if (value === null) next.delete(key);
      else next.set(key, value);
      navigate('shift-logs', null, next, { replace: true });
    },
    [route.query],
  );
  return {
    view,
    setView: useCallback((next: ShiftLogView) => setQuery('view', next), [setQuery]),
    logSort,
    setLogSort: useCallback((next: ShiftLogSort) => setQuery('logSort', `${next.by}.${next.dir}`), [setQuery]),
    entrySort,
    setEntrySort: useCallback((next: LogEntrySort | null) => setQuery('entrySort', next && `${next.by}.${next.dir}`), [setQuery]),
  };
}
