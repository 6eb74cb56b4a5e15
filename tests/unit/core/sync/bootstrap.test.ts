import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ServerClient } from '../../../../main/core/net/server-client';
import { ensurePrivateDir, searchStagingPath } from '../../../../main/core/store/files';
import { openStoreDatabase, type SqliteDatabase } from '../../../../main/core/store/open';
import { pageCipherOf } from '../../../../main/core/store/page-cipher';
import { listLogEntries } from '../../../../main/core/store/queries/shift-logs';
import { orgScope } from '../../../../main/core/store/scope';
import { readSyncState } from '../../../../main/core/store/writes';
import { bootstrapCache } from '../../../../main/core/sync/bootstrap/bootstrap';
import { normalizeLocation, vaultPaths } from '../../../../main/core/vault/location';
import { VaultLocked } from '../../../../main/core/vault/errors';
import { UnlockedVault } from '../../../../main/core/vault/vault';
import type { FrameHeader } from '../../../../shared/bootstrap-protocol';
import { PlantdeskError } from '../../../../shared/errors';
import { snapshotStream, startSnapshotServer, type SnapshotServer, type TableRows } from '../../../support/bootstrap-frames';

// The real staging store, with its index builds watched: a large table gets its indexes part
// way through its rows (see indexSortBudgetRows).
const indexBuilds = vi.hoisted(() => [] as string[]);
vi.mock('../../../../main/core/store/bulk-load/staging', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../../main/core/store/bulk-load/staging')>();
  return {
    ...actual,
    createIndex: async (...args: Parameters<typeof actual.createIndex>) => {
      indexBuilds.push(args[1].sql);
      return actual.createIndex(...args);
    },
  };
});

// A first sync from a snapshot, into a real encrypted cache, from a real HTTP answer on 127.0.0.1.
const tenantId = randomUUID();
const areas = [randomUUID(), randomUUID()];
const logs = [randomUUID(), randomUUID(), randomUUID()];
const entryCount = 450;
const entryIds = Array.from({ length: entryCount }, () => randomUUID());
/** Entries newest..oldest numbered from..to-1, listed oldest first. */
const sendOrder = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => to - 1 - k);

function dataset(): TableRows[] {
  const day = (n: number) => new Date(Date.UTC(2026, 10, 30) - n * 86_400_000).toISOString();
  return [
    { table: 'tenant', columns: ['id', 'name', 'region', 'offline_grant_hours', 'version'], rows: [[tenantId, 'Works', 'eu', 72, 1]], recent: 1 },
    {
      table: 'area',
      columns: ['id', 'parent_id', 'kind', 'name', 'time_zone'],
      rows: [
        [areas[0], null, 'site', 'Boiler house', 'Europe/Berlin'],
        [areas[1], areas[0], 'area', 'Cooling tower', null],
      ],
      recent: 2,
    },
    {
      table: 'shift_log',
      columns: ['id', 'area_id', 'shift_date', 'shift_name', 'crew', 'starts_at', 'ends_at', 'status', 'created_by', 'reopened_at', 'version'],
      rows: logs.map((id, i) => [id, areas[i % 2], day(i).slice(0, 10), 'Night', 'B', day(i), day(i - 0.5), 'open', null, null, 1]),
      recent: 3,
    },
    {
      table: 'log_entry',
      columns: ['id', 'shift_log_id', 'area_id', 'equipment_tag', 'category', 'severity', 'body', 'occurred_at', 'recorded_at', 'author_id', 'late', 'late_reason', 'state', 'version'],
      // As the server sends them: the newest 100 (the recent ones) first, then the rest, each
      // part oldest first. entryIds[0] is the newest.
      rows: [...sendOrder(0, 100), ...sendOrder(100, entryCount)].map((i) => [entryIds[i], logs[i % 3], areas[i % 2], i % 5 ? 'P-101' : null, 'operations', 'low', `round ${i}: ${i % 7 ? 'pressure steady' : 'pump vibration'}`, day(i / 10), day(i / 10), 'u1', 0, null, 'active', 1]),
      recent: 100,
    },
    {
      table: 'entry_amendment',
      columns: ['id', 'entry_id', 'kind', 'body', 'fields_changed', 'reason', 'author_id', 'at', 'version'],
      rows: [[randomUUID(), entryIds[3], 'addendum', 'impeller replaced', null, 'follow-up', 'u1', day(0), 1]],
    },
    {
      table: 'audit_event',
      columns: ['tenant_id', 'seq', 'id', 'server_time', 'actor_id', 'action', 'entity', 'entity_id', 'area_id', 'before', 'after', 'prev_hash', 'hash'],
      rows: [[tenantId, 7, randomUUID(), day(0), 'u1', 'log_entry.create', 'log_entry', entryIds[0], areas[0], null, { body: 'x' }, null, 'h7']],
    },
  ];
}

let dir: string;
let vault: UnlockedVault;
let cacheKey: Buffer;
let server: SnapshotServer | null = null;
let client: ServerClient | null = null;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'plantdesk-bootstrap-'));
  const location = normalizeLocation({ profileDir: dir, server: 'http://127.0.0.1:1', userId: randomUUID(), tenantId });
  const paths = vaultPaths(location);
  ensurePrivateDir(paths.dir);
  cacheKey = randomBytes(32);
  vault = new UnlockedVault(location, paths, openStoreDatabase({ path: paths.database, cipher: { kind: 'encrypted', dataKey: cacheKey } }), cacheKey);
});

afterEach(async () => {
  vault.lock();
  client?.close();
  await server?.close();
  server = null;
  rmSync(dir, { recursive: true, force: true });
});

async function serve(options: { tamper?: (header: FrameHeader) => FrameHeader; rewrite?: (table: string, json: string) => string; rowsPerFrame?: number; tables?: TableRows[]; frameDelayMs?: number } = {}) {
  const stream = snapshotStream({ tables: options.tables ?? dataset(), seq: 41, policyVersion: 3, rowsPerFrame: options.rowsPerFrame ?? 50, tamper: options.tamper, rewrite: options.rewrite });
  server = await startSnapshotServer(stream, { frameDelayMs: options.frameDelayMs });
  client = new ServerClient({ baseUrl: server.url, timeoutMs: 5_000 });
  return stream;
}

const run = (onProgress?: (phase: string) => void, options: { indexSortBudgetRows?: number } = {}) =>
  bootstrapCache({ vault, client: client!, token: 't', tenantId, now: () => new Date('2026-12-01T00:00:00Z'), resumeDelayMs: 10, onProgress: onProgress && ((p) => onProgress(p.phase)), ...options });

const count = (db: SqliteDatabase, table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const schemaOf = (db: SqliteDatabase) => db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all();

describe('first sync from a snapshot', () => {
  it('builds a complete cache with the schema of a migrated one, searchable, continuing from the seq, with the workstation\'s own state kept', async () => {
    await serve();
    const db = vault.db;
    const mutationId = randomUUID();
    const ownEntry = randomUUID();
    db.prepare("INSERT INTO outbox (seq, id, name, args, client_time, status) VALUES (1, ?, 'logEntry.create', '{}', '2026-12-01T00:00:00Z', 'pending')").run(mutationId);
    db.prepare(
      "INSERT INTO log_entry (id, shift_log_id, area_id, category, severity, body, occurred_at, recorded_at, author_id, pending_mutation_id) VALUES (?, ?, ?, 'safety', 'high', 'written offline: valve leaking', '2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z', 'u1', ?)",
    ).run(ownEntry, logs[0], areas[0], mutationId);
    db.prepare("INSERT INTO local_audit (at, action) VALUES ('2026-12-01T00:00:00Z', 'sign_in')").run();
    db.prepare("UPDATE sync_state SET client_id = 'client-1' WHERE id = 1").run();

    const result = await run();

    expect(result).toEqual({ rows: 1 + 2 + 3 + entryCount + 1 + 1, seq: 41 });
    const cache = vault.db;
    expect(cache).not.toBe(db);
    expect(db.open).toBe(false);
    expect(count(cache, 'log_entry')).toBe(entryCount + 1);
    expect(count(cache, 'entry_amendment')).toBe(1);
    expect(count(cache, 'audit_event')).toBe(1);
    expect(readSyncState(cache)).toMatchObject({ cursor: 41, policy_version: '3', client_id: 'client-1' });
    expect(count(cache, 'outbox')).toBe(1);
    expect(count(cache, 'local_audit')).toBe(1);
    expect(cache.prepare('SELECT pending_mutation_id FROM log_entry WHERE id = ?').get(ownEntry)).toEqual({ pending_mutation_id: mutationId });
    // Indexes, triggers and the full-text table exactly as a migrated store has them.
    const reference = openStoreDatabase({ path: path.join(dir, 'reference.db'), cipher: { kind: 'none' }, backgroundCheckpoints: false });
    expect(schemaOf(cache)).toEqual(schemaOf(reference));
    reference.close();
    const search = (text: string) => (cache.prepare('SELECT count(*) AS n FROM log_entry_fts WHERE log_entry_fts MATCH ?').get(text) as { n: number }).n;
    expect(search('vibration')).toBe(entryIds.filter((_, i) => i % 7 === 0).length);
    expect(search('impeller')).toBe(1);
    expect(search('"cooling tower"')).toBe(entryCount / 2);
    expect(search('leaking')).toBe(1);
    // The triggers are back: a later write is indexed as before.
    cache.prepare("UPDATE log_entry SET body = 'gasket swapped' WHERE id = ?").run(entryIds[1]);
    expect(search('gasket')).toBe(1);
    expect(existsSync(vault.paths.staging)).toBe(false);
  });

  it('over a cache made in SQLCipher scheme before: builds the new cache in AEGIS-256 and carries the workstation\'s own state across', async () => {
    // The vault as an earlier version left it: the same data key, the older page scheme.
    vault.lock();
    rmSync(vault.paths.dir, { recursive: true, force: true });
    ensurePrivateDir(vault.paths.dir);
    vault = new UnlockedVault(vault.location, vault.paths, openStoreDatabase({ path: vault.paths.database, cipher: { kind: 'encrypted', dataKey: cacheKey }, newFileCipher: 'sqlcipher' }), cacheKey);
    expect(pageCipherOf(vault.paths.database)).toBe('sqlcipher');
    const mutationId = randomUUID();
    vault.db.prepare("INSERT INTO outbox (seq, id, name, args, client_time, status) VALUES (1, ?, 'logEntry.create', '{}', '2026-12-01T00:00:00Z', 'pending')").run(mutationId);
    vault.db.prepare("UPDATE sync_state SET client_id = 'client-1' WHERE id = 1").run();
    await serve();

    await run();

    expect(pageCipherOf(vault.paths.database)).toBe('aegis-256');
    expect(count(vault.db, 'log_entry')).toBe(entryCount);
    expect(vault.db.prepare('SELECT id FROM outbox').all()).toEqual([{ id: mutationId }]);
    expect(readSyncState(vault.db)).toMatchObject({ cursor: 41, client_id: 'client-1' });
    // The next unlock opens it by its header, with no cipher named anywhere.
    vault.lock();
    const reopened = openStoreDatabase({ path: vault.paths.database, cipher: { kind: 'encrypted', dataKey: cacheKey }, backgroundCheckpoints: false });
    try {
      expect(count(reopened, 'log_entry')).toBe(entryCount);
      expect(reopened.pragma('quick_check', { simple: true })).toBe('ok');
    } finally {
      reopened.close();
    }
  });

  it('builds the search index beside the load on a thread of its own, amendments that came after the entries included: the same index as one built from the finished tables', async () => {
    // An amendment to an entry that is not recent, so loaded, and indexed, long before it.
    const tables = dataset();
    tables.find((t) => t.table === 'entry_amendment')!.rows.push([randomUUID(), entryIds[300], 'addendum', 'bearing greased', null, 'follow-up', 'u1', '2026-11-30T00:00:00.000Z', 1]);
    const terms = ['vibration', 'pressure', 'impeller', 'bearing', 'greased', '"cooling tower"', '"P-101"', 'operations', 'round'];
    const matches = (db: SqliteDatabase) =>
      terms.map((term) => db.prepare('SELECT e.id FROM log_entry_fts f JOIN log_entry e ON e.row_no = f.rowid WHERE log_entry_fts MATCH ? ORDER BY e.id').all(term).map((row) => (row as { id: string }).id));
    const build = async (options: { searchIndexBeside: boolean; searchRowsPerFlush?: number; order?: string[] }) => {
      const ordered = options.order ? options.order.map((name) => tables.find((t) => t.table === name)!) : tables;
      await serve({ tables: ordered });
      const searchDone: number[] = [];
      await bootstrapCache({
        vault,
        client: client!,
        token: 't',
        tenantId,
        now: () => new Date('2026-12-01T00:00:00Z'),
        searchIndexBeside: options.searchIndexBeside,
        searchRowsPerFlush: options.searchRowsPerFlush,
        onProgress: (p) => {
          if (p.phase === 'search') searchDone.push(p.done);
        },
      });
      client?.close();
      await server?.close();
      server = null;
      return searchDone;
    };

    const freshVault = () => {
      vault.lock();
      rmSync(vault.paths.dir, { recursive: true, force: true });
      ensurePrivateDir(vault.paths.dir);
      vault = new UnlockedVault(vault.location, vault.paths, openStoreDatabase({ path: vault.paths.database, cipher: { kind: 'encrypted', dataKey: cacheKey } }), cacheKey);
    };
    // From the finished tables, on the loader's thread.
    await build({ searchIndexBeside: false });
    const fromTables = matches(vault.db);
    expect(fromTables[terms.indexOf('bearing')]).toEqual([entryIds[300]]);
    // Beside the load, in steps of 50 entries (the recent 100 come last, held back to be numbered last).
    freshVault();
    await build({ searchIndexBeside: true, searchRowsPerFlush: 50 });
    expect(matches(vault.db)).toEqual(fromTables);
    vault.db.prepare("INSERT INTO log_entry_fts (log_entry_fts) VALUES ('integrity-check')").run();
    expect(readdirSync(vault.paths.dir).filter((name) => name.includes('staging'))).toEqual([]);
    // Areas sent after the entries: the names are not known as the entries come, so the index is built from the tables.
    freshVault();
    const areasLast = [...tables.map((t) => t.table).filter((name) => name !== 'area'), 'area'];
    await build({ searchIndexBeside: true, order: areasLast });
    expect(matches(vault.db)).toEqual(fromTables);
    expect(readdirSync(vault.paths.dir).filter((name) => name.includes('staging'))).toEqual([]);
  });

  it('numbers the entries so that a search lists the newest first, as it does for entries pulled one by one, and those written later above them', async () => {
    await serve();
    await run();
    const scopes = { shiftLog: orgScope, logEntry: orgScope };
    // The search lists by the full-text index's order: the row number, newest highest.
    const firstPage = listLogEntries(vault.db, scopes, { text: 'pressure' }, { limit: 5 });
    expect(firstPage.items.map((entry) => entry.id)).toEqual([1, 2, 3, 4, 5].map((i) => entryIds[i]));
    const all = listLogEntries(vault.db, scopes, { text: 'pressure' }, { limit: 500 }).items.map((entry) => entry.id);
    expect(all).toEqual(entryIds.filter((_, i) => i % 7 !== 0));
    // An entry pulled (or written) after the first sync is newer than every one it brought.
    vault.db
      .prepare("INSERT INTO log_entry (id, shift_log_id, area_id, category, severity, body, occurred_at, recorded_at, author_id) VALUES (?, ?, ?, 'operations', 'low', 'pressure rising', '2026-12-02T00:00:00Z', '2026-12-02T00:00:00Z', 'u1')")
      .run('after-first-sync', logs[0], areas[0]);
    expect(listLogEntries(vault.db, scopes, { text: 'pressure' }, { limit: 2 }).items.map((entry) => entry.id)).toEqual(['after-first-sync', entryIds[1]]);
  });

  it('builds the indexes of a table larger than the sort budget part way through its rows, then keeps them live: the same cache, every index whole', async () => {
    await serve();
    const phaseAtBuild: Record<string, string> = {};
    let phase = 'start';
    indexBuilds.length = 0;
    const result = await run(
      (next) => {
        phase = next;
        for (const sql of indexBuilds.splice(0)) phaseAtBuild[sql] = phase;
      },
      { indexSortBudgetRows: 200 },
    );
    for (const sql of indexBuilds.splice(0)) phaseAtBuild[sql] = phase;
    expect(result?.rows).toBe(1 + 2 + 3 + entryCount + 1 + 1);
    const entryIndexes = Object.keys(phaseAtBuild).filter((sql) => / ON log_entry /.test(sql));
    expect(entryIndexes.length).toBeGreaterThan(5);
    // Built while rows still came in (450 entries, budget 200); the small tables' at the end.
    expect(entryIndexes.every((sql) => phaseAtBuild[sql] === 'download')).toBe(true);
    expect(Object.entries(phaseAtBuild).filter(([sql]) => / ON shift_log /.test(sql)).every(([, at]) => at === 'index')).toBe(true);
    const cache = vault.db;
    expect(cache.pragma('integrity_check', { simple: true })).toBe('ok');
    const reference = openStoreDatabase({ path: path.join(dir, 'reference.db'), cipher: { kind: 'none' }, backgroundCheckpoints: false });
    expect(schemaOf(cache)).toEqual(schemaOf(reference));
    reference.close();
    for (const name of ['log_entry_by_area', 'log_entry_by_occurred', 'log_entry_by_shift_log_time']) {
      expect((cache.prepare(`SELECT count(*) AS n FROM log_entry INDEXED BY ${name} WHERE ${name === 'log_entry_by_occurred' ? 'occurred_at' : name === 'log_entry_by_area' ? 'area_id' : 'shift_log_id'} > ''`).get() as { n: number }).n).toBe(entryCount);
    }
  });

  it('shows the recent frames in the cache in use while the rest loads, then builds the indexes and the search', async () => {
    await serve();
    const seen: { phase: string; entries: number; sameFile: boolean }[] = [];
    const first = vault.db;
    await run((phase) => {
      if (vault.db === first) seen.push({ phase, entries: count(first, 'log_entry'), sameFile: true });
    });
    const downloads = seen.filter((s) => s.phase === 'download');
    expect(downloads.length).toBeGreaterThan(3);
    expect(downloads[0].entries).toBe(0);
    expect(Math.max(...downloads.map((s) => s.entries))).toBe(100);
    expect(seen.some((s) => s.phase === 'index')).toBe(true);
    expect(seen.some((s) => s.phase === 'search')).toBe(true);
  });

  it('never writes a plaintext page: the staging store is encrypted while it is built, and the key is gone once locked', async () => {
    await serve();
    const looks: { file: string; header: string; plaintext: boolean }[] = [];
    const look = (file: string) => {
      const bytes = readFileSync(file);
      looks.push({ file, header: bytes.subarray(0, 15).toString('latin1'), plaintext: bytes.includes('pump vibration') || bytes.includes('Cooling tower') });
    };
    const searchStore = searchStagingPath(vault.paths.staging);
    await run((phase) => {
      if (phase === 'index' && existsSync(vault.paths.staging)) look(vault.paths.staging);
      // The full-text index built beside, complete and committed, before it is copied in.
      if (phase === 'search' && existsSync(searchStore)) look(searchStore);
    });
    expect(new Set(looks.map((each) => each.file))).toEqual(new Set([vault.paths.staging, searchStore]));
    expect(looks.every((look) => look.header !== 'SQLite format 3' && !look.plaintext)).toBe(true);
    expect(readFileSync(vault.paths.database).includes('pump vibration')).toBe(false);
    // Built in AEGIS-256, whose tag the cache checks on every page it reads: one byte changed in
    // the text of a page of entries (garbage, not a broken b-tree, without the check) is refused.
    expect(pageCipherOf(vault.paths.database)).toBe('aegis-256');
    const pageSize = vault.db.pragma('page_size', { simple: true }) as number;
    const { pageno } = vault.db.prepare("SELECT pageno FROM dbstat WHERE name = 'log_entry' AND pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET 2").get() as { pageno: number };
    vault.lock();
    expect(() => vault.keyForThread(vault.paths.database)).toThrow(VaultLocked);
    const file = readFileSync(vault.paths.database);
    file[(pageno - 1) * pageSize + pageSize - 600] ^= 0xff;
    writeFileSync(vault.paths.database, file);
    const reopened = openStoreDatabase({ path: vault.paths.database, cipher: { kind: 'encrypted', dataKey: cacheKey }, backgroundCheckpoints: false });
    try {
      expect(() => reopened.prepare('SELECT count(*), sum(length(body)) FROM log_entry').get()).toThrow();
    } finally {
      reopened.close();
    }
  });

  it('replaces the cache only once the exports reading it are done, and waits for one that starts as another ends', async () => {
    await serve();
    const first = vault.db;
    const asked: { cacheOpen: boolean; stagingBuilt: boolean }[] = [];
    const exportsDone: (() => void)[] = [];
    const result = bootstrapCache({
      vault,
      client: client!,
      token: 't',
      tenantId,
      now: () => new Date('2026-12-01T00:00:00Z'),
      // Two exports one after the other, then none.
      cacheReadsRunning: () => {
        asked.push({ cacheOpen: vault.db === first && first.open, stagingBuilt: existsSync(vault.paths.staging) });
        if (asked.length > 2) return null;
        return new Promise<void>((resolve) => exportsDone.push(resolve));
      },
    });
    for (const round of [1, 2]) {
      await vi.waitFor(() => expect(exportsDone.length).toBe(round), { timeout: 10_000 });
      // The store is finished and waiting; the cache in use is still open and still the same.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(vault.db).toBe(first);
      expect(first.open).toBe(true);
      exportsDone[round - 1]();
    }
    expect((await result)?.rows).toBe(1 + 2 + 3 + entryCount + 1 + 1);
    expect(asked).toEqual([
      { cacheOpen: true, stagingBuilt: true },
      { cacheOpen: true, stagingBuilt: true },
      { cacheOpen: true, stagingBuilt: true },
    ]);
    expect(vault.db).not.toBe(first);
    expect(count(vault.db, 'log_entry')).toBe(entryCount);
  });

  it('resumes a cut answer from the first frame it did not finish', async () => {
    const stream = await serve();
    // Cut inside frame 6.
    const cutAt = stream.frames.slice(0, 6).reduce((sum, f) => sum + f.length, 0) + 20;
    server!.cutNextAfter(cutAt);
    const result = await run();
    expect(result?.rows).toBe(1 + 2 + 3 + entryCount + 1 + 1);
    expect(server!.requests.length).toBe(2);
    expect(server!.requests[1].get('snapshot')).toBe(stream.snapshotId);
    expect(server!.requests[1].get('from')).toBe('6');
    expect(count(vault.db, 'log_entry')).toBe(entryCount);
  });

  it('refuses the whole snapshot when a frame does not match its checksum, and keeps the cache in use as it was', async () => {
    await serve({ tamper: (h) => (h.kind === 'rows' && h.no === 8 ? { ...h, sha256: 'f'.repeat(64) } : h) });
    const before = vault.db;
    await expect(run()).rejects.toMatchObject({ code: 'invalid_server_response', message: expect.stringContaining('checksum') });
    expect(vault.db).toBe(before);
    expect(readSyncState(before).cursor).toBe(0);
    expect(existsSync(vault.paths.staging)).toBe(false);
  });

  it('refuses the whole snapshot when a frame of entries, checksum and all, is not JSON but JSON5, which SQLite alone would read', async () => {
    // The loader reads entries without checking their syntax (the search thread does): a trailing comma, a hex number, a comment.
    for (const rewrite of [(json: string) => `${json.slice(0, -1)},]`, (json: string) => json.replace('"u1",0,', '"u1",0x0,'), (json: string) => `/* */${json}`]) {
      // A frame of older entries (the recent ones are also read on the core's thread, by JSON.parse).
      await serve({ rewrite: (table, json) => (table === 'log_entry' && json.includes(entryIds[300]) ? rewrite(json) : json) });
      const before = vault.db;
      const refused = await run().catch((error: unknown) => error);
      expect(refused, String(refused)).toMatchObject({ code: 'invalid_server_response', message: expect.stringContaining('not JSON') });
      expect(vault.db).toBe(before);
      expect(readSyncState(before).cursor).toBe(0);
      expect(readdirSync(vault.paths.dir).filter((name) => name.includes('staging'))).toEqual([]);
      client?.close();
      await server?.close();
      server = null;
    }
  });

  it('refuses the whole snapshot when a table does not add up to its count', async () => {
    await serve({ tamper: (h) => (h.kind === 'table-end' && h.table === 'log_entry' ? { ...h, count: h.count - 1 } : h) });
    await expect(run()).rejects.toMatchObject({ code: 'invalid_server_response', message: expect.stringContaining('did not add up') });
    expect(readSyncState(vault.db).cursor).toBe(0);
    expect(existsSync(vault.paths.staging)).toBe(false);
  });

  it('refuses a snapshot naming a column the cache does not have, before writing anything', async () => {
    const tables = dataset();
    tables[1] = { ...tables[1], columns: [...tables[1].columns.slice(0, 4), 'owner_secret'] };
    await serve({ tables });
    await expect(run()).rejects.toMatchObject({ code: 'invalid_server_response', message: expect.stringContaining('owner_secret') });
    expect(count(vault.db, 'tenant')).toBe(0);
  });

  it('refuses a row that does not fit the cache (a value its CHECK refuses), whole', async () => {
    const tables = dataset();
    tables[3].rows[200][4] = 'gossip';
    await serve({ tables });
    await expect(run()).rejects.toBeInstanceOf(PlantdeskError);
    expect(readSyncState(vault.db).cursor).toBe(0);
    expect(existsSync(vault.paths.staging)).toBe(false);
  });

  it('refuses a row that does not fit even when the connection breaks while its frame is being inserted: no resume past it', async () => {
    const tables = dataset();
    tables[3].rows[200][4] = 'gossip';
    const stream = await serve({ tables });
    // The connection breaks just after the frame holding that row, with its insert queued.
    let rows = 0;
    const bad = stream.frames.findIndex((frame) => {
      const header = JSON.parse(frame.subarray(0, frame.indexOf(0x0a)).toString('utf8')) as FrameHeader;
      if (header.kind !== 'rows' || header.table !== 'log_entry') return false;
      rows += header.count;
      return rows > 200;
    });
    server!.cutNextAfter(stream.frames.slice(0, bad + 1).reduce((sum, f) => sum + f.length, 0) + 5);
    await expect(run()).rejects.toMatchObject({ code: 'invalid_server_response' });
    expect(server!.requests).toHaveLength(1);
    expect(existsSync(vault.paths.staging)).toBe(false);
  });

  it('starts again with a new snapshot when the server no longer keeps the one it was resuming', async () => {
    const stream = await serve();
    server!.cutNextAfter(stream.frames.slice(0, 4).reduce((sum, f) => sum + f.length, 0) + 5);
    server!.failNext(409, 'bootstrap_gone', { onResume: true });
    const result = await run();
    expect(result?.seq).toBe(41);
    expect(server!.requests.map((q) => q.get('from'))).toEqual([null, '4', null]);
    expect(count(vault.db, 'log_entry')).toBe(entryCount);
  });

  it('leaves a first sync to pull when the server has no snapshots', async () => {
    await serve();
    const old = new ServerClient({ baseUrl: `${server!.url}/old`, timeoutMs: 5_000 });
    try {
      await expect(bootstrapCache({ vault, client: old, token: 't', tenantId, now: () => new Date() })).resolves.toBeNull();
      expect(existsSync(vault.paths.staging)).toBe(false);
    } finally {
      old.close();
    }
  });
});
