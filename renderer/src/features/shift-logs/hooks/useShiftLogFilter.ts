import { useCallback, useMemo } from 'react';
import type { ShiftLogFilterInput } from '../../../../../shared/views';
import { navigate, useRoute } from '../../../lib/router';
import { filterFromQuery, filterToQuery } from '../../../lib/shift-log-filter-url';
import { viewQueryKeys } from './useShiftLogView';

/** The list's filter lives in the URL hash (one codec), so a view can be reopened or exported. */
export function useShiftLogFilter(): [ShiftLogFilterInput, (next: ShiftLogFilterInput) => void] {
  const route = useRoute();
  const filter = useMemo(() => filterFromQuery(route.query), [route.query]);
  const setFilter = useCallback(
    (next: ShiftLogFilterInput) => {
      const cleaned = Object.fromEntries(Object.entries(next).filter(([, value]) => value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0)));
      // The view and the sorts are not filter; a new filter keeps them.
      const kept = new URLSearchParams();
      for (const key of viewQueryKeys) {
        const value = route.query.get(key);
        if (value !== null) kept.set(key, value);
      }
      navigate('shift-logs', null, filterToQuery(cleaned as ShiftLogFilterInput, kept), { replace: true });
    },
    [route.query],
  );
  return [filter, setFilter];
}
