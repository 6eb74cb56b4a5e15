import { rmSync } from 'node:fs';
import { searchStagingPath, sqliteSidecars, stagingSidecars } from '../files';
import type { SqliteDatabase } from '../open';
import { syncedTables } from '../rows';
import { tableColumns } from '../writes';
import type { PageKey } from '../page-cipher';
import type { BulkLoader } from './loader-thread';

/**
 * The store a first sync builds beside the cache (SYNC.md "First sync"): made with the cache's
 * own schema and key, then stripped of its secondary indexes and triggers so rows go in at the
 * cost of their pages; each index is built afterwards in one pass, the full-text index from the
 * finished tables, and the triggers put back, leaving a schema identical to a migrated store's.
 */
export interface StagingPlan {
  path: string;
  /** Dropped before loading and created again, in this order (see indexSortBudgetRows). */
  indexes: { name: string; table: string; sql: string }[];
  triggers: { name: string; sql: string }[];
  /** Per table, the columns a snapshot may fill (all but the local ones), with the default a NOT NULL one takes for a null. */
  columns: Map<string, Map<string, { defaultOnNull: string | null }>>;
  /**
   * Tables with a local row number (log_entry's row_no, the full-text index's rowid), which the
   * lists and the search take as the order of arrival: newer rows are numbered higher.
   */
  numbered: Set<string>;
}

/**
 * An INSERT of a snapshot table's rows from one payload: `sql` reads them from the payload's
 * JSON text (bound as bytes, `@text`), `columns` values in each row.
 */
export interface SnapshotInsert {
  sql: string;
  columns: number;
}

/** Tables a snapshot may fill: the synced ones and the downloaded audit trail. */
export const snapshotTables: readonly string[] = [...syncedTables, 'audit_event'];
/** Columns that are this workstation's own, never sent by the server. */
const localColumns = new Set(['row_no', 'pending_mutation_id']);

/**
 * While it is built nothing else opens the file and a crash means building it again, so it
 * keeps no journal file: its rollback journal is in memory, and holds next to nothing, since
 * almost every page is new (OFF is refused on a defensive connection, and the store is created
 * in WAL, which wrote each page twice and made the last commit copy the whole load: 1M entries,
 * client only, 28.4-29.1 s in WAL, 23.3-24.3 s without). Temp data stays in memory (never a
 * plaintext temp file). Its page cache is small: its rereads are cheap (below), and the first
 * sync's memory (RSS goal 400 MB with the window's cache, the core and the loader
 * together) went above 500 MB with 128 MB. 8 MB took nothing off the speed against 32 MB, nor
 * did 64 MB with the indexes live. (An index build's sort is not bounded by it:
 * with temp files in memory SQLite keeps every key of the sort in memory; see indexSortBudgetRows.)
 *
 * Its pages are read back, by each index build and the full-text build, in the store's own page
 * cipher with every page's tag checked: under AEGIS-256 (page-cipher.ts) that check is cheap.
 * (Under SQLCipher's scheme the HMAC check was most of what those rereads cost, and a build ran
 * with it off.)
 */
export const stagingPragmas: readonly string[] = ['journal_mode = MEMORY', 'synchronous = OFF', 'locking_mode = EXCLUSIVE', 'temp_store = MEMORY', 'cache_size = -8192'];

export function removeStagingFiles(path: string): void {
  for (const file of [path, ...stagingSidecars(path)]) rmSync(file, { force: true });
}

/**
 * A store built in bulk reads each table once per index it builds, and every page it reads is
 * decrypted and checked: larger pages mean fewer of those per byte. 1M entries, under SQLCipher's
 * scheme with its HMAC checked, load + indexes + full-text: 4 KiB pages 16.7 + 24.0 + 8.3 s;
 * 16 KiB 16.2 + 17.1 + 7.2 s (8 KiB about the same as 16). The cache keeps the page size it was
 * built with; small writes later rewrite larger pages, which the store bench's 4 KiB choice was
 * about (bulk pulls).
 */
export const stagingPageSize = 16_384;

/**
 * Creates the staging file through `open` (the cache's own opener: same key, same migrations),
 * records and drops what would slow a bulk load, and closes it for the loader thread.
 */
export function prepareStagingStore(path: string, open: (path: string, options: { pageSize: number }) => SqliteDatabase): StagingPlan {
  removeStagingFiles(path);
  const db = open(path, { pageSize: stagingPageSize });
  try {
    const schema = db.prepare("SELECT type, name, tbl_name AS \"table\", sql FROM sqlite_schema WHERE type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY rowid").all() as { type: string; name: string; table: string; sql: string }[];
    const indexes = schema.filter((item) => item.type === 'index').map(({ name, table, sql }) => ({ name, table, sql }));
    const triggers = schema.filter((item) => item.type === 'trigger').map(({ name, sql }) => ({ name, sql }));
    const columns = new Map<string, Map<string, { defaultOnNull: string | null }>>();
    const numbered = new Set<string>();
    for (const table of snapshotTables) {
      const { all, defaults, rowNumbered } = tableColumns(db, table);
      columns.set(table, new Map([...all].filter((name) => !localColumns.has(name)).map((name) => [name, { defaultOnNull: defaults.get(name) ?? null }])));
      if (rowNumbered) numbered.add(table);
    }
    db.transaction(() => {
      for (const trigger of triggers) db.exec(`DROP TRIGGER ${trigger.name}`);
      for (const index of indexes) db.exec(`DROP INDEX ${index.name}`);
    })();
    return { path, indexes, triggers, columns, numbered };
  } finally {
    db.close();
  }
}

/**
 * The INSERT for a snapshot table's rows with these columns. The names come from the server:
 * each must be a column of the cache's table, so nothing else reaches SQL. A null the server
 * sends for a NOT NULL column with a default (a value the server's own row did not have, which
 * a pull would have left out) takes that default, as an insert without the column would.
 */
export function insertStatement(plan: StagingPlan, table: string, columns: readonly string[]): SnapshotInsert {
  const allowed = plan.columns.get(table);
  if (!allowed) throw new TypeError(`the cache keeps no table ${JSON.stringify(table)}`);
  const seen = new Set<string>();
  const values: string[] = [];
  for (const [i, column] of columns.entries()) {
    const known = allowed.get(column);
    if (!known || seen.has(column)) throw new TypeError(`${table} has no column ${JSON.stringify(column)} to fill`);
    seen.add(column);
    // Value i of the row: SQL's own (JSON's true and false as 1 and 0, an object or array as its
    // JSON text). The default is the schema's own text (pragma_table_info), never the server's.
    const value = `value ->> ${i}`;
    values.push(known.defaultOnNull === null ? value : `coalesce(${value}, ${known.defaultOnNull})`);
  }
  // jsonb_each gives the rows in the payload's order: a numbered table's rows are numbered in it.
  return { sql: `INSERT INTO ${table} (${columns.join(', ')}) SELECT ${values.join(', ')} ${payloadRows(columns.length)}`, columns: columns.length };
}

/**
 * Every row goes in under one transaction: a commit writes (and encrypts) every page it dirtied,
 * and each frame's random ids dirty much of the id index, so a commit per frame rewrote that
 * index again and again (200k entries: 42k rows/s encrypted against 86k with one commit, and
 * 117k / 97k plain). Without a journal a crash loses the whole store either way, and the store
 * is built again; a frame that fails refuses the whole store, which is deleted (so a frame
 * needs no savepoint of its own).
 */
export async function beginLoad(loader: BulkLoader): Promise<void> {
  await loader.exec('BEGIN');
}

export async function endLoad(loader: BulkLoader): Promise<void> {
  await loader.exec('COMMIT');
}

export async function countRows(loader: BulkLoader, table: string): Promise<number> {
  if (!snapshotTables.includes(table)) throw new TypeError(`not a snapshot table: ${table}`);
  const [row] = await loader.all<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
  return row.n;
}

export async function createIndex(loader: BulkLoader, index: { sql: string }): Promise<void> {
  await loader.exec(index.sql);
}

/**
 * How many rows of a table go in before its indexes are built. An index build sorts its keys in
 * memory (temp_store: a sort spilled to a temp file would be plaintext), about 100 bytes per row
 * for the widest entry index, and holds them all until the sort ends. So a table is loaded bare
 * up to this many rows, its indexes are built from those, and the rest of its rows go in with
 * the indexes live: the sort's memory stops growing with the table. 1M entries, client only:
 * all rows first and then every index 27-29 s, peak RSS 293-320 MB; every index live from the
 * start 32-37 s, 223-261 MB; built at 400,000 rows 29-31 s, 251-255 MB (at 700,000: 281-295 MB,
 * no faster; at 200,000: no less memory).
 */
export const indexSortBudgetRows = 400_000;

/**
 * Log entries per full-text statement when the loader builds the index: each is one segment
 * FTS5 merges (a statement inside the build's transaction flushes its pending terms), and a
 * step of progress.
 */
const searchRowsPerStep = 50_000;

/** The full-text rows of the log entries (`e`) `source` picks, as the insert triggers make them. */
function searchRowsSql(source: string): string {
  return `INSERT INTO log_entry_fts (rowid, body, equipment_tag, area_name, category, amendments)
    SELECT e.row_no, e.body, e.equipment_tag, (SELECT name FROM area WHERE id = e.area_id), e.category,
           (SELECT group_concat(a.body, ' ') FROM entry_amendment a WHERE a.entry_id = e.id)
    ${source}`;
}

/**
 * The rows of the payload bound as `@text`, for an INSERT ... SELECT. A row that is not an array
 * of `columns` values stops the statement, which takes back what it inserted: json() of text
 * that is not JSON is an error (of the row's own type, so SQLite does not work it out once,
 * before any row).
 */
function payloadRows(columns: number): string {
  const shaped = `CASE WHEN typeof(key) = 'integer' AND type = 'array' AND json_array_length(value) = ${wholeNumber(columns)} THEN 1 ELSE json(type || '!') END`;
  return `FROM jsonb_each(CAST(@text AS TEXT)) WHERE ${shaped}`;
}

const wholeNumber = (n: number) => {
  if (!Number.isSafeInteger(n) || n < 0) throw new TypeError(`not a row number: ${n}`);
  return n;
};

/** Indexes the log entries numbered in (from, to], from the finished tables. */
async function indexSearchRows(loader: BulkLoader, from: number, to: number): Promise<void> {
  await loader.exec(searchRowsSql(`FROM log_entry e WHERE e.row_no > ${wholeNumber(from)} AND e.row_no <= ${wholeNumber(to)}`));
}

/**
 * Indexes again the entries indexed beside the load (numbered up to `through`) that have
 * amendments: those arrive after the entries, and the full-text row holds their text.
 */
export async function indexAmendedEntriesAgain(loader: BulkLoader, through: number): Promise<void> {
  // The amended entries' numbers first, from the id index alone (CROSS JOIN keeps the order: the
  // few amendments drive), then their rows in number order: asking every entry for amendments
  // scanned the table, and fetching them in the amendments' order read pages at random
  // (20,000 amended of 1M: 2.9 s).
  const numbers = `SELECT e.row_no FROM (SELECT DISTINCT entry_id FROM entry_amendment) a CROSS JOIN log_entry e ON e.id = a.entry_id WHERE e.row_no <= ${wholeNumber(through)}`;
  await loader.exec(`DELETE FROM log_entry_fts WHERE rowid IN (${numbers})`);
  await loader.exec(searchRowsSql(`FROM log_entry e WHERE e.row_no IN (${numbers})`));
}

/**
 * Builds the full-text index from the finished tables on the loader's thread (when it was not
 * built beside the load), a range of local row numbers at a time (progress, and segments FTS5
 * merges as it goes).
 */
export async function buildSearchIndex(loader: BulkLoader, onStep: (done: number, total: number) => void): Promise<void> {
  const [{ n: total, top }] = await loader.all<{ n: number; top: number | null }>('SELECT count(*) AS n, max(row_no) AS top FROM log_entry');
  let done = 0;
  onStep(done, total);
  for (let start = 0; top !== null && start < top; start += searchRowsPerStep) {
    await indexSearchRows(loader, start, start + searchRowsPerStep);
    done = Math.min(total, done + searchRowsPerStep);
    onStep(done, total);
  }
}

/**
 * The full-text index built beside the load, on a thread of its own, into a store of its own
 * under the cache's key (made by the cache's own opener, so its full-text table and settings are
 * the cache's), and copied in at the end. Built from the finished tables it was the last 2.7 s
 * of the loader's one thread (1M entries, client only), after every row was in, while the other
 * core stood idle: on the sync bench's one machine, the server and PostgreSQL use that core while
 * they read the snapshot, and nothing does for the last half of the load. Each entry's area name
 * comes from the areas, which a snapshot sends first; the few entries with amendments (sent after
 * the entries) are indexed again with them once all is in (indexAmendedEntriesAgain).
 */
export interface SearchBeside {
  path: string;
  plan: StagingPlan;
  /** Run once on the search thread's connection before the rows. */
  startSql: string;
  /** An entry frame's insert of what the index needs, numbered from `@first`; null when the columns are missing. */
  entries(columns: readonly string[]): SnapshotInsert | null;
  /** Indexes the entries inserted since the last time, in one statement (see searchRowsPerFlush). */
  flushSql: string;
}

/**
 * Entries the search thread indexes at a time. FTS5 writes out what it holds at every statement
 * within a transaction, each write a segment it merges later: a frame at a time, that was
 * thousands of segments at 1M entries, and the merging cost more than the whole build. So the
 * entries wait in a table in memory and go into the index this many at a time, as the build
 * from the finished tables does.
 */
export const searchRowsPerFlush = 50_000;

export function prepareSearchBeside(stagingPath: string, open: (path: string, options: { pageSize: number }) => SqliteDatabase): SearchBeside {
  const path = searchStagingPath(stagingPath);
  const plan = prepareStagingStore(path, open);
  return {
    path,
    plan,
    startSql: 'CREATE TEMP TABLE search_pending (rowid INTEGER PRIMARY KEY, body TEXT, equipment_tag TEXT, area_id TEXT, category TEXT)',
    flushSql: `INSERT INTO log_entry_fts (rowid, body, equipment_tag, area_name, category)
      SELECT p.rowid, p.body, p.equipment_tag, (SELECT name FROM area WHERE id = p.area_id), p.category FROM temp.search_pending p ORDER BY p.rowid;
      DELETE FROM temp.search_pending`,
    entries(columns) {
      const at = ['body', 'equipment_tag', 'area_id', 'category'].map((name) => columns.indexOf(name));
      if (at.includes(-1)) return null;
      const value = (i: number) => `value ->> ${wholeNumber(at[i])}`;
      return {
        sql: `INSERT INTO temp.search_pending (rowid, body, equipment_tag, area_id, category)
          SELECT @first + key, ${value(0)}, ${value(1)}, ${value(2)}, ${value(3)} ${payloadRows(columns.length)}`,
        columns: columns.length,
      };
    },
  };
}

/** Readies the search thread's connection: its waiting table, and the one transaction of its build. */
export async function startSearchBeside(thread: BulkLoader, beside: SearchBeside): Promise<void> {
  await thread.exec(beside.startSql);
  await beginLoad(thread);
}

/** Indexes the entries waiting on the search thread. */
export async function flushSearchBeside(thread: BulkLoader, beside: SearchBeside): Promise<void> {
  await thread.exec(beside.flushSql);
}

/** Indexes the last entries waiting and commits the search thread's build. */
export async function endSearchBeside(thread: BulkLoader, beside: SearchBeside): Promise<void> {
  await flushSearchBeside(thread, beside);
  await endLoad(thread);
}

/** The full-text index's own tables, but its settings (the same in both stores: the cache's schema). */
const searchIndexTables = ['log_entry_fts_data', 'log_entry_fts_idx', 'log_entry_fts_docsize'];

/**
 * Copies the index built beside into the store, in place of its empty one. FTS5 keeps a
 * contentless index in these tables alone, so a copy is the index itself. The loader's
 * connection must not have read its own index before (FTS5 keeps what it read of it): the
 * build touches it only after this. The store built beside is deleted once copied.
 */
export async function copySearchIndexIn(loader: BulkLoader, beside: SearchBeside, key: PageKey | null): Promise<void> {
  await loader.attach(beside.path, 'beside', key);
  const copy = searchIndexTables.flatMap((table) => [`DELETE FROM main.${table}`, `INSERT INTO main.${table} SELECT * FROM beside.${table}`]);
  await loader.execWritingShadowTables(copy.join(';\n'));
  await loader.exec('DETACH DATABASE beside');
  removeSearchBeside(beside);
}

/** Deletes the store built beside (copied in, or not used: the loader built the index itself). */
export function removeSearchBeside(beside: SearchBeside): void {
  for (const file of [beside.path, ...sqliteSidecars(beside.path)]) rmSync(file, { force: true });
}

export async function restoreTriggers(loader: BulkLoader, plan: StagingPlan): Promise<void> {
  for (const trigger of plan.triggers) await loader.exec(trigger.sql);
}

/** Where pull continues, and the policy the snapshot was made under. */
export async function recordSnapshotCursor(loader: BulkLoader, seq: number, policyVersion: string, at: string): Promise<void> {
  await loader.all('UPDATE sync_state SET cursor = ?, policy_version = ?, last_ok_at = ? WHERE id = 1 RETURNING id', [seq, policyVersion, at]);
  // The planner's statistics from a sample of each index (1M entries: 1.3 s in full, 0.3 s).
  await loader.exec('PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002');
}
