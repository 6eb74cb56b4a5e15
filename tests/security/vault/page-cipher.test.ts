import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreCorrupt } from '../../../main/core/store/errors';
import { openStoreDatabase, type SqliteDatabase } from '../../../main/core/store/open';
import { cipherPragmas, pageCipherOf, pageKey, rawKeyLiteral, reservedBytesOffset, type PageCipher } from '../../../main/core/store/page-cipher';

/**
 * The cache's page cipher: new files in AEGIS-256 under a key derived for it alone; files made
 * before in SQLCipher's scheme still open, are written and checkpointed in it. Whatever the
 * scheme, a page altered or moved on disk is refused, and a header that lies about the scheme
 * opens nothing.
 */
let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

const canary = 'PAGE-CIPHER-CANARY';

function newStore(dataKey: Buffer, newFileCipher?: PageCipher): { db: SqliteDatabase; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'plantdesk-page-cipher-'));
  dirs.push(dir);
  const path = join(dir, 'tenant.db');
  const db = openStoreDatabase({ path, cipher: { kind: 'encrypted', dataKey }, newFileCipher });
  db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO filler (body) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < 400; i++) insert.run(`${canary} ${i} ${'x'.repeat(1_000)}`);
  })();
  return { db, path };
}

/** A bare connection keyed with `literal` under `cipher`: the first read says whether it opens. */
function opensWith(path: string, cipher: PageCipher, literal: Buffer): boolean {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    for (const pragma of cipherPragmas(cipher)) db.pragma(pragma);
    db.key(literal);
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    return true;
  } catch {
    return false;
  } finally {
    db.close();
  }
}

function reopen(path: string, dataKey: Buffer): SqliteDatabase {
  return openStoreDatabase({ path, cipher: { kind: 'encrypted', dataKey }, backgroundCheckpoints: false });
}

const reservedBytes = (path: string) => readFileSync(path)[reservedBytesOffset];

/** Rewrites the header's reserved-bytes field, which names the file's scheme, to `value`. */
function claimReservedBytes(path: string, value: number): void {
  const file = readFileSync(path);
  file[reservedBytesOffset] = value;
  writeFileSync(path, file);
}

describe('a new cache file', () => {
  it('is AEGIS-256 (64 bytes reserved per page for nonce and tag), with no plaintext', () => {
    const dataKey = randomBytes(32);
    const { db, path } = newStore(dataKey);
    db.close();
    expect(pageCipherOf(path)).toBe('aegis-256');
    expect(reservedBytes(path)).toBe(64);
    const bytes = readFileSync(path);
    expect(bytes.subarray(0, 15).toString('latin1')).not.toBe('SQLite format 3');
    expect(bytes.includes(canary)).toBe(false);
  });

  it('is keyed with a key derived for AEGIS alone: the data key itself opens it under neither scheme', () => {
    const dataKey = randomBytes(32);
    const { db, path } = newStore(dataKey);
    db.close();
    expect(opensWith(path, 'aegis-256', pageKey(dataKey, 'aegis-256').literal)).toBe(true);
    expect(opensWith(path, 'aegis-256', rawKeyLiteral(dataKey))).toBe(false);
    expect(opensWith(path, 'sqlcipher', rawKeyLiteral(dataKey))).toBe(false);
    expect(opensWith(path, 'aegis-256', pageKey(randomBytes(32), 'aegis-256').literal)).toBe(false);
  });
});

/** Where the leaf pages of rows start in the file, past the first few, closing the store. */
function rowLeafOffsets(db: SqliteDatabase, count: number): { offsets: number[]; pageSize: number } {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const leaves = db.prepare("SELECT pageno FROM dbstat WHERE name = 'filler' AND pagetype = 'leaf' ORDER BY pageno LIMIT ? OFFSET 3").all(count) as { pageno: number }[];
  db.close();
  return { offsets: leaves.map(({ pageno }) => (pageno - 1) * pageSize), pageSize };
}

function expectRowsRefused(path: string, dataKey: Buffer): void {
  const again = reopen(path, dataKey);
  try {
    expect(() => again.prepare('SELECT count(*), sum(length(body)) FROM filler').get()).toThrow(/malformed/);
  } finally {
    again.close();
  }
}

describe('a page altered or moved on disk', () => {
  for (const cipher of ['aegis-256', 'sqlcipher'] as const) {
    it(`${cipher}: one byte changed in a page of rows is refused when read`, () => {
      const dataKey = randomBytes(32);
      const { db, path } = newStore(dataKey, cipher);
      const { offsets } = rowLeafOffsets(db, 1);
      const file = readFileSync(path);
      file[offsets[0] + 200] ^= 0x01;
      writeFileSync(path, file);
      expectRowsRefused(path, dataKey);
    });

    it(`${cipher}: two whole pages of rows swapped are refused (each page is bound to its number)`, () => {
      const dataKey = randomBytes(32);
      const { db, path } = newStore(dataKey, cipher);
      const { offsets: [a, b], pageSize } = rowLeafOffsets(db, 2);
      const file = readFileSync(path);
      const pageA = Buffer.from(file.subarray(a, a + pageSize));
      file.copy(file, a, b, b + pageSize);
      pageA.copy(file, b);
      writeFileSync(path, file);
      expectRowsRefused(path, dataKey);
    });
  }
});

describe('a header that names the other scheme', () => {
  it('opens nothing: an AEGIS file claiming SQLCipher is refused with the right key, as a wrong key would be', () => {
    const dataKey = randomBytes(32);
    const { db, path } = newStore(dataKey);
    db.close();
    claimReservedBytes(path, 80);
    expect(pageCipherOf(path)).toBe('sqlcipher');
    expect(() => reopen(path, dataKey)).toThrow(StoreCorrupt);
    expect(() => reopen(path, dataKey)).toThrow(expect.objectContaining({ details: expect.objectContaining({ reason: 'key_rejected' }) }));
  });

  it('a header naming no scheme this app knows is keyed as AEGIS and refused', () => {
    const dataKey = randomBytes(32);
    const { db, path } = newStore(dataKey, 'sqlcipher');
    db.close();
    claimReservedBytes(path, 7);
    expect(pageCipherOf(path)).toBe('aegis-256');
    expect(() => reopen(path, dataKey)).toThrow(StoreCorrupt);
  });
});

describe('a cache made in SQLCipher scheme before', () => {
  it('opens by its header, takes writes, and its WAL is checkpointed in its own scheme', async () => {
    const dataKey = randomBytes(32);
    const dir = mkdtempSync(join(tmpdir(), 'plantdesk-page-cipher-'));
    dirs.push(dir);
    const path = join(dir, 'tenant.db');
    openStoreDatabase({ path, cipher: { kind: 'encrypted', dataKey }, newFileCipher: 'sqlcipher', backgroundCheckpoints: false }).close();
    expect(pageCipherOf(path)).toBe('sqlcipher');
    expect(reservedBytes(path)).toBe(80);
    // Opened as the app opens it, with the checkpoint thread: no cipher named anywhere.
    const db = openStoreDatabase({ path, cipher: { kind: 'encrypted', dataKey } });
    const sizeBefore = statSync(path).size;
    db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO filler (body) VALUES (?)');
    for (let t = 0; t < 4; t++) db.transaction(() => {
      for (let i = 0; i < 250; i++) insert.run(`${canary} ${t}-${i} ${'x'.repeat(2_000)}`);
    })();
    const until = Date.now() + 20_000;
    while (statSync(path).size <= sizeBefore && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 25));
    // Only the checkpoint thread writes the file here (the writer's backstop is at 128 MiB).
    expect(statSync(path).size).toBeGreaterThan(sizeBefore);
    db.close();
    expect(pageCipherOf(path)).toBe('sqlcipher');
    expect(readFileSync(path).includes(canary)).toBe(false);
    const again = reopen(path, dataKey);
    try {
      expect(again.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: 1_000 });
      expect(again.pragma('quick_check', { simple: true })).toBe('ok');
    } finally {
      again.close();
    }
    // Still keyed with the data key itself, as such files always were.
    expect(opensWith(path, 'sqlcipher', rawKeyLiteral(dataKey))).toBe(true);
  });
});
