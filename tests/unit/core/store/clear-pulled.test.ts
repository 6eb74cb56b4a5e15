import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStoreDatabase } from '../../../../main/core/store/open';
import { appendAuditEvents, readSyncState, upsertRows, writeSyncState } from '../../../../main/core/store/writes';
import { queueMutation } from '../../../../main/core/store/queue-mutation';
import { clearPulledData } from '../../../../main/core/store/clear-pulled';

describe('clearing the pulled data (policy change, 409 reset)', () => {
  it('keeps the outbox and rows of pending changes, drops the rest, rewinds the cursor, and keeps audit append-only', () => {
    const db = openStoreDatabase({ path: path.join(mkdtempSync(path.join(tmpdir(), 'plantdesk-rebuild-')), 'c.db'), cipher: { kind: 'encrypted', dataKey: randomBytes(32) } });
    const now = new Date('2026-11-23T08:00:00Z');
    const row = (id: string, pending: string | null) => ({
      id, shift_log_id: 's', area_id: 'a', equipment_tag: null, category: 'other' as const, severity: 'info' as const, body: id, occurred_at: now.toISOString(),
      recorded_at: now.toISOString(), author_id: 'u', late: 0 as const, late_reason: null, state: 'active' as const, version: pending ? 0 : 1, pending_mutation_id: pending,
    });
    const pending = queueMutation(db, { name: 'audit.local', args: { action: 'lock', at: now.toISOString(), details: { reason: 'manual' } }, grantId: randomUUID(), actorId: 'u', now });
    db.transaction(() => {
      upsertRows(db, 'log_entry', [row('pulled', null), row('mine', pending.id)]);
      appendAuditEvents(db, [{ tenant_id: 't', seq: 1, id: null, server_time: now.toISOString(), client_time: null, actor_id: null, session_id: null, ip: null, device_id: null, action: 'x', entity: 'y', entity_id: null, area_id: null, before: null, after: null, reason: null, prev_hash: null, hash: 'h' }]);
      writeSyncState(db, { cursor: 42, policy_version: '3' });
    })();

    clearPulledData(db);

    expect(db.prepare('SELECT id FROM log_entry').all()).toEqual([{ id: 'mine' }]);
    expect(db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT count(*) AS n FROM audit_event').get()).toEqual({ n: 0 });
    expect(readSyncState(db)).toMatchObject({ cursor: 0, policy_version: null });
    expect(() => db.prepare('DELETE FROM audit_event').run()).not.toThrow();
    appendAuditEvents(db, [{ tenant_id: 't', seq: 2, id: null, server_time: now.toISOString(), client_time: null, actor_id: null, session_id: null, ip: null, device_id: null, action: 'x', entity: 'y', entity_id: null, area_id: null, before: null, after: null, reason: null, prev_hash: null, hash: 'h2' }]);
    expect(() => db.prepare('DELETE FROM audit_event').run()).toThrow(/append-only/);
  });
});
