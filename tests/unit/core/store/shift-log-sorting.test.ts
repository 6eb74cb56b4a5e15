import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logEntrySortColumns, shiftLogSortColumns, type LogEntrySort, type ShiftLogSort } from '../../../../shared/views';
import type { SqliteDatabase } from '../../../../main/core/store/open';
import type { LogEntryRow } from '../../../../main/core/store/rows';
import {
  countLogEntries,
  countShiftLogs,
  listLogEntries,
  listShiftLogs,
  type ShiftLogFilter,
  type ShiftLogListItem,
  type ShiftLogScopes,
  type SignatureWait,
} from '../../../../main/core/store/queries/shift-logs';
import { orgScope, type RowScope } from '../../../../main/core/store/scope';
import { upsertRows } from '../../../../main/core/store/writes';
import { seedPlant, tempStore } from './fixture';

let store: ReturnType<typeof tempStore>;
let db: SqliteDatabase;

beforeAll(() => {
  store = tempStore();
  db = store.db;
  seedPlant(db);
});
afterAll(() => store.cleanup());

const org: ShiftLogScopes = { shiftLog: orgScope, logEntry: orgScope };
const areas = (...areaIds: string[]): RowScope => ({ kind: 'rows', ownUserId: null, areaIds });
const directions = ['asc', 'desc'] as const;

function walkLogs(scopes: ShiftLogScopes, filter: ShiftLogFilter, limit: number, options: { sort?: ShiftLogSort; waiting?: SignatureWait | null } = {}): ShiftLogListItem[] {
  const rows: ShiftLogListItem[] = [];
  let after: string | null = null;
  do {
    const page = listShiftLogs(db, scopes, filter, { limit, after }, options);
    rows.push(...page.items);
    after = page.next;
  } while (after);
  return rows;
}

function walkEntries(filter: ShiftLogFilter, limit: number, sort?: LogEntrySort): LogEntryRow[] {
  const rows: LogEntryRow[] = [];
  let after: string | null = null;
  do {
    const page = listLogEntries(db, org, filter, { limit, after }, sort);
    rows.push(...page.items);
    after = page.next;
  } while (after);
  return rows;
}

/** The order a sort promises, computed in JS from the rows themselves: key, then id, one direction. */
function sortedIds<T extends { id: string }>(rows: T[], keyOf: (row: T) => string | number, dir: 'asc' | 'desc'): string[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows]
    .sort((a, b) => {
      const [ka, kb] = [keyOf(a), keyOf(b)];
      if (ka !== kb) return (ka < kb ? -1 : 1) * sign;
      return (a.id < b.id ? -1 : 1) * sign;
    })
    .map((row) => row.id);
}

const areaName: Record<string, string> = { 'a-boiler': 'Boiler House', 'a-tank': 'Tank Farm', 'a-lab': 'Laboratory' };
const statusRank = { open: 0, submitted: 1, reviewed: 2, signed: 3 } as const;
const logKey: Record<ShiftLogSort['by'], (row: ShiftLogListItem) => string | number> = {
  date: (row) => row.starts_at,
  area: (row) => areaName[row.area_id],
  shift: (row) => row.shift_name,
  crew: (row) => row.crew ?? '',
  status: (row) => statusRank[row.status],
  entries: (row) => row.entry_count,
  signer: (row) => row.signer_name ?? '',
};
const severityRank = { info: 0, low: 1, medium: 2, high: 3, critical: 4 } as const;
const entryKey: Record<Exclude<LogEntrySort['by'], 'relevance'>, (row: LogEntryRow) => string | number> = {
  occurredAt: (row) => row.occurred_at,
  recordedAt: (row) => row.recorded_at,
  severity: (row) => severityRank[row.severity],
};

describe('shift-log list: sorted by a column in SQL, keyset pages that continue exactly', () => {
  const cases = shiftLogSortColumns.flatMap((by) => directions.map((dir) => ({ by, dir }) as ShiftLogSort));
  it.each(cases)('by $by $dir: in key order, then id; pages of one concatenate to the whole list', (sort) => {
    const whole = walkLogs(org, {}, 500, { sort });
    expect(whole.map((row) => row.id)).toEqual(sortedIds(whole, logKey[sort.by], sort.dir));
    expect(whole.map((row) => row.id).sort()).toEqual(['s1', 's2', 's3', 's4']);
    expect(walkLogs(org, {}, 1, { sort }).map((row) => row.id)).toEqual(whole.map((row) => row.id));
  });

  it('names the latest signer and counts late entries per log', () => {
    const byId = new Map(walkLogs(org, {}, 500).map((row) => [row.id, row]));
    expect(byId.get('s1')).toMatchObject({ signer_name: 'Carol Chemist', entry_count: 3, late_count: 1, amended_after_signoff: 1 });
    expect(byId.get('s3')).toMatchObject({ signer_name: null, entry_count: 2, late_count: 1 });
  });

  it('keeps the newest shift first when no sort is given', () => {
    expect(walkLogs(org, {}, 2).map((row) => row.id)).toEqual(['s4', 's3', 's2', 's1']);
  });
});

describe('log entry list: sorted by a column in SQL, keyset pages that continue exactly', () => {
  const cases = (['occurredAt', 'recordedAt', 'severity'] as const).flatMap((by) => directions.map((dir) => ({ by, dir }) as LogEntrySort));
  it.each(cases)('by $by $dir: in key order, then id, with and without search text', (sort) => {
    const key = entryKey[sort.by as keyof typeof entryKey];
    for (const filter of [{}, { text: 'pump' }, { areaIds: ['a-boiler'] }] as ShiftLogFilter[]) {
      const whole = walkEntries(filter, 500, sort);
      expect(whole.map((row) => row.id)).toEqual(sortedIds(whole, key, sort.dir));
      expect(walkEntries(filter, 1, sort).map((row) => row.id)).toEqual(whole.map((row) => row.id));
      expect(whole.map((row) => row.id).sort()).toEqual(walkEntries(filter, 500).map((row) => row.id).sort());
    }
  });

  it('by best match: every match once, the same across pages of one, the closer match first', () => {
    const sort: LogEntrySort = { by: 'relevance', dir: 'asc' };
    const whole = walkEntries({ text: 'pump' }, 500, sort).map((row) => row.id);
    expect([...whole].sort()).toEqual(['e1', 'e4']);
    expect(walkEntries({ text: 'pump' }, 1, sort).map((row) => row.id)).toEqual(whole);
  });

  it('falls back to newest first for best match without search text', () => {
    expect(walkEntries({}, 3, { by: 'relevance', dir: 'asc' }).map((row) => row.id)).toEqual(['e8', 'e7', 'e6', 'e5', 'e4', 'e3', 'e2', 'e1']);
  });

  it('offers every sortable entry column of the contract', () => {
    expect([...logEntrySortColumns].sort()).toEqual(['occurredAt', 'recordedAt', 'relevance', 'severity']);
  });
});

describe('totals: how many rows match, and how many the reader may see at all', () => {
  it('counts shift logs matching the filter and in all', () => {
    expect(countShiftLogs(db, org, {})).toEqual({ matching: 4, all: 4 });
    expect(countShiftLogs(db, org, { statuses: ['signed', 'reviewed'] })).toEqual({ matching: 2, all: 4 });
    expect(countShiftLogs(db, { shiftLog: areas('a-boiler'), logEntry: areas('a-boiler') }, { shiftNames: ['Night'] })).toEqual({ matching: 1, all: 2 });
  });

  it('counts entries matching the filter (search text included) and in all, within the scope', () => {
    expect(countLogEntries(db, org, {})).toEqual({ matching: 8, all: 8 });
    expect(countLogEntries(db, org, { text: 'pump' })).toEqual({ matching: 2, all: 8 });
    expect(countLogEntries(db, org, { severities: ['high', 'critical'] })).toEqual({ matching: 3, all: 8 });
    expect(countLogEntries(db, { shiftLog: areas('a-tank'), logEntry: areas('a-tank') }, { late: true })).toEqual({ matching: 1, all: 2 });
  });
});

describe('waiting for my sign-off', () => {
  const waitingIds = (wait: SignatureWait, scopes: ShiftLogScopes = org) => walkLogs(scopes, {}, 500, { waiting: wait }).map((row) => row.id);

  it('lists submitted and reviewed logs in the areas where the person may sign, and no other', () => {
    expect(waitingIds({ userId: 'u-bob', signableAreaIds: ['a-boiler', 'a-tank', 'a-lab'] })).toEqual(['s4', 's3']);
    expect(waitingIds({ userId: 'u-bob', signableAreaIds: ['a-tank'] })).toEqual(['s3']);
    expect(waitingIds({ userId: 'u-bob', signableAreaIds: ['a-boiler'] })).toEqual([]);
    expect(waitingIds({ userId: 'u-bob', signableAreaIds: [] })).toEqual([]);
    expect(countShiftLogs(db, org, {}, { userId: 'u-bob', signableAreaIds: ['a-tank'] })).toEqual({ matching: 1, all: 4 });
  });

  it('drops a log once the person has signed it, and keeps it for someone else', () => {
    const local = tempStore();
    const saved = db;
    try {
      db = local.db;
      seedPlant(db);
      upsertRows(db, 'signoff', [
        {
          id: 'g-bob',
          shift_log_id: 's3',
          signer_id: 'u-bob',
          printed_name: 'Bob Fitter',
          meaning: 'reviewed',
          signed_at: '2024-03-02T19:00:00.000Z',
          auth_method: 'password_offline',
          content_hash: 'b'.repeat(64),
        },
      ]);
      expect(waitingIds({ userId: 'u-bob', signableAreaIds: ['a-tank', 'a-lab'] })).toEqual(['s4']);
      expect(waitingIds({ userId: 'u-carol', signableAreaIds: ['a-tank', 'a-lab'] })).toEqual(['s4', 's3']);
    } finally {
      db = saved;
      local.cleanup();
    }
  });
});
