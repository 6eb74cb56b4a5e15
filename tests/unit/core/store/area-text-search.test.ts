import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteDatabase } from '../../../../main/core/store/open';
import { entriesPerDay } from '../../../../main/core/store/queries/entry-stats';
import { listLogEntries, type ShiftLogFilter, type ShiftLogScopes } from '../../../../main/core/store/queries/shift-logs';
import { orgScope } from '../../../../main/core/store/scope';
import { upsertRows } from '../../../../main/core/store/writes';
import { seedPlant, tempStore } from './fixture';

// Text search within areas narrows the FTS match by the area's indexed name; these pin that it
// only ever narrows: the answer equals "text matches, then keep the areas" in every case.
let store: ReturnType<typeof tempStore>;
let db: SqliteDatabase;
const org: ShiftLogScopes = { shiftLog: orgScope, logEntry: orgScope };

const entry = (id: string, shiftLog: string, area: string, body: string, at: string) => ({
  id,
  shift_log_id: shiftLog,
  area_id: area,
  equipment_tag: null,
  category: 'operations' as const,
  severity: 'info' as const,
  body,
  occurred_at: at,
  recorded_at: at,
  author_id: 'u-bob',
});

beforeAll(() => {
  store = tempStore();
  db = store.db;
  seedPlant(db);
  db.transaction(() => {
    // A second area with the same name as a-boiler, and an area this workstation does not know.
    upsertRows(db, 'area', [{ id: 'a-boiler-2', parent_id: 'a-site', kind: 'area', name: 'Boiler House' }]);
    upsertRows(db, 'shift_log', [
      { id: 's9', area_id: 'a-boiler-2', shift_date: '2024-03-04', shift_name: 'Day', crew: 'A', starts_at: '2024-03-04T06:00:00.000Z', ends_at: '2024-03-04T18:00:00.000Z', status: 'open', created_by: 'u-bob' },
      { id: 's10', area_id: 'a-ghost', shift_date: '2024-03-04', shift_name: 'Day', crew: 'A', starts_at: '2024-03-04T06:00:00.000Z', ends_at: '2024-03-04T18:00:00.000Z', status: 'open', created_by: 'u-bob' },
    ]);
    upsertRows(db, 'log_entry', [
      entry('e90', 's9', 'a-boiler-2', 'Pump two started in the twin boiler house', '2024-03-04T07:00:00.000Z'),
      entry('e91', 's10', 'a-ghost', 'Pump alarm in an area not on this workstation', '2024-03-04T08:00:00.000Z'),
    ]);
  })();
});
afterAll(() => store.cleanup());

function ids(filter: ShiftLogFilter): string[] {
  const found: string[] = [];
  let after: string | null = null;
  do {
    const page = listLogEntries(db, org, filter, { limit: 2, after });
    found.push(...page.items.map((item) => item.id));
    after = page.next;
  } while (after);
  return found;
}

function reference(text: string, areaIds: string[]): string[] {
  const matches = listLogEntries(db, org, { text }, { limit: 500 }).items;
  return matches.filter((item) => areaIds.includes(item.area_id)).map((item) => item.id);
}

describe('text search within areas', () => {
  it.each([
    ['one area', 'pump', ['a-boiler']],
    ['the twin area of the same name', 'pump', ['a-boiler-2']],
    ['both areas of the same name', 'pump', ['a-boiler', 'a-boiler-2']],
    ['an area with no local name', 'pump', ['a-ghost']],
    ['a known and an unknown area', 'pump', ['a-boiler', 'a-ghost']],
    ['a prefix search', 'vib', ['a-boiler']],
    ['a word in the area name itself', 'boiler', ['a-tank']],
  ])('%s gives the text matches of exactly those areas, across pages', (_name, text, areaIds) => {
    expect(ids({ text, areaIds })).toEqual(reference(text, areaIds));
  });

  it('finds entries of the area it was asked for, not of another area of the same name', () => {
    expect(ids({ text: 'pump', areaIds: ['a-boiler-2'] })).toEqual(['e90']);
    expect(ids({ text: 'pump', areaIds: ['a-boiler'] })).not.toContain('e90');
  });

  it('the per-day chart counts the same rows', () => {
    const stats = entriesPerDay(db, org, { text: 'pump', areaIds: ['a-boiler', 'a-boiler-2'], shiftDateFrom: '2024-03-01', shiftDateTo: '2024-03-04' });
    const counted = stats.days.reduce((sum, day) => sum + day.count, 0);
    expect(counted).toBe(reference('pump', ['a-boiler', 'a-boiler-2']).length);
  });
});
