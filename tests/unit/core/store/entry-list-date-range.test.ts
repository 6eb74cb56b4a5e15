import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataset, insertAll } from '../../../../bench/store.bench';
import { openStoreDatabase, type SqliteDatabase } from '../../../../main/core/store/open';
import { entriesPerDay, openStartWindowDays } from '../../../../main/core/store/queries/entry-stats';
import { listLogEntries, type ShiftLogFilter } from '../../../../main/core/store/queries/shift-logs';
import type { LogEntryRow, ShiftLogRow } from '../../../../main/core/store/rows';
import { orgScope } from '../../../../main/core/store/scope';

// A shift-date range picks its logs first (plan chosen by the number of logs in the range);
// the rows and their order must be those of the plain definition.
const scopes = { shiftLog: orgScope, logEntry: orgScope };
let db: SqliteDatabase;
const logs: ShiftLogRow[] = [];
const entries: LogEntryRow[] = [];

beforeAll(() => {
  db = openStoreDatabase({ path: path.join(mkdtempSync(path.join(tmpdir(), 'plantdesk-range-')), 'cache.db'), cipher: { kind: 'encrypted', dataKey: randomBytes(32) } });
  const data = dataset(6_000);
  for (const { log, entries: more } of data.shiftLogs()) {
    logs.push(log);
    entries.push(...more);
  }
  insertAll([{ label: 'test', db, ms: 0 }], data);
});

function everyPage(filter: ShiftLogFilter): string[] {
  const ids: string[] = [];
  let after: string | null = null;
  do {
    const page = listLogEntries(db, scopes, filter, { limit: 97, after });
    ids.push(...page.items.map((entry) => entry.id));
    after = page.next;
  } while (after);
  return ids;
}

const dateOf = (entry: LogEntryRow) => logs.find((log) => log.id === entry.shift_log_id)!.shift_date;

describe('the entry list over a shift-date range', () => {
  it('gives the range entries, newest first, across pages', () => {
    const [from, to] = ['2021-01-02', '2021-01-03'];
    const expected = entries
      .filter((entry) => dateOf(entry) >= from && dateOf(entry) <= to)
      .sort((a, b) => (a.occurred_at === b.occurred_at ? b.id.localeCompare(a.id) : b.occurred_at.localeCompare(a.occurred_at)))
      .map((entry) => entry.id);
    expect(expected.length).toBeGreaterThan(500);
    expect(everyPage({ shiftDateFrom: from, shiftDateTo: to })).toEqual(expected);
  });

  it('with text too: the range entries whose text matches, in the order of the text search alone', () => {
    const word = entries[0].body.split(' ')[0];
    const [from, to] = ['2021-01-02', '2021-01-04'];
    const byId = new Map(entries.map((entry) => [entry.id, entry]));
    // The text search without a range (the full-text index's own plan), then the range.
    const expected = everyPage({ text: word }).filter((id) => dateOf(byId.get(id)!) >= from && dateOf(byId.get(id)!) <= to);
    expect(expected.length).toBeGreaterThan(0);
    expect(everyPage({ shiftDateFrom: from, shiftDateTo: to, text: word })).toEqual(expected);
  });

  it('counts the chart with text from the same rows', () => {
    const word = entries[0].body.split(' ')[0];
    const stats = entriesPerDay(db, scopes, { text: word, shiftDateTo: '2021-01-04' });
    const counted = stats.days.reduce((sum, day) => sum + day.count, 0);
    const byId = new Map(entries.map((entry) => [entry.id, entry]));
    const expected = everyPage({ text: word }).filter((id) => dateOf(byId.get(id)!) >= stats.from! && dateOf(byId.get(id)!) <= '2021-01-04').length;
    expect(counted).toBe(expected);
  });

  it("charts the filter's own dates; without a first date, the newest month up to the filter's or the data's end", () => {
    const dates = logs.map((log) => log.shift_date).sort();
    const [oldest, newest] = [dates[0], dates.at(-1)!];
    expect(oldest).not.toBe(newest);
    const monthStart = new Date(Date.parse(`${newest}T00:00:00Z`) - (openStartWindowDays - 1) * 86_400_000).toISOString().slice(0, 10);
    const start = oldest > monthStart ? oldest : monthStart;
    const whole = entriesPerDay(db, scopes, {});
    expect([whole.from, whole.to]).toEqual([start, newest]);
    const inWindow = entries.filter((entry) => dateOf(entry) >= start).length;
    expect(whole.days.reduce((sum, day) => sum + day.count, 0)).toBe(inWindow);
    const toOnly = entriesPerDay(db, scopes, { shiftDateTo: '2021-01-02' });
    expect(toOnly.to).toBe('2021-01-02');
    const fromOnly = entriesPerDay(db, scopes, { shiftDateFrom: '2021-01-03' });
    expect([fromOnly.from, fromOnly.to]).toEqual(['2021-01-03', newest]);
    const both = entriesPerDay(db, scopes, { shiftDateFrom: '2020-12-01', shiftDateTo: '2021-01-02' });
    expect([both.from, both.to]).toEqual(['2020-12-01', '2021-01-02']);
  });
});
