import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from '../../../../main/core/store/migrations/index';
import { migrate, openStoreDatabase, storeCacheKiB, storeCheckpointBytes, storePageSize, type SqliteDatabase } from '../../../../main/core/store/open';
import { listLogEntries } from '../../../../main/core/store/queries/shift-logs';
import { orgScope } from '../../../../main/core/store/scope';
import { appendLocalAudit, deleteRows, readSyncState, updateRow, upsertRows, writeSyncState } from '../../../../main/core/store/writes';
import { seedPlant, tempStore } from './fixture';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

function freshStore(): SqliteDatabase {
  const store = tempStore();
  cleanups.push(store.cleanup);
  return store.db;
}

function columnsOf(db: SqliteDatabase, table: string): string[] {
  return (db.prepare('SELECT name FROM pragma_table_info(?)').all(table) as { name: string }[]).map((c) => c.name);
}

describe('schema: tables mirror DOMAIN.md, with SYNC.md client tables', () => {
  // Column names as DOMAIN.md writes them (snake_case); every synced table also has the sync
  // columns version and pending_mutation_id.
  const expected: Record<string, string[]> = {
    tenant: ['id', 'name', 'region', 'offline_grant_hours', 'session_idle_minutes', 'session_absolute_hours', 'lockout_threshold', 'retention_days'],
    user: ['id', 'email', 'display_name', 'status', 'global_role'],
    membership: ['id', 'user_id', 'tenant_id', 'org_role', 'role_id', 'areas', 'module_flags'],
    role: ['id', 'name', 'grants'],
    session: ['id', 'user_id', 'tenant_id', 'created_at', 'last_seen_at', 'idle_expires_at', 'absolute_expires_at', 'ip', 'device_id', 'device_name', 'user_agent', 'revoked_at', 'revoked_by'],
    area: ['id', 'parent_id', 'kind', 'name', 'time_zone'],
    equipment: ['id', 'tag', 'area_id', 'name'],
    shift_log: ['id', 'area_id', 'shift_date', 'shift_name', 'crew', 'starts_at', 'ends_at', 'status', 'created_by', 'reopened_at'],
    log_entry: ['row_no', 'id', 'shift_log_id', 'area_id', 'equipment_tag', 'category', 'severity', 'body', 'occurred_at', 'recorded_at', 'author_id', 'late', 'late_reason', 'state'],
    entry_amendment: ['id', 'entry_id', 'kind', 'body', 'fields_changed', 'reason', 'author_id', 'at'],
    comment: ['id', 'shift_log_id', 'entry_id', 'author_id', 'body', 'at'],
    signoff: ['id', 'shift_log_id', 'signer_id', 'printed_name', 'meaning', 'signed_at', 'auth_method', 'content_hash'],
    handover: ['id', 'from_shift_log_id', 'to_shift_log_id', 'open_items', 'outgoing_ack_by', 'outgoing_ack_at', 'incoming_ack_by', 'incoming_ack_at'],
  };
  // Columns added by later migrations come after the sync columns.
  const added: Record<string, string[]> = { signoff: ['claimed_signed_at'] };
  it.each(Object.entries(expected))('%s', (table, columns) => {
    expect(columnsOf(freshStore(), table)).toEqual([...columns, 'version', 'pending_mutation_id', ...(added[table] ?? [])]);
  });

  it('has the client tables: outbox, sync_state (cursor, policy_version, last_ok_at), conflicts, local_audit, audit_event', () => {
    const db = freshStore();
    expect(columnsOf(db, 'sync_state')).toEqual(expect.arrayContaining(['cursor', 'policy_version', 'last_ok_at']));
    expect(columnsOf(db, 'outbox')).toEqual(expect.arrayContaining(['seq', 'id', 'name', 'args', 'base_version', 'client_time', 'grant_id', 'status']));
    expect(columnsOf(db, 'conflicts')).toEqual(expect.arrayContaining(['mutation_id', 'reason', 'server_row', 'resolved_at']));
    expect(columnsOf(db, 'local_audit')).toEqual(['id', 'at', 'actor_id', 'action', 'details', 'mutation_id']);
    expect(columnsOf(db, 'audit_event')).toEqual(
      expect.arrayContaining(['tenant_id', 'seq', 'server_time', 'client_time', 'actor_id', 'session_id', 'ip', 'device_id', 'action', 'entity', 'entity_id', 'before', 'after', 'reason', 'prev_hash', 'hash']),
    );
  });

  it('opens in WAL mode with synchronous=FULL and temp data in memory', () => {
    const db = freshStore();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('temp_store', { simple: true })).toBe(2);
  });

  it('checkpoints by the configured WAL size and caches by the configured size, for every store', () => {
    const db = freshStore();
    expect(db.pragma('page_size', { simple: true })).toBe(storePageSize);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(storeCheckpointBytes / storePageSize);
    expect(db.pragma('cache_size', { simple: true })).toBe(-storeCacheKiB);
  });

  it('refuses a value of the wrong kind instead of storing it', () => {
    const db = freshStore();
    seedPlant(db);
    expect(() => db.prepare(`UPDATE log_entry SET severity = 'apocalyptic' WHERE id = 'e1'`).run()).toThrow(/CHECK/);
    expect(() => updateRow(db, 'log_entry', 'e1', { late: 'yes' as never })).toThrow();
    expect(() => upsertRows(db, 'log_entry', [{ id: 'e1', 'body = 1; --': 'x' } as never])).toThrow(/no column/);
  });
});

describe('migrations are numbered and append-only', () => {
  it('numbers them 1, 2, 3... and records each once', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    const db = freshStore();
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect((db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((r) => r.version)).toEqual(
      migrations.map((m) => m.version),
    );
  });

  it('runs only the new ones on an existing database', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plantdesk-migrate-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'x.db');
    const key = randomBytes(32);
    const db = openStoreDatabase({ path, cipher: { kind: 'encrypted', dataKey: key }, migrations: migrations.slice(0, 1) });
    db.exec(`INSERT INTO area (id, kind, name) VALUES ('a', 'site', 'kept')`);
    const next = [...migrations, { version: migrations.length + 1, name: '9999_test', sql: 'CREATE TABLE added_later (id TEXT PRIMARY KEY) STRICT;' }];
    migrate(db, next);
    expect(db.pragma('user_version', { simple: true })).toBe(next.length);
    expect(db.prepare(`SELECT name FROM area WHERE id = 'a'`).get()).toEqual({ name: 'kept' });
    db.close();
  });

  it('refuses a database whose applied migration was edited afterwards', () => {
    const db = freshStore();
    const edited = migrations.map((m, i) => (i === 0 ? { ...m, sql: `${m.sql}\n-- edited` } : m));
    expect(() => migrate(db, edited)).toThrow(expect.objectContaining({ code: 'store_corrupt', details: expect.objectContaining({ reason: 'migration_changed' }) }));
  });

  it('refuses a database written by a newer schema', () => {
    const db = freshStore();
    db.pragma(`user_version = ${migrations.length + 1}`);
    expect(() => migrate(db, migrations)).toThrow(expect.objectContaining({ code: 'store_too_new' }));
  });
});

describe('audit tables are append-only', () => {
  it('audit_event accepts new events and refuses UPDATE and DELETE', () => {
    const db = freshStore();
    seedPlant(db);
    expect(() => db.prepare(`UPDATE audit_event SET actor_id = 'u-mallory' WHERE seq = 1`).run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_event WHERE seq = 1').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_event').run()).toThrow(/append-only/);
    expect(db.prepare('SELECT actor_id FROM audit_event WHERE seq = 1').get()).toEqual({ actor_id: 'u-alice' });
    expect(db.prepare('SELECT count(*) AS n FROM audit_event').get()).toEqual({ n: 5 });
  });

  it('an upsert of an event already held leaves it unchanged', () => {
    const db = freshStore();
    seedPlant(db);
    expect(() => seedPlant(db)).not.toThrow();
    expect(db.prepare('SELECT count(*) AS n FROM audit_event').get()).toEqual({ n: 5 });
  });

  it('local_audit accepts new lines and refuses UPDATE and DELETE', () => {
    const db = freshStore();
    const id = appendLocalAudit(db, { action: 'unlock', actorId: 'u-alice', details: { method: 'password' } });
    expect(() => db.prepare(`UPDATE local_audit SET action = 'nothing' WHERE id = ?`).run(id)).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM local_audit WHERE id = ?').run(id)).toThrow(/append-only/);
    expect(db.prepare('SELECT action, actor_id, details FROM local_audit').all()).toEqual([
      { action: 'unlock', actor_id: 'u-alice', details: '{"method":"password"}' },
    ]);
  });
});

describe('the full-text index follows the entries', () => {
  const org = { shiftLog: orgScope, logEntry: orgScope };
  const search = (db: SqliteDatabase, text: string) => listLogEntries(db, org, { text }).items.map((e) => e.id);

  it('follows a changed body: the old word is gone, the new one found', () => {
    const db = freshStore();
    seedPlant(db);
    updateRow(db, 'log_entry', 'e2', { body: 'Started turbine three' });
    expect(search(db, 'burner')).toEqual([]);
    expect(search(db, 'turbine')).toEqual(['e2']);
  });

  it('follows a changed tag and category', () => {
    const db = freshStore();
    seedPlant(db);
    updateRow(db, 'log_entry', 'e8', { equipment_tag: 'K-900', category: 'quality' });
    expect(search(db, 'K-900')).toEqual(['e8']);
    expect(search(db, 'quality')).toEqual(['e8', 'e6']);
  });

  it('follows an area renamed, and an area that arrives after its entries', () => {
    const db = freshStore();
    seedPlant(db);
    updateRow(db, 'area', 'a-lab', { name: 'Quality Lab' });
    expect(search(db, 'laboratory')).toEqual([]);
    expect(search(db, 'quality lab')).toEqual(['e8']);

    upsertRows(db, 'log_entry', [
      { ...listLogEntries(db, org, { text: 'handover' }).items[0], id: 'e9', area_id: 'a-new', body: 'Compressor started' },
    ]);
    expect(search(db, 'compressor hall')).toEqual([]);
    upsertRows(db, 'area', [{ id: 'a-new', kind: 'area', name: 'Compressor Hall' }]);
    expect(search(db, 'compressor hall')).toEqual(['e9']);
  });

  it('follows amendments added and removed, and entries deleted', () => {
    const db = freshStore();
    seedPlant(db);
    upsertRows(db, 'entry_amendment', [{ id: 'am3', entry_id: 'e4', kind: 'addendum', body: 'Bearing temperature rising', reason: 'later check', author_id: 'u-bob', at: '2024-03-01T23:00:00.000Z' }]);
    expect(search(db, 'bearing')).toEqual(['e4']);
    deleteRows(db, 'entry_amendment', ['am3']);
    expect(search(db, 'bearing')).toEqual([]);
    expect(search(db, 'vibration')).toEqual(['e4']);
    deleteRows(db, 'log_entry', ['e4']);
    expect(search(db, 'vibration')).toEqual([]);
    expect(db.prepare(`INSERT INTO log_entry_fts (log_entry_fts) VALUES ('integrity-check')`).run().changes).toBeGreaterThanOrEqual(0);
  });

  it('merges its segments four at a time (FTS5 default, set back by 0007), and stays whole and searchable across many small writes', () => {
    const db = freshStore();
    seedPlant(db);
    expect(db.prepare(`SELECT v FROM log_entry_fts_config WHERE k = 'automerge'`).pluck().get()).toBe(4);
    const [template] = listLogEntries(db, org, { text: 'handover' }).items;
    // One statement each: every one leaves a segment of its own for the merges to fold.
    for (let i = 0; i < 60; i++) upsertRows(db, 'log_entry', [{ ...template, id: `bulk-${i}`, body: `Tank ${i} level checked, word${i % 7}` }]);
    expect(db.prepare(`INSERT INTO log_entry_fts (log_entry_fts) VALUES ('integrity-check')`).run().changes).toBeGreaterThanOrEqual(0);
    expect(search(db, 'word3').sort()).toEqual([3, 10, 17, 24, 31, 38, 45, 52, 59].map((i) => `bulk-${i}`).sort());
    expect(search(db, 'handover')).toContain(template.id);
  });

  it('keeps a log entry row number (its index row) across an update', () => {
    const db = freshStore();
    seedPlant(db);
    const before = db.prepare(`SELECT row_no FROM log_entry WHERE id = 'e3'`).get();
    updateRow(db, 'log_entry', 'e3', { body: 'Valve packing replaced again' });
    expect(db.prepare(`SELECT row_no FROM log_entry WHERE id = 'e3'`).get()).toEqual(before);
    const [e3] = listLogEntries(db, { shiftLog: orgScope, logEntry: orgScope }, { text: 'again' }).items;
    upsertRows(db, 'log_entry', [{ ...e3, body: 'Valve packing replaced for good', version: 2 }]);
    expect(db.prepare(`SELECT row_no, version FROM log_entry WHERE id = 'e3'`).get()).toEqual({ ...(before as object), version: 2 });
    expect(search(db, 'good')).toEqual(['e3']);
  });
});

describe('sync state', () => {
  it('has one row, starting at cursor 0, and keeps what is written', () => {
    const db = freshStore();
    expect(readSyncState(db)).toEqual({ cursor: 0, policy_version: null, last_ok_at: null, client_id: null });
    writeSyncState(db, { cursor: 42, policy_version: 'p7', last_ok_at: '2024-03-01T00:00:00.000Z' });
    expect(readSyncState(db)).toEqual({ cursor: 42, policy_version: 'p7', last_ok_at: '2024-03-01T00:00:00.000Z', client_id: null });
    expect(() => db.prepare('INSERT INTO sync_state (id) VALUES (2)').run()).toThrow();
  });
});
