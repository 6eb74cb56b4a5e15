import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { keyForWorker, type PageKey } from '../page-cipher';

/**
 * A connection to a store being built (a first sync's staging store) on a thread of its own, so
 * the rows, the index builds and the full-text build never hold up the core's thread, which
 * answers the window. It runs the SQL it is sent (written in store/bulk-load, never taken from
 * the network) and inserts rows from JSON payloads.
 *
 * Like the checkpoint thread, its code is a plain script (no build entry in the app, no
 * TypeScript loader under plain Node) that loads the writer's native module by its resolved
 * path, and it holds its own copy of the key literal only until SQLite has it.
 */
export interface BulkLoader {
  exec(sql: string): Promise<void>;
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * Inserts the rows of a JSON payload (an array of arrays of `columns` values each) with `sql`,
   * an INSERT ... SELECT that reads them from the payload's text, bound as `@text` (and `first`,
   * when given, as `@first`; staging.ts): within the transaction open on the connection, or in
   * one of its own. Resolves to the rows inserted and the connection's last inserted rowid. A
   * payload that is not UTF-8 JSON, or a row of the wrong shape, rejects and inserts nothing of
   * it (a row SQLite refuses rejects too: the caller discards the store). `strict: false` leaves
   * the JSON's syntax to another thread's check of the same payload (the rows' shape is still
   * checked): text SQLite would read as JSON5 then goes in.
   */
  insertRows(insert: { sql: string; columns: number }, payload: Uint8Array, options?: { first?: number; strict?: boolean }): Promise<{ rows: number; lastRowId: number }>;
  /** Attaches another store as `alias`, keyed with `key` (its literal zeroed here), or plain when null. */
  attach(path: string, alias: string, key: PageKey | null): Promise<void>;
  /**
   * Runs `sql` with writes to virtual tables' shadow tables allowed (the defensive connection
   * refuses them), and refuses them again after: for copying in an index built elsewhere.
   */
  execWritingShadowTables(sql: string): Promise<void>;
  close(): Promise<void>;
}

const threadSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { isUtf8 } = require('node:buffer');
// No lower priority than the core's: it is the first sync the person waits for, and its input
// is the download the core's thread reads. At nice 5 it queued behind that thread (1M entries
// end to end: 33.9 s, at 0: 28.0 s), and the window's calls were answered no faster for it.
const Database = require(workerData.modulePath);
// Hands a key literal moved to this thread to SQLite (after its cipher's pragmas), then zeroes
// it, whatever SQLite did.
function useKey(connection, keyLiteral, cipherPragmas, use) {
  const literal = Buffer.from(keyLiteral);
  try {
    for (const pragma of cipherPragmas) connection.pragma(pragma);
    use(literal);
  } finally {
    literal.fill(0);
    new Uint8Array(keyLiteral).fill(0);
  }
}
function openStore() {
  const db = new Database(workerData.path, { fileMustExist: true });
  if (workerData.keyLiteral) useKey(db, workerData.keyLiteral, workerData.cipherPragmas, (literal) => db.key(literal));
  for (const pragma of workerData.pragmas) {
    const answer = db.pragma(pragma, { simple: true });
    // SQLite answers a journal mode it will not take with the mode it keeps, not an error (a
    // defensive connection keeps its journal when told OFF): a build must not run in a mode it
    // did not choose, such as the WAL the store was created in, which writes every page twice.
    const [name, wanted] = pragma.split('=').map((part) => part.trim().toLowerCase());
    if (name === 'journal_mode' && String(answer).toLowerCase() !== wanted) {
      db.close();
      throw Object.assign(new Error('the store kept journal mode ' + answer + ' where ' + wanted + ' was asked'), { code: 'JOURNAL_MODE_REFUSED' });
    }
  }
  return db;
}
let db;
try {
  db = openStore();
} catch (error) {
  parentPort.postMessage({ id: 0, ok: false, message: String(error && error.message || error), code: error && error.code });
  process.exit(1);
}
const statements = new Map();
function prepared(sql) {
  let statement = statements.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}
// SQLite reads a payload's JSON itself, and the INSERT takes each row's values from its binary
// form (JSONB): no JS value per row, nor a call into SQLite per value (1M entries, client only,
// in turn: 13.5-13.9 s against 15.3-16.2 s with JSON.parse and a bound parameter per value).
// The text must be JSON: what SQLite's reader would also take as JSON5 (comments, hex numbers,
// trailing commas) is refused: that check reads the text once more (0.7 s of 349 MB), so a caller
// whose payload another thread checks skips it (strict false). Either way the INSERT stops at a
// row of the wrong shape and takes back the rows before it; the verdict then says what was
// wrong: 0 not JSON, 1 not rows of the right shape, 2 fit.
const strictJsonSql = 'SELECT json_valid(CAST(@text AS TEXT), 1)';
const verdictSql =
  "SELECT CASE WHEN NOT json_valid(t, 1) THEN 0 " +
  "WHEN json_type(t) = 'array' AND NOT EXISTS (SELECT 1 FROM jsonb_each(t) WHERE type <> 'array' OR json_array_length(value) <> @columns) THEN 2 " +
  "ELSE 1 END FROM (SELECT CAST(@text AS TEXT) AS t)";
function check(text, columns) {
  const verdict = prepared(verdictSql).pluck().get({ text, columns });
  if (verdict === 0) throw new TypeError('the payload is not JSON');
  if (verdict !== 2) throw new TypeError('the payload is not an array of rows of ' + columns + ' values each');
}
function insertRows(sql, columns, payload, first, strict) {
  const text = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  // SQLite takes text as UTF-8 without checking it: a string is never stored invalid.
  if (!isUtf8(text)) throw new TypeError('the payload is not UTF-8 text');
  if (strict !== false && prepared(strictJsonSql).pluck().get({ text }) !== 1) throw new TypeError('the payload is not JSON');
  const insert = prepared(sql);
  // Inside the build's one transaction the rows go in as one statement, with no savepoint of
  // their own: a savepoint copies every page it first touches (a frame touches each index's last
  // leaves), and a statement that fails there refuses the whole store anyway, which is then
  // deleted. (1M entries, client only, in turn: 1-2 s less of 21-24 s.) Outside one, one
  // transaction.
  const body = () => {
    const done = insert.run(typeof first === 'number' ? { text, first } : { text });
    return { rows: done.changes, lastRowId: Number(done.lastInsertRowid) };
  };
  try {
    return db.inTransaction ? body() : db.transaction(body)();
  } catch (error) {
    // The statement stopped and took back its rows: a payload of the wrong shape is said so.
    check(text, columns);
    throw error;
  }
}
function attach({ path, alias, keyLiteral, cipherPragmas }) {
  if (!/^[a-z_]+$/.test(alias)) throw new TypeError('not an alias: ' + alias);
  if (!keyLiteral) {
    db.prepare('ATTACH DATABASE ? AS ' + alias).run(path);
    return;
  }
  useKey(db, keyLiteral, cipherPragmas, (literal) => db.prepare('ATTACH DATABASE ? AS ' + alias + ' KEY ?').run(path, literal));
}
parentPort.on('message', (message) => {
  try {
    let result;
    if (message.op === 'exec') db.exec(message.sql);
    else if (message.op === 'all') result = db.prepare(message.sql).all(...(message.params || []));
    else if (message.op === 'insert') {
      try {
        result = insertRows(message.sql, message.columns, message.payload, message.first, message.strict);
      } finally {
        // Freed now, not at the next collection: the rows no longer make JS garbage, so
        // collections are rare, and payloads waiting for one held 25-90 MB more at peak.
        message.payload.buffer.transfer(0);
      }
    }
    else if (message.op === 'attach') attach(message);
    else if (message.op === 'exec-shadow') {
      db.unsafeMode(true);
      try {
        db.exec(message.sql);
      } finally {
        db.unsafeMode(false);
      }
    }
    else if (message.op === 'close') {
      db.close();
      parentPort.postMessage({ id: message.id, ok: true });
      process.exit(0);
    }
    parentPort.postMessage({ id: message.id, ok: true, result });
  } catch (error) {
    parentPort.postMessage({ id: message.id, ok: false, message: String(error && error.message || error), code: error && error.code });
  }
});
parentPort.postMessage({ id: 0, ok: true });
`;

/**
 * The thread's V8 young generation, in MB. It once held each frame's rows as JS arrays and
 * strings, and with V8's default grew to many frames' worth before it was collected (peak RSS
 * 314-316 MB against 275-282 MB at 8 MB, 1M entries). The rows no longer become JS values (SQLite
 * reads them from the payload), and the thread keeps no more than it needs: the first sync's
 * whole process has a 400 MB budget.
 */
const loaderYoungGenerationMb = 8;

export class BulkLoadFailed extends Error {
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.name = 'BulkLoadFailed';
    this.code = code;
  }
}

/**
 * Opens `path` keyed with `key` (its literal zeroed here once the thread has its copy), with
 * `pragmas` set after the key.
 */
export async function startBulkLoader(path: string, key: PageKey | null, pragmas: readonly string[]): Promise<BulkLoader> {
  const modulePath = createRequire(import.meta.url).resolve('better-sqlite3-multiple-ciphers');
  const handed = keyForWorker(key);
  const worker = new Worker(threadSource, { eval: true, workerData: { path, modulePath, pragmas, ...handed }, transferList: handed.keyLiteral ? [handed.keyLiteral] : [], resourceLimits: { maxYoungGenerationSizeMb: loaderYoungGenerationMb } });
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let failure: Error | null = null;
  const failAll = (error: Error) => {
    failure = error;
    for (const entry of waiting.values()) entry.reject(error);
    waiting.clear();
  };
  worker.on('message', (message: { id: number; ok: boolean; result?: unknown; message?: string; code?: string }) => {
    const entry = waiting.get(message.id);
    if (!entry) return;
    waiting.delete(message.id);
    if (message.ok) entry.resolve(message.result);
    else entry.reject(new BulkLoadFailed(message.message ?? 'unknown', message.code));
  });
  worker.on('error', (error) => failAll(error instanceof Error ? error : new Error(String(error))));
  worker.on('exit', (code) => failAll(new BulkLoadFailed(`the loader thread ended (${code})`)));
  const send = <T>(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<T> => {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...message, id }, transfer);
    });
  };
  // The thread says it is ready (id 0) once its connection is open and keyed.
  await new Promise<void>((resolve, reject) => {
    waiting.set(0, { resolve: () => resolve(), reject });
  });
  let closed = false;
  return {
    exec: (sql) => send<void>({ op: 'exec', sql }),
    all: <T>(sql: string, params: unknown[] = []) => send<T[]>({ op: 'all', sql, params }),
    insertRows: (insert, payload, options = {}) => {
      // The payload's bytes move to the thread: a copy only when they share a larger buffer.
      let owned = payload;
      if (payload.byteOffset !== 0 || payload.byteLength !== payload.buffer.byteLength || !(payload.buffer instanceof ArrayBuffer)) {
        owned = new Uint8Array(payload.byteLength);
        owned.set(payload);
      }
      return send<{ rows: number; lastRowId: number }>({ op: 'insert', sql: insert.sql, columns: insert.columns, payload: owned, first: options.first, strict: options.strict }, [owned.buffer as ArrayBuffer]);
    },
    attach: (file, alias, key) => {
      const handed = keyForWorker(key);
      return send<void>({ op: 'attach', path: file, alias, ...handed }, handed.keyLiteral ? [handed.keyLiteral] : []);
    },
    execWritingShadowTables: (sql) => send<void>({ op: 'exec-shadow', sql }),
    async close() {
      if (closed) return;
      closed = true;
      if (failure) return;
      await send<void>({ op: 'close' }).catch(() => undefined);
      await worker.terminate().catch(() => undefined);
    },
  };
}
