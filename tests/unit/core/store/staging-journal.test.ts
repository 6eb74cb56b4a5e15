import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BulkLoadFailed, startBulkLoader, type BulkLoader } from '../../../../main/core/store/bulk-load/loader-thread';
import { beginLoad, endLoad, insertStatement, prepareStagingStore, stagingPragmas, type StagingPlan } from '../../../../main/core/store/bulk-load/staging';
import { openStoreDatabase } from '../../../../main/core/store/open';
import { pageCipherOf, pageKey } from '../../../../main/core/store/page-cipher';

/**
 * The store a first sync builds is written once, page by page: no WAL (the cache's own mode,
 * which the staging file is created in and which wrote every page twice, then copied the whole
 * load at its one commit) and no journal file.
 */
let dir: string;
let path: string;
let key: Buffer;
let plan: StagingPlan;
let loader: BulkLoader | null = null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'plantdesk-staging-journal-'));
  path = join(dir, 'staging.db');
  key = randomBytes(32);
  plan = prepareStagingStore(path, (file, options) => openStoreDatabase({ path: file, cipher: { kind: 'encrypted', dataKey: key }, backgroundCheckpoints: false, pageSize: options.pageSize }));
});

afterEach(async () => {
  await loader?.close();
  loader = null;
  rmSync(dir, { recursive: true, force: true });
});

const columns = ['id', 'shift_log_id', 'area_id', 'category', 'severity', 'body', 'occurred_at', 'recorded_at', 'author_id'];
/** About 12 MB of entries: more than the staging page cache holds, so pages leave it mid-transaction. */
function entryFrame(count: number): Uint8Array {
  const rows = Array.from({ length: count }, (_, i) => [randomUUID(), 'log-1', 'area-1', 'operations', 'low', `round ${i} ${'x'.repeat(4_000)}`, '2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z', 'u1']);
  return new TextEncoder().encode(JSON.stringify(rows));
}

const sidecars = () => [`${path}-wal`, `${path}-journal`].filter((file) => existsSync(file));

describe('the staging store of a first sync', () => {
  it('is built without a WAL or a journal file, though the store was created in WAL', async () => {
    loader = await startBulkLoader(path, pageKey(key, pageCipherOf(path)), stagingPragmas);
    expect(await loader.all('PRAGMA journal_mode')).toEqual([{ journal_mode: 'memory' }]);
    await beginLoad(loader);
    const insert = insertStatement(plan, 'log_entry', columns);
    for (let i = 0; i < 3; i++) expect((await loader.insertRows(insert, entryFrame(1_000))).rows).toBe(1_000);
    // Mid-transaction, with pages spilled out of the cache: still nothing beside the file.
    expect(sidecars()).toEqual([]);
    await endLoad(loader);
    expect(sidecars()).toEqual([]);
    expect(await loader.all('SELECT count(*) AS n FROM log_entry')).toEqual([{ n: 3_000 }]);
  });

  it('inserts nothing of a frame with a row of the wrong shape, inside the build\'s one transaction', async () => {
    loader = await startBulkLoader(path, pageKey(key, pageCipherOf(path)), stagingPragmas);
    await beginLoad(loader);
    const insert = insertStatement(plan, 'log_entry', columns);
    expect((await loader.insertRows(insert, entryFrame(100))).rows).toBe(100);
    // 199 good rows (three full statements of 64 first), then one a value short.
    const rows = JSON.parse(new TextDecoder().decode(entryFrame(200))) as unknown[][];
    rows[199] = rows[199].slice(1);
    await expect(loader.insertRows(insert, new TextEncoder().encode(JSON.stringify(rows)))).rejects.toThrow(/not an array of rows of 9 values each/);
    // Checked by the insert itself, which stops at that row and takes back the 199 before it.
    await expect(loader.insertRows(insert, new TextEncoder().encode(JSON.stringify(rows)), { strict: false })).rejects.toThrow(/not an array of rows of 9 values each/);
    await endLoad(loader);
    expect(await loader.all('SELECT count(*) AS n FROM log_entry')).toEqual([{ n: 100 }]);
  });

  it('refuses a payload that is not UTF-8 JSON, or not rows of the right shape, inserting nothing of it', async () => {
    loader = await startBulkLoader(path, pageKey(key, pageCipherOf(path)), stagingPragmas);
    await beginLoad(loader);
    const insert = insertStatement(plan, 'log_entry', columns);
    const good = JSON.stringify([randomUUID(), 'log-1', 'area-1', 'operations', 'low', 'a round', '2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z', 'u1']);
    // Fresh each time: a payload handed to the loader moves to its thread.
    const refused = (): [string, Uint8Array, RegExp][] => [
      // A body with a byte that is not UTF-8: SQLite would store it as it came.
      ['not UTF-8', Buffer.concat([Buffer.from(`[${good.slice(0, -1)}, `), Buffer.from([0x22, 0xff, 0xfe, 0x22]), Buffer.from(']]')]), /not UTF-8/],
      ['cut short', new TextEncoder().encode(`[${good}, ${good.slice(0, 20)}`), /not JSON/],
      // JSON5, which SQLite's own JSON reader would take.
      ['a comment', new TextEncoder().encode(`[${good} /* two */, ${good}]`), /not JSON/],
      ['a trailing comma', new TextEncoder().encode(`[${good}, ${good},]`), /not JSON/],
      ['a hex number', new TextEncoder().encode(`[${good.replace('"low"', '0x10')}]`), /not JSON/],
      ['an object', new TextEncoder().encode(`{"a": ${good}}`), /not an array of rows/],
      ['a row that is not an array', new TextEncoder().encode(`[${good}, "row"]`), /not an array of rows/],
      ['a row a value long', new TextEncoder().encode(`[${good}, ${good.slice(0, -1)}, 1]]`), /not an array of rows/],
    ];
    for (const [what, payload, error] of refused()) await expect(loader.insertRows(insert, payload), what).rejects.toThrow(error);
    // Left to another thread's check of the JSON, the rows' shape is still checked, and nothing of such a payload goes in.
    for (const [what, payload, error] of refused().filter(([, , error]) => String(error).includes('rows'))) {
      await expect(loader.insertRows(insert, payload, { strict: false }), what).rejects.toThrow(error);
    }
    expect((await loader.insertRows(insert, new TextEncoder().encode(`[${good}]`))).rows).toBe(1);
    await endLoad(loader);
    expect(await loader.all('SELECT count(*) AS n FROM log_entry')).toEqual([{ n: 1 }]);
  });

  it('stores each value as SQL takes it: true and false as 1 and 0, an object as its JSON text, numbers whole', async () => {
    loader = await startBulkLoader(path, pageKey(key, pageCipherOf(path)), stagingPragmas);
    const insert = insertStatement(plan, 'log_entry', [...columns, 'late', 'version', 'late_reason']);
    const row = (late: boolean, reason: unknown) => [randomUUID(), 'log-1', 'area-1', 'operations', 'low', 'ünïcode ✓ "quoted"', '2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z', 'u1', late, 2 ** 53, reason];
    // A version past 2^53, which a JS number would have rounded.
    const payload = new TextEncoder().encode(JSON.stringify([row(true, { why: 'power cut', at: [1, 2] }), row(false, null)]).replaceAll('9007199254740992', '9007199254740993'));
    expect((await loader.insertRows(insert, payload)).rows).toBe(2);
    const stored = await loader.all<{ late: number; version: bigint | number; late_reason: string | null; body: string }>('SELECT late, CAST(version AS TEXT) AS version, late_reason, body FROM log_entry ORDER BY row_no');
    expect(stored).toEqual([
      { late: 1, version: '9007199254740993', late_reason: '{"why":"power cut","at":[1,2]}', body: 'ünïcode ✓ "quoted"' },
      { late: 0, version: '9007199254740993', late_reason: null, body: 'ünïcode ✓ "quoted"' },
    ]);
  });

  it('refuses to start in a journal mode other than the one asked for', async () => {
    // OFF is what a defensive connection will not take: SQLite answers with the mode it keeps.
    const started = startBulkLoader(path, pageKey(key, pageCipherOf(path)), ['journal_mode = OFF']);
    await expect(started).rejects.toThrow(BulkLoadFailed);
    await expect(started).rejects.toMatchObject({ code: 'JOURNAL_MODE_REFUSED' });
  });
});
