import type { SqliteDatabase } from '../open';
import type { Page } from '../paging';
import { all, inListSql } from './statements';

/**
 * The shift (name and date) of each entry on a page of the entry list, in one query per page:
 * a row of the list names its shift, and a page of 500 entries spans a handful of logs.
 */
export function withShiftOfEntries<T extends { shift_log_id: string }>(
  db: SqliteDatabase,
  page: Page<T>,
): Page<T & { shift_name: string | null; shift_date: string | null }> {
  const ids = [...new Set(page.items.map((entry) => entry.shift_log_id))];
  const shifts = new Map<string, { shift_name: string; shift_date: string }>();
  if (ids.length > 0) {
    const sql = `SELECT id, shift_name, shift_date FROM shift_log WHERE ${inListSql('id', ids.length)}`;
    const rows = all<{ id: string; shift_name: string; shift_date: string }>(db, sql, ids.length > 200 ? [JSON.stringify(ids)] : ids);
    for (const row of rows) shifts.set(row.id, row);
  }
  return {
    ...page,
    items: page.items.map((entry) => {
      const shift = shifts.get(entry.shift_log_id);
      return { ...entry, shift_name: shift?.shift_name ?? null, shift_date: shift?.shift_date ?? null };
    }),
  };
}
