import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { column, PowerSyncDatabase, Schema, Table, type NodeSQLOpenOptions, type SyncStatus } from '@powersync/node';
import type { ColumnType } from './protocol';

/**
 * The measured side, run in its own process so that its RSS and CPU are PowerSync's alone:
 * open a fresh database, connect to the local stream, time until the first sync is complete and
 * the table holds every row, then report through IPC.
 */
export type Driver = 'better-sqlite3-multiple-ciphers' | 'node:sqlite';

export interface ClientJob {
  endpoint: string;
  token: string;
  dir: string;
  table: string;
  columnTypes: Record<string, ColumnType>;
  /** PowerSync index definitions (name: columns); PowerSync indexes json_extract of each column. */
  indexes: Record<string, string[]>;
  expectedRows: number;
  driver: Driver;
  /** A row id whose stored values are sent back, to check that values round-trip. */
  probeId?: string;
  timeoutMs: number;
}

export type ClientResult =
  | {
      ok: true;
      rows: number;
      seconds: number;
      /** When every op had been received and stored, before the checkpoint was applied to the table. */
      downloadedSeconds: number | null;
      /** CPU time the client process spent (all threads) from connect() to the count. */
      cpuSeconds: number;
      peakRssMB: number;
      rssBeforeConnectMB: number;
      probe: Record<string, unknown> | null;
    }
  | { ok: false; error: string };

const mb = (bytes: number) => bytes / (1024 * 1024);

function openDatabase(job: ClientJob): PowerSyncDatabase {
  const types = { text: column.text, integer: column.integer, real: column.real };
  const columns = Object.fromEntries(Object.entries(job.columnTypes).map(([name, type]) => [name, types[type]]));
  const database: NodeSQLOpenOptions = { dbFilename: 'powersync.db', dbLocation: job.dir, readWorkerCount: 1 };
  if (job.driver === 'node:sqlite') database.implementation = { type: 'node:sqlite' };
  else database.openWorker = (_defaultWorker, options) => new Worker(new URL('./sqlite-worker.ts', import.meta.url), options);
  const table = new Table(columns, { indexes: job.indexes });
  return new PowerSyncDatabase({ schema: new Schema({ [job.table]: table }), database });
}

/** Resolves on the first complete sync; rejects if the stream fails or ends before one. */
function firstSync(db: PowerSyncDatabase, timeoutMs: number, onDownloaded: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let wasConnected = false;
    const timer = setTimeout(() => finish(new Error(`no complete first sync within ${timeoutMs} ms`)), timeoutMs);
    const dispose = db.registerListener({ statusChanged: (status) => check(status) });
    function finish(error?: Error) {
      clearTimeout(timer);
      dispose();
      if (error) reject(error);
      else resolve();
    }
    function check(status: SyncStatus) {
      const progress = status.downloadProgress;
      if (progress && progress.totalOperations > 0 && progress.downloadedOperations === progress.totalOperations) onDownloaded();
      if (status.hasSynced) return finish();
      const error = status.dataFlowStatus.downloadError;
      if (error) return finish(new Error(`the sync stream failed before the first sync completed: ${error.message}`));
      if (status.connected) wasConnected = true;
      else if (wasConnected) finish(new Error('the sync stream ended before the first sync completed'));
    }
    check(db.currentStatus);
  });
}

async function run(job: ClientJob): Promise<ClientResult> {
  const db = openDatabase(job);
  try {
    await db.init();
    // A database that has synced before would report its old rows in no time.
    if (db.currentStatus.hasSynced) throw new Error(`${job.dir} holds a PowerSync database that has already synced`);
    const rssBeforeConnectMB = mb(process.memoryUsage.rss());
    const connector = {
      fetchCredentials: async () => ({ endpoint: job.endpoint, token: job.token }),
      uploadData: async () => {},
    };
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    let downloadedSeconds: number | null = null;
    const synced = firstSync(db, job.timeoutMs, () => (downloadedSeconds ??= (performance.now() - started) / 1000));
    await db.connect(connector);
    await synced;
    const counted = await db.get<{ n: number }>(`SELECT count(*) AS n FROM ${job.table}`);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    if (counted.n !== job.expectedRows) {
      throw new Error(`PowerSync holds ${counted.n} rows of ${job.table} after its first sync, the recording has ${job.expectedRows}`);
    }
    const probe = job.probeId === undefined ? null : await db.getOptional<Record<string, unknown>>(`SELECT * FROM ${job.table} WHERE id = ?`, [job.probeId]);
    await db.disconnect();
    const peakRssMB = process.resourceUsage().maxRSS / 1024;
    return { ok: true, rows: counted.n, seconds, downloadedSeconds, cpuSeconds, peakRssMB, rssBeforeConnectMB, probe };
  } finally {
    await db.close();
  }
}

const job = JSON.parse(process.argv[2] ?? '{}') as ClientJob;
run(job).then(
  (result) => process.send!(result, () => process.exit(0)),
  (error: unknown) => process.send!({ ok: false, error: error instanceof Error ? error.message : String(error) } satisfies ClientResult, () => process.exit(1)),
);
