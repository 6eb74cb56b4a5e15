import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteDatabase } from '../../../../main/core/store/open';
import { listAuditEvents, listLocalAudit, type AuditFilter } from '../../../../main/core/store/queries/audit';
import { listSessions, listUsers, type SessionFilter, type UserFilter, type UserSort } from '../../../../main/core/store/queries/people';
import { noRows, orgScope, type RowScope } from '../../../../main/core/store/scope';
import { appendLocalAudit } from '../../../../main/core/store/writes';
import { seedPlant, tempStore } from './fixture';

let store: ReturnType<typeof tempStore>;
let db: SqliteDatabase;
beforeAll(() => {
  store = tempStore();
  db = store.db;
  seedPlant(db);
});
afterAll(() => store.cleanup());

const own = (userId: string): RowScope => ({ kind: 'rows', ownUserId: userId, areaIds: [] });
const areas = (...areaIds: string[]): RowScope => ({ kind: 'rows', ownUserId: null, areaIds });

function pages<T>(fetch: (after: string | null) => { items: T[]; next: string | null }): T[] {
  const out: T[] = [];
  let after: string | null = null;
  do {
    const page = fetch(after);
    out.push(...page.items);
    after = page.next;
  } while (after);
  return out;
}

describe('users', () => {
  const cases: [string, RowScope, UserFilter, string[]][] = [
    ['org: everyone, by email', orgScope, {}, ['u-alice', 'u-bob', 'u-carol', 'u-dave']],
    ['own: only oneself', own('u-bob'), {}, ['u-bob']],
    ['area: people covering one of the areas', areas('a-tank'), {}, ['u-bob']],
    ['area: several areas', areas('a-boiler', 'a-lab'), {}, ['u-alice', 'u-bob', 'u-carol']],
    ['none', noRows, {}, []],
    ['status filter', orgScope, { statuses: ['deactivated'] }, ['u-dave']],
    ['text in email or name, any case', orgScope, { text: 'CHEMIST' }, ['u-carol']],
    ['text within scope', own('u-alice'), { text: 'bob' }, []],
  ];
  it.each(cases)('%s', (_name, scope, filter, expected) => {
    expect(pages((after) => listUsers(db, scope, filter, { limit: 1, after })).map((u) => u.id)).toEqual(expected);
  });

  it('carries the membership of the tenant', () => {
    const [bob] = listUsers(db, orgScope, { userIds: ['u-bob'] }).items;
    expect(bob).toMatchObject({ email: 'bob@northfield.example', org_role: 'contributor', areas: '["a-boiler","a-tank"]' });
  });
});

describe("users' last sign-in", () => {
  const lastSignIns = (sessionScope?: RowScope) =>
    Object.fromEntries(listUsers(db, orgScope, {}, { limit: 50 }, undefined, sessionScope).items.map((u) => [u.id, u.last_sign_in_at]));

  it('is the start of their newest cached session', () => {
    expect(lastSignIns(orgScope)).toEqual({ 'u-alice': '2024-03-02T05:00:00.000Z', 'u-bob': '2024-03-01T06:00:00.000Z', 'u-carol': '2024-03-01T07:00:00.000Z', 'u-dave': null });
  });

  it("shows only sign-ins the reader may read: their own, the people of their areas, or none", () => {
    expect(lastSignIns(own('u-alice'))).toEqual({ 'u-alice': '2024-03-02T05:00:00.000Z', 'u-bob': null, 'u-carol': null, 'u-dave': null });
    expect(lastSignIns(areas('a-lab'))).toEqual({ 'u-alice': null, 'u-bob': null, 'u-carol': '2024-03-01T07:00:00.000Z', 'u-dave': null });
    expect(lastSignIns(noRows)).toEqual({ 'u-alice': null, 'u-bob': null, 'u-carol': null, 'u-dave': null });
    expect(lastSignIns()).toEqual({ 'u-alice': null, 'u-bob': null, 'u-carol': null, 'u-dave': null });
  });
});

describe('users sorted by a column', () => {
  // Dave has no membership here: no role sorts first ascending. Alice and Bob share a role, so
  // the id decides between them, in the sort's direction.
  const cases: [string, UserSort, string[]][] = [
    ['name ascending', { column: 'name', dir: 'asc' }, ['u-alice', 'u-bob', 'u-carol', 'u-dave']],
    ['name descending', { column: 'name', dir: 'desc' }, ['u-dave', 'u-carol', 'u-bob', 'u-alice']],
    ['email descending', { column: 'email', dir: 'desc' }, ['u-dave', 'u-carol', 'u-bob', 'u-alice']],
    ['role ascending, id breaks the tie', { column: 'role', dir: 'asc' }, ['u-dave', 'u-carol', 'u-alice', 'u-bob']],
    ['role descending, id breaks the tie', { column: 'role', dir: 'desc' }, ['u-bob', 'u-alice', 'u-carol', 'u-dave']],
    ['status ascending', { column: 'status', dir: 'asc' }, ['u-alice', 'u-bob', 'u-carol', 'u-dave']],
    ['status descending', { column: 'status', dir: 'desc' }, ['u-dave', 'u-carol', 'u-bob', 'u-alice']],
    // Never signed in first ascending: the people an admin goes looking for.
    ['last sign-in ascending', { column: 'lastSignIn', dir: 'asc' }, ['u-dave', 'u-bob', 'u-carol', 'u-alice']],
    ['last sign-in descending', { column: 'lastSignIn', dir: 'desc' }, ['u-alice', 'u-carol', 'u-bob', 'u-dave']],
  ];
  it.each(cases)('%s, the same one row a page as all at once', (_name, sort, expected) => {
    expect(listUsers(db, orgScope, {}, { limit: 50 }, sort, orgScope).items.map((u) => u.id)).toEqual(expected);
    for (const limit of [1, 2, 3]) {
      expect(pages((after) => listUsers(db, orgScope, {}, { limit, after }, sort, orgScope)).map((u) => u.id)).toEqual(expected);
    }
  });

  it('sorts within the filter and the scope', () => {
    expect(listUsers(db, areas('a-boiler', 'a-lab'), { statuses: ['active'] }, {}, { column: 'name', dir: 'desc' }).items.map((u) => u.id)).toEqual(['u-carol', 'u-bob', 'u-alice']);
  });

  it('refuses a cursor made under another sort', () => {
    const first = listUsers(db, orgScope, {}, { limit: 1 }, { column: 'name', dir: 'asc' });
    expect(() => listUsers(db, orgScope, {}, { limit: 1, after: first.next }, { column: 'name', dir: 'desc' })).toThrow(/another sort order/);
    expect(() => listUsers(db, orgScope, {}, { limit: 1, after: first.next })).toThrow(/another sort order/);
  });

  it('does not leak its sort key into the rows', () => {
    expect(Object.keys(listUsers(db, orgScope, {}, { limit: 1 }, { column: 'role', dir: 'asc' }).items[0])).not.toContain('sort_key');
  });
});

describe('sessions', () => {
  const now = '2024-03-03T00:00:00.000Z';
  const cases: [string, RowScope, SessionFilter, string[]][] = [
    ['org: all, newest first', orgScope, {}, ['se4', 'se3', 'se2', 'se1']],
    ['own', own('u-alice'), {}, ['se4', 'se1']],
    ['area: sessions of people in the areas', areas('a-lab'), {}, ['se3']],
    ['none', noRows, {}, []],
    ['active: not revoked, not expired', orgScope, { active: true, now }, ['se4', 'se1']],
    ['inactive', orgScope, { active: false, now }, ['se3', 'se2']],
    ['by user', orgScope, { userIds: ['u-bob'] }, ['se2']],
  ];
  it.each(cases)('%s', (_name, scope, filter, expected) => {
    expect(pages((after) => listSessions(db, scope, filter, { limit: 1, after })).map((s) => s.id)).toEqual(expected);
  });
});

describe('audit events', () => {
  const cases: [string, RowScope, AuditFilter, number[]][] = [
    ['org: all, newest first', orgScope, {}, [5, 4, 3, 2, 1]],
    ['own: what the user did', own('u-bob'), {}, [4, 2]],
    ['area', areas('a-tank'), {}, [4]],
    ['own or area', { kind: 'rows', ownUserId: 'u-carol', areaIds: ['a-tank'] }, {}, [5, 4, 3]],
    ['none', noRows, {}, []],
    ['time range', orgScope, { from: '2024-03-01T08:00:00.000Z', to: '2024-03-02T09:01:00.000Z' }, [3, 2]],
    ['actor', orgScope, { actorIds: ['u-carol'] }, [5, 3]],
    ['entity', orgScope, { entities: ['log_entry'] }, [4, 2, 1]],
    ['entity and id', orgScope, { entities: ['shift_log'], entityId: 's1' }, [3]],
    ['action', orgScope, { actions: ['sign', 'manage'] }, [5, 3]],
  ];
  it.each(cases)('%s', (_name, scope, filter, expected) => {
    expect(pages((after) => listAuditEvents(db, scope, filter, { limit: 2, after })).map((e) => e.seq)).toEqual(expected);
  });

  it('lists this workstation log newest first', () => {
    appendLocalAudit(db, { action: 'unlock', actorId: 'u-alice' });
    appendLocalAudit(db, { action: 'lock', actorId: 'u-alice' });
    expect(pages((after) => listLocalAudit(db, { limit: 1, after })).map((r) => r.action)).toEqual(['lock', 'unlock']);
  });
});
