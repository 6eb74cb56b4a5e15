import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { startBackgroundCheckpoints } from './background-checkpoints';
import { StoreCorrupt } from './errors';
import { ensurePrivateDir, ensurePrivateFile } from './files';
import { migrations as defaultMigrations, type Migration } from './migrations/index';
import { keyConnection, pageCipherOf, pageKey, type PageCipher, type PageKey } from './page-cipher';

export type SqliteDatabase = Database.Database;

/**
 * How the file is encrypted: 'encrypted' under a key from the 256-bit data key, in the file's
 * own page cipher (page-cipher.ts; a new file gets AEGIS-256). 'none' exists only so the
 * benchmark can measure the same module writing a plain file; the vault never opens a store
 * without a key.
 */
export type StoreCipher = { kind: 'encrypted'; dataKey: Uint8Array } | { kind: 'none' };

export interface OpenStoreOptions {
  path: string;
  cipher: StoreCipher;
  /** Tests and tools only; the app always runs the migrations it ships. */
  migrations?: readonly Migration[];
  /** Page size of a new file (default storePageSize); an existing file keeps its own. */
  pageSize?: number;
  /**
   * Checkpoint the WAL from a second connection on its own thread (background-checkpoints.ts).
   * On by default; off only where a test needs the writer alone on the file.
   */
  backgroundCheckpoints?: boolean;
  /** The cipher a new file is made with; tests make files of the scheme caches had before. */
  newFileCipher?: PageCipher;
}

/**
 * SQLite's default (and SQLCipher's). With checkpoints on their own thread, what the writer still
 * encrypts is the WAL: every page a commit dirties, and a batch of entries dirties the last leaf
 * of each area's and each author's index range whatever its size, so smaller pages write less.
 * bench/store.bench.ts, 1M entries, under SQLCipher's scheme: encrypted/plain 0.75 with 16 KiB
 * pages, 0.81 with 4 KiB.
 * Takes effect for new files; a store made with 16 KiB pages keeps them.
 */
export const storePageSize = 4_096;
/**
 * Page cache per open store (an upper bound: it fills only as far as the file is read). A miss
 * costs a decrypt and a check of the page's tag, not just a copy, but 256 MiB bought only ~0.01
 * on the encrypted/plain insert ratio (under SQLCipher's scheme) and took a 1M-entry initial sync
 * from ~320 to ~520 MB RSS (SYNC goal: 400 MB), so the cache stays at 64 MiB.
 */
export const storeCacheKiB = 64 * 1024;
/**
 * WAL size at which the writer checkpoints by itself. Normally the background thread
 * (background-checkpoints.ts) keeps the WAL far below this; it is the backstop should that
 * thread fall behind or fail to start. Each checkpoint decrypts every page it copies out of the
 * WAL and encrypts it again for the file, and pages rewritten between checkpoints are copied
 * once, so the backstop is large (bench/store.bench.ts: 32 -> 128 MiB, about +0.03 on the
 * encrypted/plain insert ratio when the writer checkpointed alone).
 */
export const storeCheckpointBytes = 128 * 1024 * 1024;

function isNotADatabase(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT';
}

/**
 * Opens (creating if needed) one store file: owner-only file and folder, the file's page cipher
 * keyed before the first read, WAL, synchronous=FULL, temp data in memory (never a plaintext
 * temp file), migrations applied. Throws StoreCorrupt when the file is not a database under
 * this key or its schema cannot be trusted.
 */
export function openStoreDatabase(options: OpenStoreOptions): SqliteDatabase {
  ensurePrivateDir(dirname(options.path));
  ensurePrivateFile(options.path);
  const db = new Database(options.path, { fileMustExist: true });
  const encrypted = options.cipher.kind === 'encrypted' ? options.cipher : null;
  const cipher = encrypted ? pageCipherOf(options.path, options.newFileCipher) : null;
  // Each receiver zeroes the literal it is given.
  const newKey = () => (encrypted && cipher ? pageKey(encrypted.dataKey, cipher) : null);
  try {
    const key = newKey();
    if (key) keyConnection(db, key);
    configure(db, options);
    if (options.backgroundCheckpoints ?? true) checkpointsInBackground(db, options.path, newKey());
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Checks the key, sets the pragmas and runs the migrations, on a connection keyed already. */
function configure(db: SqliteDatabase, options: OpenStoreOptions): void {
  try {
    // The first read decrypts page 1: a wrong key or a foreign file fails here.
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
  } catch (error) {
    if (isNotADatabase(error)) {
      throw new StoreCorrupt({ reason: options.cipher.kind === 'encrypted' ? 'key_rejected' : 'not_a_database' });
    }
    throw error;
  }
  // Takes effect on a new file only (see storePageSize).
  db.pragma(`page_size = ${options.pageSize ?? storePageSize}`);
  db.pragma(`cache_size = -${storeCacheKiB}`);
  db.pragma('temp_store = MEMORY');
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal') throw new StoreCorrupt({ reason: 'unreadable', detail: `journal_mode is ${String(mode)}` });
  db.pragma('synchronous = FULL');
  // The writer's own checkpoints are the backstop (storeCheckpointBytes): a checkpoint decrypts
  // and re-encrypts what it copies, and pages rewritten between checkpoints are copied once.
  db.pragma(`wal_autocheckpoint = ${Math.round(storeCheckpointBytes / (db.pragma('page_size', { simple: true }) as number))}`);
  db.pragma(`journal_size_limit = ${32 * 1024 * 1024}`);
  db.pragma('busy_timeout = 5000');
  migrate(db, options.migrations ?? defaultMigrations);
}

/**
 * Starts the checkpoint thread for this connection and makes closing the connection stop it
 * first: every owner of a store (vault lock and wipe, tests, tools) closes with db.close(), and
 * the thread's connection must be gone before the writer's close removes the WAL or a wipe
 * deletes the files.
 */
function checkpointsInBackground(db: SqliteDatabase, path: string, key: PageKey | null): void {
  const checkpoints = startBackgroundCheckpoints(path, key);
  const closeWriter = db.close.bind(db);
  db.close = () => {
    checkpoints.stop();
    return closeWriter();
  };
}

export function migrationChecksum(migration: Migration): string {
  return createHash('sha256').update(migration.sql).digest('hex');
}

/**
 * Applies the migrations this database has not seen, each in its own transaction, and checks
 * that the ones it has seen are byte for byte the ones this build ships.
 */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[]): void {
  migrations.forEach((m, index) => {
    if (m.version !== index + 1) throw new Error(`migration ${m.name} is numbered ${m.version}, expected ${index + 1}`);
  });
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL
  ) STRICT`);
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) throw new StoreCorrupt({ reason: 'schema_newer', detail: `schema ${current}, app knows ${migrations.length}` });
  const applied = db.prepare('SELECT version, checksum FROM schema_migrations ORDER BY version').all() as { version: number; checksum: string }[];
  for (const row of applied) {
    const known = migrations[row.version - 1];
    if (!known || migrationChecksum(known) !== row.checksum) {
      throw new StoreCorrupt({ reason: 'migration_changed', detail: `migration ${row.version} differs from the one this database ran` });
    }
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)');
  for (const migration of migrations.slice(current)) {
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, migrationChecksum(migration), new Date().toISOString());
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}

/**
 * Refreshes the query planner's statistics where they are stale (after an initial sync or a
 * large pull); cheap when nothing changed. Without it, filtered pages may pick a poor index.
 */
export function optimizeStore(db: SqliteDatabase): void {
  db.pragma('optimize = 0x10002');
}
