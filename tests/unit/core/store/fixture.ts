import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStoreDatabase, type SqliteDatabase } from '../../../../main/core/store/open';
import type { AuditEventRow } from '../../../../main/core/store/rows';
import { appendAuditEvents, upsertRows, type WritableRow } from '../../../../main/core/store/writes';

type Entry = WritableRow<'log_entry'>;

/** A fresh encrypted store in a temp folder; `cleanup` closes and removes it. */
export function tempStore(): { db: SqliteDatabase; dir: string; path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'plantdesk-store-'));
  const path = join(dir, 'vaults', 'tenant.db');
  const db = openStoreDatabase({ path, cipher: { kind: 'encrypted', dataKey: randomBytes(32) } });
  return {
    db,
    dir,
    path,
    cleanup: () => {
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A small plant whose every row is known, so filters and scopes can be checked for exact ids:
 *
 *   s1 Boiler House, 2024-03-01 Day,   signed (sign-off 18:00)  e1 e2 e3   (e3 recorded after sign-off, e1 amended after it)
 *   s2 Boiler House, 2024-03-01 Night, open                     e4 e5
 *   s3 Tank Farm,    2024-03-02 Day,   reviewed                 e6 e7      (e6 amended, no sign-off)
 *   s4 Laboratory,   2024-03-03 Night, submitted                e8
 */
export function seedPlant(db: SqliteDatabase): void {
  db.transaction(() => {
    upsertRows(db, 'tenant', [{ id: 't-north', name: 'Northfield Plant', region: 'eu', offline_grant_hours: 72 }]);
    upsertRows(db, 'user', [
      { id: 'u-alice', email: 'alice@northfield.example', display_name: 'Alice Operator' },
      { id: 'u-bob', email: 'bob@northfield.example', display_name: 'Bob Fitter' },
      { id: 'u-carol', email: 'carol@northfield.example', display_name: 'Carol Chemist' },
      { id: 'u-dave', email: 'dave@northfield.example', display_name: 'Dave Former', status: 'deactivated' },
    ]);
    upsertRows(db, 'membership', [
      { id: 'm-alice', user_id: 'u-alice', tenant_id: 't-north', org_role: 'contributor', areas: JSON.stringify(['a-boiler']), module_flags: '{}' },
      { id: 'm-bob', user_id: 'u-bob', tenant_id: 't-north', org_role: 'contributor', areas: JSON.stringify(['a-boiler', 'a-tank']), module_flags: '{}' },
      { id: 'm-carol', user_id: 'u-carol', tenant_id: 't-north', org_role: 'admin', areas: JSON.stringify(['a-lab']), module_flags: '{}' },
    ]);
    upsertRows(db, 'area', [
      { id: 'a-site', kind: 'site', name: 'Northfield', time_zone: 'Europe/London' },
      { id: 'a-boiler', parent_id: 'a-site', kind: 'area', name: 'Boiler House' },
      { id: 'a-tank', parent_id: 'a-site', kind: 'area', name: 'Tank Farm' },
      { id: 'a-lab', parent_id: 'a-site', kind: 'area', name: 'Laboratory' },
    ]);
    upsertRows(db, 'equipment', [
      { id: 'q-p101a', tag: 'P-101A', area_id: 'a-boiler' },
      { id: 'q-v200', tag: 'V-200', area_id: 'a-boiler' },
      { id: 'q-t300', tag: 'T-300', area_id: 'a-tank' },
    ]);
    const log = (id: string, area: string, date: string, name: string, startsAt: string, status: 'open' | 'submitted' | 'reviewed' | 'signed', by: string) => ({
      id,
      area_id: area,
      shift_date: date,
      shift_name: name,
      crew: 'B',
      starts_at: startsAt,
      ends_at: new Date(Date.parse(startsAt) + 12 * 3600_000).toISOString(),
      status,
      created_by: by,
    });
    upsertRows(db, 'shift_log', [
      log('s1', 'a-boiler', '2024-03-01', 'Day', '2024-03-01T06:00:00.000Z', 'signed', 'u-alice'),
      log('s2', 'a-boiler', '2024-03-01', 'Night', '2024-03-01T18:00:00.000Z', 'open', 'u-bob'),
      log('s3', 'a-tank', '2024-03-02', 'Day', '2024-03-02T06:00:00.000Z', 'reviewed', 'u-bob'),
      log('s4', 'a-lab', '2024-03-03', 'Night', '2024-03-03T18:00:00.000Z', 'submitted', 'u-carol'),
    ]);
    const entry = (
      id: string,
      shiftLog: string,
      area: string,
      tag: string | null,
      category: Entry['category'],
      severity: Entry['severity'],
      body: string,
      occurredAt: string,
      author: string,
      extra: Partial<Entry> = {},
    ): Entry => ({
      id,
      shift_log_id: shiftLog,
      area_id: area,
      equipment_tag: tag,
      category,
      severity,
      body,
      occurred_at: occurredAt,
      recorded_at: new Date(Date.parse(occurredAt) + 60_000).toISOString(),
      author_id: author,
      ...extra,
    });
    upsertRows(db, 'log_entry', [
      entry('e1', 's1', 'a-boiler', 'P-101A', 'safety', 'high', 'Pump seal leaking at boiler feed', '2024-03-01T06:30:00.000Z', 'u-alice'),
      entry('e2', 's1', 'a-boiler', null, 'operations', 'info', 'Started burner two', '2024-03-01T08:00:00.000Z', 'u-bob'),
      entry('e3', 's1', 'a-boiler', 'V-200', 'maintenance', 'medium', 'Valve packing replaced', '2024-03-01T10:00:00.000Z', 'u-alice', {
        recorded_at: '2024-03-01T20:00:00.000Z',
        late: 1,
        late_reason: 'radio down',
      }),
      entry('e4', 's2', 'a-boiler', 'P-101A', 'operations', 'low', 'Feed pump vibration normal', '2024-03-01T19:00:00.000Z', 'u-bob'),
      entry('e5', 's2', 'a-boiler', null, 'environmental', 'critical', 'Small oil spill contained', '2024-03-01T22:00:00.000Z', 'u-carol'),
      entry('e6', 's3', 'a-tank', 'T-300', 'quality', 'medium', 'Tank sample out of spec', '2024-03-02T07:00:00.000Z', 'u-alice'),
      entry('e7', 's3', 'a-tank', null, 'safety', 'high', 'Gas detector alarm tested', '2024-03-02T09:00:00.000Z', 'u-bob', { late: 1, late_reason: 'forgot' }),
      entry('e8', 's4', 'a-lab', null, 'other', 'info', 'Lab handover notes', '2024-03-03T20:00:00.000Z', 'u-carol'),
    ]);
    upsertRows(db, 'signoff', [
      {
        id: 'g1',
        shift_log_id: 's1',
        signer_id: 'u-carol',
        printed_name: 'Carol Chemist',
        meaning: 'approved',
        signed_at: '2024-03-01T18:00:00.000Z',
        auth_method: 'password_offline',
        content_hash: 'a'.repeat(64),
      },
    ]);
    upsertRows(db, 'entry_amendment', [
      { id: 'am1', entry_id: 'e1', kind: 'correction', body: 'Seal replaced, leak stopped', reason: 'follow-up', author_id: 'u-alice', at: '2024-03-01T19:00:00.000Z' },
      { id: 'am2', entry_id: 'e6', kind: 'addendum', body: 'Resample passed', reason: 'lab result', author_id: 'u-carol', at: '2024-03-02T08:00:00.000Z' },
    ]);
    upsertRows(db, 'comment', [
      { id: 'c1', shift_log_id: 's1', entry_id: null, author_id: 'u-bob', body: 'Quiet shift', at: '2024-03-01T17:00:00.000Z' },
      { id: 'c2', shift_log_id: 's1', entry_id: 'e2', author_id: 'u-carol', body: 'Which burner?', at: '2024-03-01T17:30:00.000Z' },
      { id: 'c3', shift_log_id: 's1', entry_id: 'e1', author_id: 'u-bob', body: 'Spare seal ordered', at: '2024-03-01T17:40:00.000Z' },
    ]);
    upsertRows(db, 'session', [
      { id: 'se1', user_id: 'u-alice', tenant_id: 't-north', created_at: '2024-03-01T05:00:00.000Z', idle_expires_at: '2024-03-10T00:00:00.000Z' },
      { id: 'se2', user_id: 'u-bob', tenant_id: 't-north', created_at: '2024-03-01T06:00:00.000Z', revoked_at: '2024-03-01T07:00:00.000Z', revoked_by: 'u-carol' },
      { id: 'se3', user_id: 'u-carol', tenant_id: 't-north', created_at: '2024-03-01T07:00:00.000Z', absolute_expires_at: '2024-03-02T00:00:00.000Z' },
      { id: 'se4', user_id: 'u-alice', tenant_id: 't-north', created_at: '2024-03-02T05:00:00.000Z' },
    ]);
    appendAuditEvents(db, auditEvents);
  })();
}

const audit = (seq: number, actor: string, action: string, entity: string, entityId: string, area: string | null, time: string): AuditEventRow => ({
  tenant_id: 't-north',
  seq,
  id: `ae-${seq}`,
  server_time: time,
  client_time: time,
  actor_id: actor,
  session_id: null,
  ip: null,
  device_id: null,
  action,
  entity,
  entity_id: entityId,
  area_id: area,
  before: null,
  after: JSON.stringify({ id: entityId }),
  reason: null,
  prev_hash: seq === 1 ? null : `h${seq - 1}`,
  hash: `h${seq}`,
});

export const auditEvents: AuditEventRow[] = [
  audit(1, 'u-alice', 'create', 'log_entry', 'e1', 'a-boiler', '2024-03-01T06:31:00.000Z'),
  audit(2, 'u-bob', 'create', 'log_entry', 'e2', 'a-boiler', '2024-03-01T08:01:00.000Z'),
  audit(3, 'u-carol', 'sign', 'shift_log', 's1', 'a-boiler', '2024-03-01T18:00:00.000Z'),
  audit(4, 'u-bob', 'create', 'log_entry', 'e7', 'a-tank', '2024-03-02T09:01:00.000Z'),
  audit(5, 'u-carol', 'manage', 'user', 'u-dave', null, '2024-03-03T10:00:00.000Z'),
];
