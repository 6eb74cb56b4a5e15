import type { SqliteDatabase } from '../open';
import type { EntrySeverity } from '../../../../shared/domain/plant';
import { logEntryConditions, type ShiftLogFilter, type ShiftLogScopes } from './shift-logs';
import { all, get } from './statements';

export interface EntriesPerDay {
  /** First and last shift date counted (YYYY-MM-DD, the site's calendar); null when nothing matches. */
  from: string | null;
  to: string | null;
  days: { day: string; severity: EntrySeverity; count: number }[];
}

/** Without a first date in the filter the chart shows the newest month up to the filter's or the data's end. */
export const openStartWindowDays = 31;

function addDays(day: string, delta: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + delta);
  return date.toISOString().slice(0, 10);
}

/**
 * Entries per shift date and severity for the same rows the entry list shows. A filter with a
 * first date is charted from it to its last date (the cache's newest where open). Without a first
 * date, the newest month up to the filter's last date or the data's newest: counting every entry
 * of a million-entry cache on each filter change took 1.3-2 s of the core's one thread and held up
 * the list's first page (measured by the ui-filter bench). The range is walked log by log
 * (shift_log_by_date, then log_entry_by_shift_log), so the cost follows the range, not the cache.
 */
export function entriesPerDay(db: SqliteDatabase, scopes: ShiftLogScopes, filter: ShiftLogFilter = {}): EntriesPerDay {
  const span = get<{ oldest: string | null; newest: string | null }>(db, 'SELECT min(shift_date) AS oldest, max(shift_date) AS newest FROM shift_log', []);
  const newest = filter.shiftDateTo ?? span?.newest ?? null;
  const windowStart = newest === null ? null : addDays(newest, -(openStartWindowDays - 1));
  const from = filter.shiftDateFrom ?? (windowStart !== null && span?.oldest ? (span.oldest > windowStart ? span.oldest : windowStart) : null);
  if (newest === null || from === null) return { from: null, to: null, days: [] };
  if (from > newest) return { from, to: newest, days: [] };
  const { match, where, params } = logEntryConditions(db, scopes, { ...filter, shiftDateFrom: from, shiftDateTo: newest });
  // The range is walked log by log (shift_log_by_date, then log_entry_by_shift_log), so the
  // cost follows the range, not the size of the cache.
  where.push('d.shift_date BETWEEN ? AND ?');
  params.push(from, newest);
  // With text too, the range drives and the matches are a set to test against: driving from
  // the index would visit every match of a common word in the whole cache (measured 1.1 s -> 0.1 s).
  if (match !== null) where[where.indexOf('log_entry_fts MATCH ?')] = 'e.row_no IN (SELECT rowid FROM log_entry_fts WHERE log_entry_fts MATCH ?)';
  // The covering index answers a range by severity without reading the entries' rows.
  const source = 'shift_log d CROSS JOIN log_entry e INDEXED BY log_entry_by_shift_log_time ON e.shift_log_id = d.id';
  const days = all<{ day: string; severity: EntrySeverity; count: number }>(
    db,
    `SELECT d.shift_date AS day, e.severity AS severity, count(*) AS count FROM ${source} WHERE ${where.join(' AND ')} ` +
      'GROUP BY d.shift_date, e.severity ORDER BY d.shift_date, e.severity',
    params,
  );
  return { from, to: newest, days };
}
