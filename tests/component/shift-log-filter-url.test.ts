import { describe, expect, it } from 'vitest';
import { filterFromQuery, filterToQuery } from '../../renderer/src/lib/shift-log-filter-url';

describe('the shift-log filter in the URL', () => {
  it('round-trips every kind of field', () => {
    const filter = {
      areaIds: ['a1', 'a2'],
      severities: ['high' as const, 'critical' as const],
      shiftDateFrom: '2026-10-01',
      shiftDateTo: '2026-10-31',
      late: true,
      amendedAfterSignoff: false,
      text: 'pump, seal & "leak"',
    };
    const query = filterToQuery(filter);
    expect(filterFromQuery(new URLSearchParams(query.toString()))).toEqual(filter);
  });

  it('drops only the fields that do not parse', () => {
    const filter = filterFromQuery(new URLSearchParams('severities=high,purple&shiftDateFrom=yesterday&q=valve&late=maybe'));
    expect(filter).toEqual({ text: 'valve' });
  });
});
