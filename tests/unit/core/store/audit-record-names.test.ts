import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteDatabase } from '../../../../main/core/store/open';
import { listAuditEvents, type RecordScopes } from '../../../../main/core/store/queries/audit';
import type { AuditEventRow } from '../../../../main/core/store/rows';
import { noRows, orgScope, type RowScope } from '../../../../main/core/store/scope';
import { appendAuditEvents, upsertRows } from '../../../../main/core/store/writes';
import { auditEvents, seedPlant, tempStore } from './fixture';

let store: ReturnType<typeof tempStore>;
let db: SqliteDatabase;

const event = (seq: number, entity: string, entityId: string, deviceId: string | null = null): AuditEventRow => ({
  ...auditEvents[0],
  seq,
  id: `ae-${seq}`,
  entity,
  entity_id: entityId,
  area_id: null,
  device_id: deviceId,
  prev_hash: `h${seq - 1}`,
  hash: `h${seq}`,
});

beforeAll(() => {
  store = tempStore();
  db = store.db;
  seedPlant(db);
  upsertRows(db, 'role', [{ id: 'r-lead', name: 'Shift lead', grants: '[]' }]);
  // Two sign-ins on one device that was renamed in between, and one on a device with no name.
  upsertRows(db, 'session', [
    { id: 'se5', user_id: 'u-bob', tenant_id: 't-north', created_at: '2024-03-04T05:00:00.000Z', device_id: 'dev-1', device_name: 'Control room PC' },
    { id: 'se6', user_id: 'u-bob', tenant_id: 't-north', created_at: '2024-03-05T05:00:00.000Z', device_id: 'dev-1', device_name: 'Control room PC 2' },
    { id: 'se7', user_id: 'u-carol', tenant_id: 't-north', created_at: '2024-03-05T06:00:00.000Z', device_id: 'dev-2', device_name: null },
  ]);
  appendAuditEvents(db, [
    event(6, 'role', 'r-lead'),
    event(7, 'session', 'se5', 'dev-1'),
    event(8, 'area', 'a-tank', 'dev-2'),
    event(9, 'log_entry', 'e-gone'),
    event(10, 'tenant', 't-north'),
    event(11, 'auth', 'alice@northfield.example'),
    event(12, 'comment', 'c1'),
    event(13, 'signoff', 'g1'),
  ]);
  upsertRows(db, 'handover', [{ id: 'h1', from_shift_log_id: 's3', to_shift_log_id: null }]);
  appendAuditEvents(db, [event(14, 'handover', 'h1')]);
});
afterAll(() => store.cleanup());

const everything: RecordScopes = { shiftLog: orgScope, logEntry: orgScope, user: orgScope, session: orgScope, role: orgScope };
const byseq = (scopes: RecordScopes | undefined) => new Map(listAuditEvents(db, orgScope, {}, { limit: 50 }, scopes).items.map((row) => [row.seq, row]));
const none = { name: null, shift_log_id: null, user_id: null, area_name: null, shift_date: null, shift_name: null };

describe('audit events name their record from the cache', () => {
  it("a comment, a sign-off and a handover by the log they belong to, linked to it, only where the reader may see that log", () => {
    const boilerDay = { ...none, shift_log_id: 's1', area_name: 'Boiler House', shift_date: '2024-03-01', shift_name: 'Day' };
    const rows = byseq(everything);
    expect(rows.get(12)?.record).toEqual(boilerDay);
    expect(rows.get(13)?.record).toEqual(boilerDay);
    expect(rows.get(14)?.record).toEqual({ ...none, shift_log_id: 's3', area_name: expect.any(String), shift_date: '2024-03-02', shift_name: 'Day' });
    // A reader of the tank farm's logs only: the boiler house's comment and sign-off stay unnamed.
    const tankOnly = byseq({ ...everything, shiftLog: { kind: 'rows', ownUserId: null, areaIds: ['a-tank'] } });
    expect(tankOnly.get(12)?.record).toBeNull();
    expect(tankOnly.get(13)?.record).toBeNull();
    expect(tankOnly.get(14)?.record).toMatchObject({ shift_log_id: 's3' });
  });

  it('a shift log by its area, date and shift, linked to itself', () => {
    expect(byseq(everything).get(3)?.record).toEqual({ ...none, shift_log_id: 's1', area_name: 'Boiler House', shift_date: '2024-03-01', shift_name: 'Day' });
  });

  it('an entry by the start of its text, linked to its shift log', () => {
    expect(byseq(everything).get(4)?.record).toEqual({ ...none, name: 'Gas detector alarm tested', shift_log_id: 's3' });
  });

  it('a user by display name, a role, an area and the organisation by name, a session by its device and person', () => {
    const rows = byseq(everything);
    expect(rows.get(10)?.record).toEqual({ ...none, name: 'Northfield Plant' });
    expect(rows.get(5)?.record).toEqual({ ...none, name: 'Dave Former', user_id: 'u-dave' });
    expect(rows.get(6)?.record).toEqual({ ...none, name: 'Shift lead' });
    expect(rows.get(8)?.record).toEqual({ ...none, name: 'Tank Farm' });
    expect(rows.get(7)?.record).toEqual({ ...none, name: 'Control room PC', user_id: 'u-bob' });
  });

  it('a record that is gone, or an entity without a name, stays unnamed', () => {
    const rows = byseq(everything);
    expect(rows.get(9)?.record).toBeNull();
    expect(rows.get(11)?.record).toBeNull();
  });

  it('the device by the newest session on it that has a name', () => {
    const rows = byseq(everything);
    expect(rows.get(7)?.device_name).toBe('Control room PC 2');
    expect(rows.get(8)?.device_name).toBeNull();
    expect(rows.get(1)?.device_name).toBeNull();
  });

  it('names only what the reader may see', () => {
    const areas = (...areaIds: string[]): RowScope => ({ kind: 'rows', ownUserId: null, areaIds });
    const rows = byseq({ shiftLog: areas('a-tank'), logEntry: areas('a-boiler'), user: { kind: 'rows', ownUserId: 'u-carol', areaIds: [] }, session: noRows, role: areas('a-tank') });
    expect(rows.get(3)?.record).toBeNull(); // s1 is in the boiler house
    expect(rows.get(1)?.record?.name).toBe('Pump seal leaking at boiler feed');
    expect(rows.get(4)?.record).toBeNull(); // e7 is in the tank farm
    expect(rows.get(5)?.record).toBeNull(); // Dave, not Carol herself
    expect(rows.get(6)?.record).toBeNull(); // a role needs org-wide access
    expect(rows.get(7)?.record).toBeNull();
    expect(rows.get(7)?.device_name).toBeNull();
    expect(rows.get(8)?.record?.name).toBe('Tank Farm');
  });

  it('names within the same pages, the filter and the audit scope', () => {
    const page = listAuditEvents(db, { kind: 'rows', ownUserId: 'u-bob', areaIds: [] }, { entities: ['log_entry'] }, { limit: 1 }, everything);
    expect(page.items.map((row) => [row.seq, row.record?.name])).toEqual([[4, 'Gas detector alarm tested']]);
    const next = listAuditEvents(db, { kind: 'rows', ownUserId: 'u-bob', areaIds: [] }, { entities: ['log_entry'] }, { limit: 1, after: page.next }, everything);
    expect(next.items.map((row) => [row.seq, row.record?.name])).toEqual([[2, 'Started burner two']]);
  });

  it('a file export (no scopes given) names nothing', () => {
    const rows = byseq(undefined);
    expect(rows.get(3)?.record).toBeNull();
    expect(rows.get(7)?.device_name).toBeNull();
  });
});
