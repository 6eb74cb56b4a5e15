import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlantdeskError } from '../../../../shared/errors';
import type { SqliteDatabase } from '../../../../main/core/store/open';
import { getShiftLog, listLogEntries, listShiftLogs, type ShiftLogFilter, type ShiftLogScopes } from '../../../../main/core/store/queries/shift-logs';
import { noRows, orgScope, rowScopeFor, type RowScope } from '../../../../main/core/store/scope';
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
const own = (userId: string): RowScope => ({ kind: 'rows', ownUserId: userId, areaIds: [] });
const areas = (...areaIds: string[]): RowScope => ({ kind: 'rows', ownUserId: null, areaIds });

/** Every entry id of a listing, following `next` to the end. */
function allEntryIds(scopes: ShiftLogScopes, filter: ShiftLogFilter, limit = 500): string[] {
  const ids: string[] = [];
  let after: string | null = null;
  do {
    const page = listLogEntries(db, scopes, filter, { limit, after });
    ids.push(...page.items.map((e) => e.id));
    after = page.next;
  } while (after);
  return ids;
}

function allShiftLogIds(scopes: ShiftLogScopes, filter: ShiftLogFilter, limit = 500): string[] {
  const ids: string[] = [];
  let after: string | null = null;
  do {
    const page = listShiftLogs(db, scopes, filter, { limit, after });
    ids.push(...page.items.map((s) => s.id));
    after = page.next;
  } while (after);
  return ids;
}

describe('log entry list: filters select exactly the matching entries, newest first', () => {
  const cases: [string, ShiftLogFilter, string[]][] = [
    ['no filter', {}, ['e8', 'e7', 'e6', 'e5', 'e4', 'e3', 'e2', 'e1']],
    ['one area', { areaIds: ['a-tank'] }, ['e7', 'e6']],
    ['two areas', { areaIds: ['a-tank', 'a-lab'] }, ['e8', 'e7', 'e6']],
    ['shift date range (inclusive)', { shiftDateFrom: '2024-03-02', shiftDateTo: '2024-03-03' }, ['e8', 'e7', 'e6']],
    ['shift date to', { shiftDateTo: '2024-03-01' }, ['e5', 'e4', 'e3', 'e2', 'e1']],
    ['shift name', { shiftNames: ['Night'] }, ['e8', 'e5', 'e4']],
    ['log status', { statuses: ['signed', 'reviewed'] }, ['e7', 'e6', 'e3', 'e2', 'e1']],
    ['severity', { severities: ['high', 'critical'] }, ['e7', 'e5', 'e1']],
    ['category', { categories: ['safety'] }, ['e7', 'e1']],
    ['author', { authorIds: ['u-alice'] }, ['e6', 'e3', 'e1']],
    ['two authors', { authorIds: ['u-alice', 'u-carol'] }, ['e8', 'e6', 'e5', 'e3', 'e1']],
    ['late', { late: true }, ['e7', 'e3']],
    ['not late', { late: false }, ['e8', 'e6', 'e5', 'e4', 'e2', 'e1']],
    ['occurred range', { occurredFrom: '2024-03-01T08:00:00.000Z', occurredBefore: '2024-03-01T22:00:00.000Z' }, ['e4', 'e3', 'e2']],
    ['amended after sign-off', { amendedAfterSignoff: true }, ['e3', 'e1']],
    ['not amended after sign-off', { amendedAfterSignoff: false }, ['e8', 'e7', 'e6', 'e5', 'e4', 'e2']],
    ['combined: area + severity + author', { areaIds: ['a-boiler'], severities: ['high', 'medium'], authorIds: ['u-alice'] }, ['e3', 'e1']],
    ['nothing matches', { areaIds: ['a-lab'], severities: ['critical'] }, []],
    ['empty lists do not filter', { areaIds: [], severities: [] }, ['e8', 'e7', 'e6', 'e5', 'e4', 'e3', 'e2', 'e1']],
  ];
  it.each(cases)('%s', (_name, filter, expected) => {
    expect(allEntryIds(org, filter)).toEqual(expected);
  });

  it('pages of two concatenate to the full list, without gaps or repeats', () => {
    for (const [, filter, expected] of cases) expect(allEntryIds(org, filter, 2)).toEqual(expected);
  });
});

describe('log entry list: the reader scope is part of the query', () => {
  const cases: [string, RowScope, string[]][] = [
    ['org sees everything', orgScope, ['e8', 'e7', 'e6', 'e5', 'e4', 'e3', 'e2', 'e1']],
    ['own sees what the user wrote', own('u-alice'), ['e6', 'e3', 'e1']],
    ['area sees the user areas', areas('a-tank'), ['e7', 'e6']],
    ['own or area', { kind: 'rows', ownUserId: 'u-alice', areaIds: ['a-lab'] }, ['e8', 'e6', 'e3', 'e1']],
    ['several areas', areas('a-tank', 'a-lab'), ['e8', 'e7', 'e6']],
    ['no access', noRows, []],
    ['area scope with no areas', areas(), []],
  ];
  it.each(cases)('%s', (_name, scope, expected) => {
    expect(allEntryIds({ shiftLog: orgScope, logEntry: scope }, {})).toEqual(expected);
  });

  it('pages stay full when hidden rows sit between visible ones (not filtered after the LIMIT)', () => {
    const page = listLogEntries(db, { shiftLog: orgScope, logEntry: own('u-alice') }, {}, { limit: 2 });
    expect(page.items.map((e) => e.id)).toEqual(['e6', 'e3']);
    expect(page.next).not.toBeNull();
  });

  it('a filter cannot widen the scope', () => {
    expect(allEntryIds({ shiftLog: orgScope, logEntry: own('u-bob') }, { authorIds: ['u-alice'] })).toEqual([]);
    expect(allEntryIds({ shiftLog: orgScope, logEntry: areas('a-tank') }, { areaIds: ['a-boiler', 'a-tank'] })).toEqual(['e7', 'e6']);
  });

  it('entries of a shift log the reader may not see are not listed', () => {
    expect(allEntryIds({ shiftLog: areas('a-tank'), logEntry: orgScope }, {})).toEqual(['e7', 'e6']);
  });

  it('rowScopeFor turns a grant access list into the scope', () => {
    const person = { userId: 'u-alice', areaIds: ['a-lab'] };
    expect(rowScopeFor(['org'], person)).toEqual(orgScope);
    expect(rowScopeFor(['global'], person)).toEqual(orgScope);
    expect(rowScopeFor(['own', 'area'], person)).toEqual({ kind: 'rows', ownUserId: 'u-alice', areaIds: ['a-lab'] });
    expect(rowScopeFor(['area'], person)).toEqual({ kind: 'rows', ownUserId: null, areaIds: ['a-lab'] });
    expect(rowScopeFor([], person)).toEqual(noRows);
  });
});

describe('full-text search over log entries', () => {
  const cases: [string, string, RowScope, string[]][] = [
    ['a word of the body', 'leaking', orgScope, ['e1']],
    ['any case, word prefix', 'VIBRAT', orgScope, ['e4']],
    ['the equipment tag', 'P-101A', orgScope, ['e4', 'e1']],
    ['the area name', 'tank farm', orgScope, ['e7', 'e6']],
    ['the category', 'environmental', orgScope, ['e5']],
    ['amendment text', 'resample', orgScope, ['e6']],
    ['all words must match (in any column)', 'pump boiler', orgScope, ['e4', 'e1']],
    ['all words must match', 'pump leaking', orgScope, ['e1']],
    ['words in another order', 'leaking pump', orgScope, ['e1']],
    ['within scope only', 'pump', own('u-bob'), ['e4']],
    ['nothing', 'turbine', orgScope, []],
  ];
  it.each(cases)('%s', (_name, text, scope, expected) => {
    expect(allEntryIds({ shiftLog: orgScope, logEntry: scope }, { text })).toEqual(expected);
    expect(allEntryIds({ shiftLog: orgScope, logEntry: scope }, { text }, 1)).toEqual(expected);
  });

  it('combines with filters', () => {
    expect(allEntryIds(org, { text: 'pump', severities: ['low'] })).toEqual(['e4']);
    expect(allEntryIds(org, { text: 'boiler', areaIds: ['a-tank'] })).toEqual([]);
  });

  it('treats operators and quotes as text, never as query syntax', () => {
    for (const text of ['"', 'pump"', 'NEAR(pump', 'pump AND', 'OR', '*', '-pump', 'body:pump', '^pump', '(', "'; DROP TABLE log_entry; --"]) {
      expect(() => listLogEntries(db, org, { text })).not.toThrow();
    }
    expect(allEntryIds(org, { text: '   ' })).toHaveLength(8);
  });

  it('a cursor from one kind of list is refused by the other', () => {
    const searched = listLogEntries(db, org, { text: 'pump' }, { limit: 1 });
    expect(searched.next).not.toBeNull();
    expect(() => listLogEntries(db, org, {}, { limit: 1, after: searched.next })).toThrow(PlantdeskError);
    expect(() => listLogEntries(db, org, {}, { limit: 1, after: 'not-a-cursor' })).toThrow(/cursor/);
  });
});

describe('shift log list', () => {
  const cases: [string, ShiftLogFilter, ShiftLogScopes, string[]][] = [
    ['everything, newest shift first', {}, org, ['s4', 's3', 's2', 's1']],
    ['area', { areaIds: ['a-boiler'] }, org, ['s2', 's1']],
    ['date range', { shiftDateFrom: '2024-03-01', shiftDateTo: '2024-03-02' }, org, ['s3', 's2', 's1']],
    ['shift name', { shiftNames: ['Day'] }, org, ['s3', 's1']],
    ['status', { statuses: ['open', 'submitted'] }, org, ['s4', 's2']],
    ['has a critical entry', { severities: ['critical'] }, org, ['s2']],
    ['has a safety entry', { categories: ['safety'] }, org, ['s3', 's1']],
    ['has an entry by carol', { authorIds: ['u-carol'] }, org, ['s4', 's2']],
    ['has a late entry', { late: true }, org, ['s3', 's1']],
    ['amended after sign-off', { amendedAfterSignoff: true }, org, ['s1']],
    ['has an entry matching the text', { text: 'pump' }, org, ['s2', 's1']],
    ['own logs (opened by the user)', {}, { shiftLog: own('u-bob'), logEntry: orgScope }, ['s3', 's2']],
    ['area logs', {}, { shiftLog: areas('a-lab', 'a-tank'), logEntry: orgScope }, ['s4', 's3']],
    // Entry criteria only see entries the reader may see: carol's entry e5 is hidden from alice.
    ['entry criteria respect the entry scope', { authorIds: ['u-carol'] }, { shiftLog: orgScope, logEntry: own('u-alice') }, []],
    ['no access', {}, { shiftLog: noRows, logEntry: orgScope }, []],
  ];
  it.each(cases)('%s', (_name, filter, scopes, expected) => {
    expect(allShiftLogIds(scopes, filter)).toEqual(expected);
    expect(allShiftLogIds(scopes, filter, 1)).toEqual(expected);
  });

  it('counts only the entries the reader may see, and flags amendment after sign-off', () => {
    const [s1] = listShiftLogs(db, { shiftLog: orgScope, logEntry: own('u-alice') }, { areaIds: ['a-boiler'], statuses: ['signed'] }).items;
    expect(s1).toMatchObject({ id: 's1', entry_count: 2, amended_after_signoff: 1 });
    const [s2] = listShiftLogs(db, org, { statuses: ['open'] }).items;
    expect(s2).toMatchObject({ id: 's2', entry_count: 2, amended_after_signoff: 0 });
  });

  it('refuses a page size outside 1..500', () => {
    expect(() => listShiftLogs(db, org, {}, { limit: 0 })).toThrow(PlantdeskError);
    expect(() => listShiftLogs(db, org, {}, { limit: 501 })).toThrow(PlantdeskError);
  });
});

describe('one shift log with its entries, amendments beside originals, comments and sign-offs', () => {
  const all = { shiftLog: orgScope, logEntry: orgScope, comment: orgScope, signoff: orgScope };

  it('returns the entries in reading order with their amendments', () => {
    const detail = getShiftLog(db, all, 's1');
    expect(detail?.shiftLog.id).toBe('s1');
    expect(detail?.amendedAfterSignoff).toBe(true);
    expect(detail?.entries.map((e) => [e.id, e.after_signoff, e.amendments.map((a) => [a.id, a.after_signoff])])).toEqual([
      ['e1', 0, [['am1', 1]]],
      ['e2', 0, []],
      ['e3', 1, []],
    ]);
    // The original stays as written; the correction stands beside it.
    expect(detail?.entries[0].body).toBe('Pump seal leaking at boiler feed');
    expect(detail?.entries[0].amendments[0].body).toBe('Seal replaced, leak stopped');
    expect(detail?.comments.map((c) => c.id)).toEqual(['c1', 'c2', 'c3']);
    expect(detail?.signoffs.map((g) => [g.id, g.meaning])).toEqual([['g1', 'approved']]);
  });

  it('shows only what the reader may see, comments on hidden entries included', () => {
    const detail = getShiftLog(db, { shiftLog: orgScope, logEntry: own('u-alice'), comment: orgScope, signoff: noRows }, 's1');
    expect(detail?.entries.map((e) => e.id)).toEqual(['e1', 'e3']);
    // c2 is on e2 (bob's entry, hidden from alice): it goes with it.
    expect(detail?.comments.map((c) => c.id)).toEqual(['c1', 'c3']);
    expect(detail?.signoffs).toEqual([]);
  });

  it('is null for a log outside the scope, exactly as for a missing one', () => {
    expect(getShiftLog(db, { ...all, shiftLog: areas('a-tank') }, 's1')).toBeNull();
    expect(getShiftLog(db, all, 'no-such-log')).toBeNull();
  });

  it('a log without sign-off is not amended after one', () => {
    const detail = getShiftLog(db, all, 's3');
    expect(detail?.amendedAfterSignoff).toBe(false);
    expect(detail?.entries.find((e) => e.id === 'e6')?.amendments.map((a) => [a.id, a.after_signoff])).toEqual([['am2', 0]]);
  });
});
