import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataset, insertAll } from '../../../../bench/store.bench';
import { openStoreDatabase, type SqliteDatabase } from '../../../../main/core/store/open';
import { listLogEntries, type ShiftLogFilter } from '../../../../main/core/store/queries/shift-logs';
import type { LogEntryRow } from '../../../../main/core/store/rows';
import { orgScope } from '../../../../main/core/store/scope';
import type { LogEntrySort } from '../../../../shared/views';

// Every order the entry list offers is walked along an index, page after page: a plan that
// sorted every matching entry for each page would cost a million-entry cache seconds per page.
// The entry indexes end at the row number, which breaks ties (migration 0012).
const scopes = { shiftLog: orgScope, logEntry: orgScope };
let dir: string;
let db: SqliteDatabase;
const entries: LogEntryRow[] = [];
/** The SQL and parameters of each entry-list statement run, as prepared through the store. */
const ran: { sql: string; params: unknown[] }[] = [];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'plantdesk-plans-'));
  db = openStoreDatabase({ path: path.join(dir, 'cache.db'), cipher: { kind: 'encrypted', dataKey: randomBytes(32) } });
  const data = dataset(3_000);
  for (const { entries: more } of data.shiftLogs()) entries.push(...more);
  insertAll([{ label: 'test', db, ms: 0 }], data);
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    const statement = prepare(sql);
    if (!/FROM log_entry e\b/.test(sql)) return statement;
    return new Proxy(statement, {
      get: (target, key) =>
        key === 'all'
          ? (...params: unknown[]) => {
              ran.push({ sql, params });
              return target.all(...params);
            }
          : Reflect.get(target, key),
    });
  }) as typeof db.prepare;
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Two pages of the list, and the query plan of each page's statement. */
function twoPages(filter: ShiftLogFilter, sort?: LogEntrySort): { ids: string[]; plans: string[] } {
  ran.length = 0;
  const first = listLogEntries(db, scopes, filter, { limit: 40 }, sort);
  expect(first.next).not.toBeNull();
  const second = listLogEntries(db, scopes, filter, { limit: 40, after: first.next }, sort);
  const plans = ran.map(({ sql, params }) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((step) => step.detail).join('; '),
  );
  return { ids: [...first.items, ...second.items].map((entry) => entry.id), plans };
}

const area = () => entries[0].area_id;
const author = () => entries[0].author_id;
/** Entries in the order they went into the cache: their row numbers' order. */
let arrival: Map<string, number> | null = null;
const byKeyThenRow = (key: (entry: LogEntryRow) => string | number, dir: 1 | -1) => {
  return (a: LogEntryRow, b: LogEntryRow) => {
    const rowOf = (arrival ??= new Map(entries.map((entry, i) => [entry.id, i])));
    const [ka, kb] = [key(a), key(b)];
    if (ka !== kb) return (ka < kb ? -1 : 1) * dir;
    return (rowOf.get(a.id)! - rowOf.get(b.id)!) * dir;
  };
};
const severityRank = { info: 0, low: 1, medium: 2, high: 3, critical: 4 } as const;

describe('the entry list walks an index in every order it offers', () => {
  const cases: { name: string; filter: () => ShiftLogFilter; sort?: LogEntrySort; index: string; order: (a: LogEntryRow, b: LogEntryRow) => number; keep?: (entry: LogEntryRow) => boolean }[] = [
    { name: 'newest first', filter: () => ({}), index: 'log_entry_by_occurred', order: byKeyThenRow((e) => e.occurred_at, -1) },
    { name: 'newest first in one area', filter: () => ({ areaIds: [area()] }), index: 'log_entry_by_area', order: byKeyThenRow((e) => e.occurred_at, -1), keep: (e) => e.area_id === area() },
    { name: 'newest first by one author', filter: () => ({ authorIds: [author()] }), index: 'log_entry_by_author', order: byKeyThenRow((e) => e.occurred_at, -1), keep: (e) => e.author_id === author() },
    { name: 'oldest first', filter: () => ({}), sort: { by: 'occurredAt', dir: 'asc' }, index: 'log_entry_by_occurred', order: byKeyThenRow((e) => e.occurred_at, 1) },
    { name: 'by recorded time, newest first', filter: () => ({}), sort: { by: 'recordedAt', dir: 'desc' }, index: 'log_entry_by_recorded', order: byKeyThenRow((e) => e.recorded_at, -1) },
    { name: 'by recorded time, oldest first', filter: () => ({}), sort: { by: 'recordedAt', dir: 'asc' }, index: 'log_entry_by_recorded', order: byKeyThenRow((e) => e.recorded_at, 1) },
    { name: 'by severity, highest first', filter: () => ({}), sort: { by: 'severity', dir: 'desc' }, index: 'log_entry_by_severity_rank', order: byKeyThenRow((e) => severityRank[e.severity], -1) },
    { name: 'by severity, lowest first', filter: () => ({}), sort: { by: 'severity', dir: 'asc' }, index: 'log_entry_by_severity_rank', order: byKeyThenRow((e) => severityRank[e.severity], 1) },
  ];
  for (const { name, filter, sort, index, order, keep } of cases) {
    it(`${name}: along ${index}, never sorting the matches, ties by arrival`, () => {
      const { ids, plans } = twoPages(filter(), sort);
      expect(plans).toHaveLength(2);
      for (const plan of plans) {
        expect(plan).toContain(index);
        expect(plan).not.toContain('TEMP B-TREE');
      }
      const expected = entries.filter(keep ?? (() => true)).sort(order).slice(0, 80).map((entry) => entry.id);
      expect(ids).toEqual(expected);
    });
  }
});
