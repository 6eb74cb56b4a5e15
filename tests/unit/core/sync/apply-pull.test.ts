import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { openStoreDatabase, type SqliteDatabase } from '../../../../main/core/store/open';
import { readSyncState } from '../../../../main/core/store/writes';
import { applyPullPage, parsePullPage } from '../../../../main/core/sync/apply-pull';
import { createLogEntry } from '../../../../main/core/sync/local-writes';
import { effectiveRules, defaultModuleFlags } from '../../../../shared/rbac';

// Pulled pages go into a real encrypted cache in one transaction with their cursor, or not at all.
const now = new Date('2026-11-23T08:00:00Z');
const area = randomUUID();
const shiftLogId = randomUUID();

function shiftLogRow(status = 'open') {
  return {
    id: shiftLogId, area_id: area, shift_date: '2026-11-22', shift_name: 'Night', crew: 'B', starts_at: '2026-11-22T19:00:00.000Z',
    ends_at: '2026-11-23T07:00:00.000Z', status, created_by: null, reopened_at: null, version: 1,
  };
}

function entryRow(id: string, body: string, version = 1) {
  return {
    id, shift_log_id: shiftLogId, area_id: area, equipment_tag: 'P-101', category: 'operations', severity: 'low', body,
    occurred_at: '2026-11-22T23:00:00.000Z', recorded_at: '2026-11-22T23:01:00.000Z', author_id: 'u1', late: 0, late_reason: null, state: 'active', version,
  };
}

function page(since: number, changes: { entity: string; row: Record<string, unknown> | null; op?: 'upsert' | 'delete'; id?: string }[], extra: Record<string, unknown> = {}) {
  const list = changes.map((change, index) => ({
    seq: since + index + 1,
    entity: change.entity,
    entityId: change.id ?? (change.row?.id as string),
    op: change.op ?? 'upsert',
    row: change.row,
  }));
  return { changes: list, cursor: since + list.length, hasMore: false, total: list.length, policyVersion: 1, schemaVersion: 1, ...extra };
}

describe('applying pulled pages', () => {
  let db: SqliteDatabase;
  const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

  beforeEach(() => {
    const dir = mkdtempSync(path.join(tmpdir(), 'plantdesk-pull-'));
    db = openStoreDatabase({ path: path.join(dir, 'cache.db'), cipher: { kind: 'encrypted', dataKey: randomBytes(32) } });
  });

  it('writes a page and its cursor together', () => {
    const result = applyPullPage(db, parsePullPage(page(0, [{ entity: 'shift_log', row: shiftLogRow() }, { entity: 'log_entry', row: entryRow(randomUUID(), 'first') }]), 0), now);
    expect(result).toMatchObject({ cursor: 2, applied: 2 });
    expect(count('log_entry')).toBe(1);
    expect(readSyncState(db)).toMatchObject({ cursor: 2, policy_version: '1' });
  });

  it('accepts a cursor past its last change (changes hidden from this reader were skipped)', () => {
    const skipping = { ...page(0, [{ entity: 'shift_log', row: shiftLogRow() }]), cursor: 9 };
    expect(applyPullPage(db, parsePullPage(skipping, 0), now).cursor).toBe(9);
    expect(readSyncState(db).cursor).toBe(9);
  });

  it('applies a tombstone as a delete', () => {
    const id = randomUUID();
    applyPullPage(db, parsePullPage(page(0, [{ entity: 'log_entry', row: entryRow(id, 'x') }]), 0), now);
    applyPullPage(db, parsePullPage(page(1, [{ entity: 'log_entry', row: null, op: 'delete', id }]), 1), now);
    expect(count('log_entry')).toBe(0);
  });

  it('refuses a page with a column the cache does not have, writing nothing of it', () => {
    const bad = page(0, [{ entity: 'shift_log', row: shiftLogRow() }, { entity: 'log_entry', row: { ...entryRow(randomUUID(), 'x'), injected: 1 } }]);
    expect(() => applyPullPage(db, parsePullPage(bad, 0), now)).toThrowError(expect.objectContaining({ code: 'invalid_server_response' }));
    expect(count('shift_log')).toBe(0);
    expect(readSyncState(db).cursor).toBe(0);
  });

  it('refuses a row the schema forbids (a severity it does not know), writing nothing', () => {
    const bad = page(0, [{ entity: 'shift_log', row: shiftLogRow() }, { entity: 'log_entry', row: { ...entryRow(randomUUID(), 'x'), severity: 'catastrophic' } }]);
    expect(() => applyPullPage(db, parsePullPage(bad, 0), now)).toThrowError(expect.objectContaining({ code: 'invalid_server_response' }));
    expect(count('shift_log')).toBe(0);
  });

  it.each([
    ['an entity the schema does not know', page(0, [{ entity: 'launch_codes', row: { id: 'x' } }])],
    ['seqs out of order', { ...page(0, [{ entity: 'shift_log', row: shiftLogRow() }]), changes: [{ seq: 5, entity: 'shift_log', entityId: shiftLogId, op: 'upsert', row: shiftLogRow() }, { seq: 3, entity: 'shift_log', entityId: shiftLogId, op: 'upsert', row: shiftLogRow() }], cursor: 3 }],
    ['a truncated page (no cursor)', { changes: [] }],
    ['a cursor behind its last change', { ...page(0, [{ entity: 'shift_log', row: shiftLogRow() }]), cursor: 0 }],
    ['an upsert without its row', page(0, [{ entity: 'shift_log', row: null, id: shiftLogId }])],
  ])('refuses %s before writing anything', (_label, raw) => {
    expect(() => parsePullPage(raw, 0)).toThrowError(expect.objectContaining({ code: 'invalid_server_response' }));
  });

  it('keeps a pending local row until the server version at or after its applied seq arrives', () => {
    applyPullPage(db, parsePullPage(page(0, [{ entity: 'shift_log', row: shiftLogRow() }]), 0), now);
    const ability = { userId: 'u1', tenantId: 't1', areas: [area], rules: effectiveRules({ orgRole: 'contributor', moduleFlags: defaultModuleFlags('contributor'), globalRole: 'none' }) };
    const created = createLogEntry(db, { ability, grantId: randomUUID(), now: new Date('2026-11-23T06:00:00Z') }, {
      shiftLogId, areaId: area, equipmentTag: null, category: 'safety', severity: 'high', body: 'local words', occurredAt: '2026-11-23T05:59:00Z', lateReason: null,
    });
    const serverVersion = { ...entryRow(created.entryId, 'server words'), author_id: 'u1' };
    // An older change to the row (before the mutation was applied) must not wipe the pending mark.
    applyPullPage(db, parsePullPage(page(1, [{ entity: 'log_entry', row: serverVersion }]), 1), now);
    expect(db.prepare('SELECT body, pending_mutation_id FROM log_entry WHERE id = ?').get(created.entryId)).toEqual({ body: 'local words', pending_mutation_id: created.id });
    db.prepare("UPDATE outbox SET status = 'applied', applied_seq = 3 WHERE id = ?").run(created.id);
    applyPullPage(db, parsePullPage(page(2, [{ entity: 'log_entry', row: serverVersion }]), 2), now);
    expect(db.prepare('SELECT body, pending_mutation_id FROM log_entry WHERE id = ?').get(created.entryId)).toEqual({ body: 'server words', pending_mutation_id: null });
  });

  it('takes the server version of a row created here even when its mutation wrote a later change too (a sign-off, then the log status)', () => {
    applyPullPage(db, parsePullPage(page(0, [{ entity: 'shift_log', row: shiftLogRow() }]), 0), now);
    const ability = { userId: 'u1', tenantId: 't1', areas: [area], rules: effectiveRules({ orgRole: 'contributor', moduleFlags: defaultModuleFlags('contributor'), globalRole: 'none' }) };
    const created = createLogEntry(db, { ability, grantId: randomUUID(), now: new Date('2026-11-23T06:00:00Z') }, {
      shiftLogId, areaId: area, equipmentTag: null, category: 'safety', severity: 'high', body: 'local words', occurredAt: '2026-11-23T05:59:00Z', lateReason: null,
    });
    // The server answered with the seq of the mutation's last change (the log), after the row's own.
    db.prepare("UPDATE outbox SET status = 'applied', applied_seq = 3 WHERE id = ?").run(created.id);
    applyPullPage(db, parsePullPage(page(1, [{ entity: 'log_entry', row: { ...entryRow(created.entryId, 'local words'), author_id: 'u1' } }, { entity: 'shift_log', row: shiftLogRow('submitted') }]), 1), now);
    expect(db.prepare('SELECT version, pending_mutation_id FROM log_entry WHERE id = ?').get(created.entryId)).toEqual({ version: 1, pending_mutation_id: null });
  });
});
