import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { keyForWorker, type PageKey } from './page-cipher';

/**
 * WAL checkpoints on a second connection in a thread of their own.
 *
 * A checkpoint copies committed pages from the WAL into the database file. In the encrypted
 * store that means decrypting and checking every page it reads and encrypting it again, which
 * was about 40% of SQLCipher's extra cost on a bulk load. Run by the writing connection
 * (SQLite's auto-checkpoint), that work stalls the core's thread, and with it every contract
 * call, for up to a second at a time during an initial sync. Here it runs beside the writer on
 * another core: a PASSIVE checkpoint never blocks the writer, and the writer's own
 * auto-checkpoint stays as a backstop should this thread fall behind.
 *
 * The thread holds its own copy of the key literal only until SQLite has it (then zeroed), like
 * the writer; it stops, and closes its connection, before the writer closes (see stop()).
 */
export interface BackgroundCheckpoints {
  /** Stops the thread and waits (bounded) until its connection is closed. Idempotent. */
  stop(): void;
}

/** Shared flags: [0] bumped to wake the thread, [1] = 1 asks it to stop, [2] = 1 once it has closed. */
const wakeFlag = 0;
const stopFlag = 1;
const closedFlag = 2;
/** Linux nice value of the thread (0 is normal, 19 the lowest priority). */
const checkpointNice = 10;
/** Longest a stop() waits for a checkpoint in progress (a large one takes well under a second). */
const stopWaitMs = 10_000;

/**
 * The thread's code. A plain script (eval'd), not a module file, so it needs no separate build
 * entry in the app and no TypeScript loader under plain Node; it loads the same native module as
 * the writer by its resolved path. Between checkpoints it sleeps 50 ms while there is work, and
 * backs off to a second when the WAL has nothing new, so an idle workstation is not woken often.
 */
const threadSource = `
const { workerData } = require('node:worker_threads');
const flags = new Int32Array(workerData.flags);
if (process.platform === 'linux') {
  // Background work: let the threads a person waits on (the window's router, the core) take a
  // CPU first. On Linux a thread id names one thread for setpriority().
  try {
    const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
    require('node:os').setPriority(tid, ${checkpointNice});
  } catch {}
}
let db;
try {
  const Database = require(workerData.modulePath);
  db = new Database(workerData.path, { fileMustExist: true });
  if (workerData.keyLiteral) {
    const literal = Buffer.from(workerData.keyLiteral);
    try {
      for (const pragma of workerData.cipherPragmas) db.pragma(pragma);
      db.key(literal);
    } finally {
      literal.fill(0);
      new Uint8Array(workerData.keyLiteral).fill(0);
    }
  }
  db.pragma('cache_size = -2048');
  let idleMs = 50;
  while (Atomics.load(flags, ${stopFlag}) === 0) {
    Atomics.wait(flags, ${wakeFlag}, Atomics.load(flags, ${wakeFlag}), idleMs);
    if (Atomics.load(flags, ${stopFlag}) !== 0) break;
    let copied = 0;
    try {
      const [result] = db.pragma('wal_checkpoint(PASSIVE)');
      copied = result.busy ? 0 : result.checkpointed;
    } catch {
      // A busy or locked moment: the writer's own auto-checkpoint covers for a missed round.
    }
    idleMs = copied > 0 ? 50 : Math.min(1000, idleMs * 2);
  }
} finally {
  try { if (db && db.open) db.close(); } catch {}
  Atomics.store(flags, ${closedFlag}, 1);
  Atomics.notify(flags, ${closedFlag});
}
`;

const nativeModulePath = createRequire(import.meta.url).resolve('better-sqlite3-multiple-ciphers');

/**
 * Starts checkpointing the store at `path` in the background. `key` is the file's key as the
 * writer took it, or null for a plain file; its literal is copied into memory handed over to the
 * thread and zeroed here.
 */
export function startBackgroundCheckpoints(path: string, key: PageKey | null): BackgroundCheckpoints {
  const flags = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  const handed = keyForWorker(key);
  const worker = new Worker(threadSource, {
    eval: true,
    workerData: { path, modulePath: nativeModulePath, flags: flags.buffer, ...handed },
    // Moved, not copied: after this the only copy of the literal is the thread's, which it zeroes.
    transferList: handed.keyLiteral ? [handed.keyLiteral] : [],
  });
  // Never keeps a process alive on its own; an exit mid-checkpoint is safe (SQLite redoes it).
  worker.unref();
  let startFailed = false;
  worker.once('error', () => {
    // The writer's auto-checkpoint still runs, so a failed thread costs speed, not data.
    startFailed = true;
    Atomics.store(flags, closedFlag, 1);
  });
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      Atomics.store(flags, stopFlag, 1);
      Atomics.add(flags, wakeFlag, 1);
      Atomics.notify(flags, wakeFlag);
      // Synchronous on purpose: lock and wipe close the writer right after, and a wipe deletes
      // the files, which must not still be open in this thread (Windows refuses that).
      if (!startFailed) Atomics.wait(flags, closedFlag, 0, stopWaitMs);
    },
  };
}
