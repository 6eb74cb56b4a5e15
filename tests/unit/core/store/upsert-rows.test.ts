import { afterEach, describe, expect, it } from 'vitest';
import { listLogEntries } from '../../../../main/core/store/queries/shift-logs';
import { orgScope } from '../../../../main/core/store/scope';
import { upsertRows, type WritableRow } from '../../../../main/core/store/writes';
import { tempStore } from './fixture';

/**
 * upsertRows cuts a run of rows into multi-row statements of up to SQLite's parameter limit
 * (about 2,000 log entries each). Every row, every value and every full-text row must come out
 * the same whatever the cut.
 */
let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

function entry(i: number, overrides: Partial<WritableRow<'log_entry'>> = {}): WritableRow<'log_entry'> {
  return {
    id: `e-${String(i).padStart(5, '0')}`,
    shift_log_id: 's-1',
    area_id: 'a-1',
    equipment_tag: i % 3 === 0 ? null : `P-${i}`,
    category: 'operations',
    severity: 'low',
    body: `reading ${i} word${i}`,
    occurred_at: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
    recorded_at: new Date(Date.UTC(2024, 0, 1) + i * 60_000 + 1_000).toISOString(),
    author_id: 'u-1',
    late: (i % 7 === 0) as unknown as 0 | 1,
    version: 1,
    ...overrides,
  };
}

describe('upsertRows in multi-row statements', () => {
  it('writes every row of a run longer than one statement, with its values, and indexes each', () => {
    const store = tempStore();
    cleanups.push(store.cleanup);
    const rows = Array.from({ length: 5_003 }, (_, i) => entry(i));
    store.db.transaction(() => upsertRows(store.db, 'log_entry', rows))();
    const stored = store.db.prepare('SELECT id, equipment_tag, body, late, version FROM log_entry ORDER BY id').all() as Record<string, unknown>[];
    expect(stored).toHaveLength(5_003);
    for (const [i, row] of stored.entries()) {
      expect(row).toEqual({ id: rows[i].id, equipment_tag: rows[i].equipment_tag, body: rows[i].body, late: i % 7 === 0 ? 1 : 0, version: 1 });
    }
    // The last row of the last statement is searchable like the first of the first.
    const scopes = { shiftLog: orgScope, logEntry: orgScope };
    expect(listLogEntries(store.db, scopes, { text: 'word5002' }, { limit: 5 }).items.map((e) => e.id)).toEqual(['e-05002']);
    expect(listLogEntries(store.db, scopes, { text: 'word0' }, { limit: 5 }).items.map((e) => e.id)).toEqual(['e-00000']);
  });

  it('updates rows already held and inserts new ones in the same run, and keeps runs of other columns apart', () => {
    const store = tempStore();
    cleanups.push(store.cleanup);
    store.db.transaction(() => upsertRows(store.db, 'log_entry', Array.from({ length: 3_000 }, (_, i) => entry(i))))();
    const second = [
      ...Array.from({ length: 2_500 }, (_, i) => entry(i + 1_000, { body: `amended ${i + 1_000}`, version: 2 })),
      // No equipment tag column at all: a run of its own, which leaves the column as it was.
      { ...entry(10), body: 'no tag column' } as WritableRow<'log_entry'>,
    ];
    delete (second[second.length - 1] as Record<string, unknown>).equipment_tag;
    store.db.transaction(() => upsertRows(store.db, 'log_entry', second))();
    const count = store.db.prepare('SELECT count(*) AS n, sum(version = 2) AS v2 FROM log_entry').get();
    expect(count).toEqual({ n: 3_500, v2: 2_500 });
    expect(store.db.prepare("SELECT body, equipment_tag FROM log_entry WHERE id = 'e-00010'").get()).toEqual({ body: 'no tag column', equipment_tag: 'P-10' });
    expect(store.db.prepare("SELECT body FROM log_entry WHERE id = 'e-03499'").get()).toEqual({ body: 'amended 3499' });
  });
});
