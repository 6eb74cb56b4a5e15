import { AuditFilterSchema, SessionFilterSchema, UserFilterSchema } from '../../../../../shared/views';
import type { z } from 'zod';
import { filterFromQuery, filterToQuery } from '../../../lib/shift-log-filter-url';
import type { ShiftLogFilterInput } from '../../../../../shared/views';

/**
 * The export's filter lives in the URL (`#/exports?module=shift-logs&severities=high`), so
 * "Export this view" on another screen is a link, and the page can be reopened as it was.
 * The shift-log filter uses the app's one codec; the other modules use the same conventions
 * (lists comma-separated, booleans 1/0, text as `q`), each parsed field by field so a stale
 * or hand-edited URL only loses the field that no longer parses.
 */
export const exportModules = ['shift-logs', 'audit', 'users', 'sessions'] as const;
export type ExportModule = (typeof exportModules)[number];

export type ExportFilter = Record<string, unknown>;

const otherCodecs: Record<Exclude<ExportModule, 'shift-logs'>, { schema: z.ZodObject; lists: string[]; values: string[]; booleans: string[]; text?: string }> = {
  audit: { schema: AuditFilterSchema, lists: ['actorIds', 'entities', 'actions'], values: ['from', 'to', 'entityId'], booleans: [] },
  users: { schema: UserFilterSchema, lists: ['statuses', 'userIds'], values: [], booleans: [], text: 'text' },
  sessions: { schema: SessionFilterSchema, lists: ['userIds'], values: [], booleans: ['active'] },
};

export function isExportModule(value: unknown): value is ExportModule {
  return typeof value === 'string' && (exportModules as readonly string[]).includes(value);
}

export function exportFilterFromQuery(module: ExportModule, query: URLSearchParams): ExportFilter {
  if (module === 'shift-logs') return filterFromQuery(query);
  const codec = otherCodecs[module];
  const candidate: Record<string, unknown> = {};
  for (const key of codec.lists) {
    const value = query.get(key);
    if (value) candidate[key] = value.split(',').filter(Boolean);
  }
  for (const key of codec.values) {
    const value = query.get(key);
    if (value) candidate[key] = value;
  }
  for (const key of codec.booleans) {
    const value = query.get(key);
    if (value === '1' || value === '0') candidate[key] = value === '1';
  }
  const text = query.get('q');
  if (codec.text && text) candidate[codec.text] = text;
  const filter: ExportFilter = {};
  for (const [key, value] of Object.entries(candidate)) {
    const parsed = codec.schema.safeParse({ [key]: value });
    if (parsed.success) Object.assign(filter, parsed.data);
  }
  return filter;
}

export function exportQueryFor(module: ExportModule, filter: ExportFilter): URLSearchParams {
  const query = new URLSearchParams({ module });
  if (module === 'shift-logs') return filterToQuery(filter as ShiftLogFilterInput, query);
  const codec = otherCodecs[module];
  for (const key of codec.lists) {
    const list = filter[key];
    if (Array.isArray(list) && list.length > 0) query.set(key, list.join(','));
  }
  for (const key of codec.values) {
    const value = filter[key];
    if (typeof value === 'string' && value) query.set(key, value);
  }
  for (const key of codec.booleans) {
    const value = filter[key];
    if (typeof value === 'boolean') query.set(key, value ? '1' : '0');
  }
  const text = codec.text ? filter[codec.text] : undefined;
  if (typeof text === 'string' && text) query.set('q', text);
  return query;
}

/** Drops empty members, so `{ severities: [] }` and `{ text: '' }` mean "no condition". */
export function compactFilter(filter: ExportFilter): ExportFilter {
  const compact: ExportFilter = {};
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) continue;
    compact[key] = value;
  }
  return compact;
}
