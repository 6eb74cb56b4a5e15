import { ShiftLogFilterSchema, type ShiftLogFilterInput } from '../../../shared/views';

/**
 * The shift-log filter in a URL query, one codec for every screen that shows or exports
 * "the current view": lists are comma-separated, booleans are `1`/`0`, text is `q`.
 * A hand-edited or stale URL never breaks the screen: what does not parse is dropped.
 */
const listKeys = ['areaIds', 'shiftNames', 'statuses', 'severities', 'categories', 'authorIds'] as const;
const valueKeys = ['shiftDateFrom', 'shiftDateTo', 'occurredFrom', 'occurredBefore'] as const;
const booleanKeys = ['late', 'amendedAfterSignoff'] as const;

export function filterToQuery(filter: ShiftLogFilterInput, into = new URLSearchParams()): URLSearchParams {
  for (const key of listKeys) {
    const list = filter[key];
    if (list && list.length > 0) into.set(key, list.join(','));
  }
  for (const key of valueKeys) if (filter[key]) into.set(key, filter[key]);
  for (const key of booleanKeys) if (filter[key] !== undefined) into.set(key, filter[key] ? '1' : '0');
  if (filter.text) into.set('q', filter.text);
  return into;
}

export function filterFromQuery(query: URLSearchParams): ShiftLogFilterInput {
  const candidate: Record<string, unknown> = {};
  for (const key of listKeys) {
    const value = query.get(key);
    if (value) candidate[key] = value.split(',').filter(Boolean);
  }
  for (const key of valueKeys) {
    const value = query.get(key);
    if (value) candidate[key] = value;
  }
  for (const key of booleanKeys) {
    const value = query.get(key);
    if (value === '1' || value === '0') candidate[key] = value === '1';
  }
  const text = query.get('q');
  if (text) candidate.text = text;
  // Field by field, so one bad value costs only that field.
  const filter: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(candidate)) {
    const parsed = ShiftLogFilterSchema.safeParse({ [key]: value });
    if (parsed.success) Object.assign(filter, parsed.data);
  }
  return filter as ShiftLogFilterInput;
}
