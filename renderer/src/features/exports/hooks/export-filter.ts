import { exportModuleSpecs, type ExportFilterOf, type ExportModule, type ExportSelection } from '../../../../../shared/exports';
import type { ShiftLogFilterInput } from '../../../../../shared/views';
import { filterFromQuery, filterToQuery } from '../../../lib/shift-log-filter-url';

/**
 * The export's filter lives in the URL (`#/exports?module=shift-logs&severities=high`), so
 * "Export this view" on another screen is a link, and the page can be reopened as it was.
 * The shift-log filter uses the app's one codec; the other modules use the same conventions
 * (lists comma-separated, booleans 1/0, text as `q`), each parsed field by field with the
 * module's filter schema (shared/exports.ts), so a stale or hand-edited URL only loses the
 * field that no longer parses.
 */
export type ExportFilter = Record<string, unknown>;

type OtherModule = Exclude<ExportModule, 'shift-logs'>;

/** Where each filter member of the other modules sits in the URL. */
const otherLayouts: Record<OtherModule, { lists: string[]; values: string[]; booleans: string[]; text?: string }> = {
  audit: { lists: ['actorIds', 'entities', 'actions'], values: ['from', 'to', 'entityId'], booleans: [] },
  users: { lists: ['statuses', 'userIds'], values: [], booleans: [], text: 'text' },
  sessions: { lists: ['userIds'], values: [], booleans: ['active'] },
};

function otherFilterFromQuery<M extends OtherModule>(module: M, query: URLSearchParams): ExportFilterOf<M> {
  const layout = otherLayouts[module];
  const candidate: Record<string, unknown> = {};
  for (const key of layout.lists) {
    const value = query.get(key);
    if (value) candidate[key] = value.split(',').filter(Boolean);
  }
  for (const key of layout.values) {
    const value = query.get(key);
    if (value) candidate[key] = value;
  }
  for (const key of layout.booleans) {
    const value = query.get(key);
    if (value === '1' || value === '0') candidate[key] = value === '1';
  }
  const text = query.get('q');
  if (layout.text && text) candidate[layout.text] = text;
  const filter: ExportFilter = {};
  for (const [key, value] of Object.entries(candidate)) {
    const parsed = exportModuleSpecs[module].filter.safeParse({ [key]: value });
    if (parsed.success) Object.assign(filter, parsed.data);
  }
  // Every member was parsed by the module's schema, whose members are all optional.
  return compactFilter(filter) as ExportFilterOf<M>;
}

/** The module with its filter from the URL, typed together as the exports.start request takes them. */
export function exportSelectionFromQuery(module: ExportModule, query: URLSearchParams): ExportSelection {
  switch (module) {
    case 'shift-logs':
      return { module, filter: compactFilter(filterFromQuery(query)) };
    case 'audit':
      return { module, filter: otherFilterFromQuery(module, query) };
    case 'users':
      return { module, filter: otherFilterFromQuery(module, query) };
    case 'sessions':
      return { module, filter: otherFilterFromQuery(module, query) };
  }
}

export function exportQueryFor(module: ExportModule, filter: ExportFilter): URLSearchParams {
  const query = new URLSearchParams({ module });
  if (module === 'shift-logs') return filterToQuery(filter as ShiftLogFilterInput, query);
  const layout = otherLayouts[module];
  for (const key of layout.lists) {
    const list = filter[key];
    if (Array.isArray(list) && list.length > 0) query.set(key, list.join(','));
  }
  for (const key of layout.values) {
    const value = filter[key];
    if (typeof value === 'string' && value) query.set(key, value);
  }
  for (const key of layout.booleans) {
    const value = filter[key];
    if (typeof value === 'boolean') query.set(key, value ? '1' : '0');
  }
  const text = layout.text ? filter[layout.text] : undefined;
  if (typeof text === 'string' && text) query.set('q', text);
  return query;
}

/** Drops empty members, so `{ severities: [] }` and `{ text: '' }` mean "no condition". */
export function compactFilter<F extends ExportFilter>(filter: F): F {
  const compact: ExportFilter = {};
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) continue;
    compact[key] = value;
  }
  // Only optional members were dropped.
  return compact as F;
}
