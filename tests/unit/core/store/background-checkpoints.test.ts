import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStoreDatabase, type SqliteDatabase, type StoreCipher } from '../../../../main/core/store/open';

/**
 * The WAL is copied into the database file by a second connection on its own thread, not by
 * the writer. The writer's own auto-checkpoint only starts at 128 MiB of WAL, far above what
 * these tests write, so a database file that grows while the writer only commits can only
 * have been written by the checkpoint thread.
 */
let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

const marker = 'BACKGROUND-CHECKPOINT-CANARY';

function openStore(cipher: StoreCipher, backgroundCheckpoints?: boolean): { db: SqliteDatabase; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'plantdesk-checkpoints-'));
  dirs.push(dir);
  const path = join(dir, 'tenant.db');
  return { db: openStoreDatabase({ path, cipher, backgroundCheckpoints }), path };
}

/** About 4 MB of committed pages, in several transactions, none of which checkpoints by itself. */
function commitPages(db: SqliteDatabase): void {
  db.exec('CREATE TABLE IF NOT EXISTS filler (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO filler (body) VALUES (?)');
  for (let t = 0; t < 8; t++) {
    db.transaction(() => {
      for (let i = 0; i < 250; i++) insert.run(`${marker} ${t}-${i} ${'x'.repeat(2_000)}`);
    })();
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return condition();
}

describe('WAL checkpoints run on their own thread', () => {
  it('copies committed pages into the encrypted file while the writer only commits', async () => {
    const { db, path } = openStore({ kind: 'encrypted', dataKey: randomBytes(32) });
    const before = statSync(path).size;
    commitPages(db);
    expect(await waitFor(() => statSync(path).size > before + 3_000_000)).toBe(true);
    // What the thread wrote is encrypted like the rest: no page of the file shows the text.
    expect(readFileSync(path).includes(Buffer.from(marker))).toBe(false);
    db.close();
  });

  it('without the thread, the same commits leave the file as it was (the check above can fail)', async () => {
    const { db, path } = openStore({ kind: 'encrypted', dataKey: randomBytes(32) }, false);
    const before = statSync(path).size;
    commitPages(db);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(statSync(path).size).toBe(before);
    db.close();
  });

  it('stops the thread on close, so the writer, last to close, folds the WAL in and removes it', () => {
    const key = randomBytes(32);
    const { db, path } = openStore({ kind: 'encrypted', dataKey: key });
    commitPages(db);
    db.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(existsSync(`${path}-shm`)).toBe(false);
    const reopened = openStoreDatabase({ path, cipher: { kind: 'encrypted', dataKey: key }, backgroundCheckpoints: false });
    expect(reopened.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: 2_000 });
    reopened.close();
  });

  it('keeps every commit when the thread and the writer work at once', async () => {
    const key = randomBytes(32);
    const { db, path } = openStore({ kind: 'encrypted', dataKey: key });
    const before = statSync(path).size;
    for (let round = 0; round < 5; round++) commitPages(db);
    await waitFor(() => statSync(path).size > before + 15_000_000);
    db.close();
    const reopened = openStoreDatabase({ path, cipher: { kind: 'encrypted', dataKey: key }, backgroundCheckpoints: false });
    expect(reopened.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: 10_000 });
    expect(reopened.pragma('integrity_check', { simple: true })).toBe('ok');
    reopened.close();
  });
});
