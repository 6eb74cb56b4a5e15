import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlantdeskError } from '../../../../../shared/errors';
import { exportToFile } from '../../../../../main/core/exports/engine/export-to-file';
import { pagedRows } from '../../../../../main/core/exports/engine/row-sources';
import type { ExportColumn, ExportProgress } from '../../../../../main/core/exports/engine/types';
import { entryColumns, leftoverTempFiles, manyEntries, readJsonLines, type Entry } from '../fixtures';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'plantdesk-export-api-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function exportError(run: () => Promise<unknown>): Promise<PlantdeskError> {
  const error = await run().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PlantdeskError);
  return error as PlantdeskError;
}

describe('progress', () => {
  it('reports rows and bytes that only grow, and ends with exactly the result', async () => {
    const events: ExportProgress[] = [];
    const result = await exportToFile(
      { columns: entryColumns, rows: manyEntries(30_000), rowsTotal: 30_000 },
      { format: 'csv', path: join(dir, 'progress.csv'), progressIntervalMs: 0, onProgress: (p) => events.push(p) },
    );
    expect(events.length).toBeGreaterThan(2);
    for (let i = 1; i < events.length; i++) {
      expect(events[i].rowsDone).toBeGreaterThanOrEqual(events[i - 1].rowsDone);
      expect(events[i].bytesWritten).toBeGreaterThanOrEqual(events[i - 1].bytesWritten);
    }
    expect(events.every((p) => p.rowsTotal === 30_000)).toBe(true);
    expect(events.at(-1)).toEqual({ rowsDone: 30_000, rowsTotal: 30_000, bytesWritten: result.bytes });
  });

  it('leaves rowsTotal out when the caller does not know it', async () => {
    const events: ExportProgress[] = [];
    await exportToFile({ columns: entryColumns, rows: manyEntries(10) }, { format: 'jsonl', path: join(dir, 'no-total.jsonl'), onProgress: (p) => events.push(p) });
    expect(events.at(-1)).toEqual({ rowsDone: 10, bytesWritten: expect.any(Number) });
    expect('rowsTotal' in (events.at(-1) as object)).toBe(false);
  });
});

describe('row sources', () => {
  it('reads an async iterable and a synchronous one to the same bytes', async () => {
    async function* slowly() {
      for (const entry of manyEntries(2_000)) {
        await Promise.resolve();
        yield entry;
      }
    }
    const fromSync = await exportToFile({ columns: entryColumns, rows: manyEntries(2_000) }, { format: 'xlsx', path: join(dir, 'sync.xlsx') });
    const fromAsync = await exportToFile({ columns: entryColumns, rows: slowly() }, { format: 'xlsx', path: join(dir, 'async.xlsx') });
    expect(fromAsync.sha256).toBe(fromSync.sha256);
    expect(fromAsync.rows).toBe(2_000);
  });

  it('pages through a keyset-paged query until its cursor runs out', async () => {
    const all = [...manyEntries(7)];
    const cursors: Array<string | null> = [];
    const fetchPage = async (after: string | null) => {
      cursors.push(after);
      const start = after === null ? 0 : Number(after);
      const items = all.slice(start, start + 3);
      return { items, next: start + 3 < all.length ? String(start + 3) : null };
    };
    const path = join(dir, 'paged.jsonl');
    const result = await exportToFile({ columns: entryColumns, rows: pagedRows(fetchPage) }, { format: 'jsonl', path });
    expect(cursors).toEqual([null, '3', '6']);
    expect(result.rows).toBe(7);
    expect(readJsonLines(path).map((row) => (row as Entry).id)).toEqual(all.map((entry) => entry.id));
  });

  it('reads a computed column through its value function', async () => {
    const columns: ExportColumn<Entry>[] = [
      { key: 'id', header: 'Entry', type: 'string' },
      { key: 'bodyLength', header: 'Length', type: 'integer', value: (row) => row.body?.length ?? null },
    ];
    const path = join(dir, 'computed.csv');
    await exportToFile({ columns, rows: [{ ...[...manyEntries(1)][0], body: 'four' }] }, { format: 'csv', path });
    expect(readFileSync(path, 'utf8').split('\r\n')[1]).toMatch(/,4$/);
  });
});

describe('failures that are not the disk', () => {
  it('refuses a spec that cannot work before any file exists', async () => {
    const path = join(dir, 'never.csv');
    const bad: Array<readonly ExportColumn[]> = [
      [],
      [
        { key: 'a', header: 'A', type: 'string' },
        { key: 'a', header: 'Again', type: 'string' },
      ],
      [{ key: 'a', header: 'A', type: 'money' as never }],
      [{ key: 'a', header: 'A', type: 'string', width: 0 }],
    ];
    for (const columns of bad) {
      const error = await exportError(() => exportToFile({ columns, rows: [] }, { format: 'csv', path }));
      expect(error.code).toBe('invalid_request');
    }
    const unknownFormat = await exportError(() => exportToFile({ columns: entryColumns, rows: [] }, { format: 'pdf' as never, path }));
    expect(unknownFormat.code).toBe('invalid_request');
    expect(existsSync(path)).toBe(false);
    expect(leftoverTempFiles(dir)).toEqual([]);
  });

  it('stops at a value that does not fit its column, naming the row and the column, and closes the row source', async () => {
    const path = join(dir, 'bad-value.xlsx');
    let closed = false;
    function* rows(): Generator<Entry> {
      try {
        yield* manyEntries(5);
        yield { ...[...manyEntries(1)][0], occurredAt: 'next Tuesday' };
        yield* manyEntries(5);
      } finally {
        closed = true;
      }
    }
    const error = await exportError(() => exportToFile({ columns: entryColumns, rows: rows() }, { format: 'xlsx', path }));
    expect(error.code).toBe('export_failed');
    expect(error.details).toEqual({ row: 6, column: 'occurredAt', expected: 'an ISO-8601 date-time with Z or an offset' });
    expect(error.message).toContain('row 6');
    expect(closed).toBe(true);
    expect(existsSync(path)).toBe(false);
    expect(leftoverTempFiles(dir)).toEqual([]);
  });

  it("passes on the row source's own typed error (the store locked mid-export)", async () => {
    function* rows(): Generator<Entry> {
      yield* manyEntries(3);
      throw new PlantdeskError('locked');
    }
    const error = await exportError(() => exportToFile({ columns: entryColumns, rows: rows() }, { format: 'csv', path: join(dir, 'locked.csv') }));
    expect(error.code).toBe('locked');
    expect(leftoverTempFiles(dir)).toEqual([]);
  });

  it('turns a failing progress callback into export_failed and keeps the earlier file', async () => {
    const path = join(dir, 'kept.csv');
    writeFileSync(path, 'earlier export\r\n');
    const error = await exportError(() =>
      exportToFile(
        { columns: entryColumns, rows: manyEntries(20_000) },
        {
          format: 'csv',
          path,
          progressIntervalMs: 0,
          onProgress: () => {
            throw new Error('listener bug');
          },
        },
      ),
    );
    expect(error.code).toBe('export_failed');
    expect(error.cause).toEqual(new Error('listener bug'));
    expect(readFileSync(path, 'utf8')).toBe('earlier export\r\n');
    expect(leftoverTempFiles(dir)).toEqual([]);
  });
});

describe('atomic replacement', () => {
  it('leaves the earlier file whole while the export runs, and replaces it only at the end', async () => {
    const path = join(dir, 'replace.jsonl');
    writeFileSync(path, 'earlier\n');
    const seenDuringExport = new Set<string>();
    const tempFilesSeen = new Set<string>();
    const result = await exportToFile(
      { columns: entryColumns, rows: manyEntries(20_000) },
      {
        format: 'jsonl',
        path,
        progressIntervalMs: 0,
        onProgress: () => {
          seenDuringExport.add(readFileSync(path, 'utf8'));
          for (const name of leftoverTempFiles(dir)) tempFilesSeen.add(name);
        },
      },
    );
    // Every progress event, the last one included, comes before the rename.
    expect([...seenDuringExport]).toEqual(['earlier\n']);
    expect(tempFilesSeen.size).toBe(1);
    expect(readJsonLines(path)).toHaveLength(result.rows);
    expect(readdirSync(dir).filter((name) => name.startsWith('.plantdesk-export-'))).toEqual([]);
  });
});
