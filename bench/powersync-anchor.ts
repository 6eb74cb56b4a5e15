import { spawn } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientJob, ClientResult, Driver } from './powersync/client';
import { gzipResponse, prepareStream, type WireFormat } from './powersync/protocol';
import { readRecording, writeSampleRecording } from './powersync/recording';
import { localToken, startStreamServer, type StreamServerOptions } from './powersync/server';

/**
 * The side-by-side anchor for the first-sync bench: PowerSync's own Node client
 * (@powersync/node) applies the rows of a recording from a local stream in PowerSync's sync
 * protocol. Only the client is timed, in a process of its own; the stream is encoded before the
 * clock starts and the local server just copies bytes.
 *
 * What a comparison must say: PowerSync's database here is not encrypted; it keeps each row
 * twice (its oplog and a JSON row behind a view) where the workstation keeps typed columns; its
 * table has no indexes unless `indexes` is given, and never the workstation's partial and
 * expression indexes or its FTS5 table; the clock runs from connect() to the count, after the
 * database and its workers are open.
 */
export { writeSampleRecording };
export type { Driver, WireFormat };

export interface AnchorOptions extends StreamServerOptions {
  /** A recording: JSON lines, header {"table","columns","rows"} then arrays of rows. */
  recording: string;
  /** An empty directory for the encoded stream and PowerSync's database. */
  dir: string;
  driver?: Driver;
  format?: WireFormat;
  /** Serve the stream gzipped, as the service would to this client (it accepts gzip). */
  gzip?: boolean;
  /** Indexes on the table, as PowerSync defines them (name: columns); none by default. */
  indexes?: Record<string, string[]>;
  /** Return the stored values of this row id, to check that values round-trip. */
  probeId?: string;
  timeoutMs?: number;
}

export interface AnchorResult {
  rows: number;
  seconds: number;
  /** Of which: until every op was stored in PowerSync's oplog (the rest applies them to the table). */
  downloadedSeconds: number | null;
  rowsPerSec: number;
  /** CPU time of the client process (all its threads) over the timed span. */
  cpuSeconds: number;
  /** The client process's peak resident set (process.resourceUsage().maxRSS). */
  peakRssMB: number;
  /** Its resident set once the database was open, just before connect(). */
  rssBeforeConnectMB: number;
  driver: Driver;
  format: WireFormat;
  gzip: boolean;
  probe: Record<string, unknown> | null;
}

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const clientEntry = fileURLToPath(new URL('./powersync/client.ts', import.meta.url));

function runClient(job: ClientJob): Promise<ClientResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', clientEntry, JSON.stringify(job)], {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  let stderrTail = '';
  child.stderr!.on('data', (chunk) => (stderrTail = (stderrTail + String(chunk)).slice(-4_000)));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return new Promise((resolve, reject) => {
    let result: ClientResult | undefined;
    child.on('message', (message) => (result = message as ClientResult));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      process.off('exit', killOnExit);
      if (result) resolve(result);
      else reject(new Error(`the PowerSync client exited (${signal ?? code}) without a result: ${stderrTail}`));
    });
  });
}

export async function runPowerSyncAnchor(options: AnchorOptions): Promise<AnchorResult> {
  const driver = options.driver ?? 'better-sqlite3-multiple-ciphers';
  const format = options.format ?? 'bson';
  const clientDir = join(options.dir, 'client');
  await mkdir(clientDir, { recursive: true });
  if ((await readdir(clientDir)).length > 0) throw new Error(`${clientDir} is not empty: the anchor measures a first sync into a fresh database`);
  const gzip = options.gzip ?? false;
  if (gzip && options.cutAfterLines !== undefined) throw new Error('cutAfterLines works on the uncompressed stream only');
  let prepared = await prepareStream(options.recording, join(options.dir, `stream.${format}`), format);
  if (gzip) prepared = await gzipResponse(prepared, join(options.dir, `stream.${format}.gz`));
  if (prepared.rows !== prepared.header.rows) {
    throw new Error(`${options.recording} announces ${prepared.header.rows} rows but holds ${prepared.rows}`);
  }
  const server = await startStreamServer(prepared, options);
  try {
    const result = await runClient({
      endpoint: server.endpoint,
      token: localToken(),
      dir: clientDir,
      table: prepared.header.table,
      columnTypes: prepared.columnTypes,
      indexes: options.indexes ?? {},
      expectedRows: prepared.header.rows,
      driver,
      probeId: options.probeId,
      timeoutMs: options.timeoutMs ?? 30 * 60_000,
    });
    if (!result.ok) throw new Error(result.error);
    // The client checked the count; a second stream request would mean the timed sync retried.
    if (result.rows !== prepared.header.rows || server.streamRequests() !== 1) {
      throw new Error(`the client applied ${result.rows} of ${prepared.header.rows} rows over ${server.streamRequests()} stream requests`);
    }
    const { rows, seconds, downloadedSeconds, cpuSeconds, peakRssMB, rssBeforeConnectMB, probe } = result;
    return { rows, seconds, downloadedSeconds, rowsPerSec: rows / seconds, cpuSeconds, peakRssMB, rssBeforeConnectMB, driver, format, gzip, probe };
  } finally {
    await server.close();
  }
}

/** The first row of a recording, by column name (for round-trip checks). */
export async function firstRecordedRow(recording: string): Promise<Record<string, unknown>> {
  const { header, batches } = await readRecording(recording);
  for await (const batch of batches) {
    if (batch.length > 0) return Object.fromEntries(header.columns.map((name, i) => [name, batch[0][i]]));
  }
  throw new Error(`${recording} has no rows`);
}

/**
 * The workstation's plain indexes on log_entry (migrations 0001, 0006, 0010, 0012), for `--indexes`.
 * Its two partial indexes (WHERE late = 1), its expression index on the severity rank and its
 * FTS5 table have no PowerSync equivalent.
 */
export const workstationLogEntryIndexes: Record<string, string[]> = {
  by_occurred: ['occurred_at'],
  by_area: ['area_id', 'occurred_at'],
  by_author: ['author_id', 'occurred_at'],
  by_shift_log: ['shift_log_id', 'recorded_at'],
  by_shift_log_time: ['shift_log_id', 'occurred_at', 'severity'],
  by_recorded: ['recorded_at'],
};

function argument(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

/** `npx tsx bench/powersync-anchor.ts --size N [--recording PATH] [--driver D] [--format bson|ndjson] [--gzip] [--indexes]` */
async function main(args: string[]): Promise<void> {
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const size = Number(argument(args, '--size') ?? 100_000);
  if (!Number.isInteger(size) || size <= 0) throw new Error('--size must be a positive integer');
  const dir = await mkdtemp(join(tmpdir(), 'powersync-anchor-'));
  try {
    let recording = argument(args, '--recording');
    if (!recording) {
      recording = join(dir, 'recording.jsonl');
      await writeSampleRecording(recording, size);
    }
    const result = await runPowerSyncAnchor({
      recording,
      dir,
      driver: argument(args, '--driver') as Driver | undefined,
      format: argument(args, '--format') as WireFormat | undefined,
      gzip: args.includes('--gzip'),
      indexes: args.includes('--indexes') ? workstationLogEntryIndexes : {},
    });
    const { rows, seconds, downloadedSeconds, rowsPerSec, cpuSeconds, peakRssMB, rssBeforeConnectMB, driver, format, gzip } = result;
    const downloaded = downloadedSeconds === null ? '' : ` (all ops stored at ${downloadedSeconds.toFixed(2)} s)`;
    console.log(`powersync-anchor: ${rows} rows in ${seconds.toFixed(2)} s${downloaded} = ${Math.round(rowsPerSec)} rows/s, client CPU ${cpuSeconds.toFixed(2)} s, peak RSS ${peakRssMB.toFixed(0)} MB (${rssBeforeConnectMB.toFixed(0)} MB before connect), ${driver}, ${format}${gzip ? ', gzip' : ''}${args.includes('--indexes') ? ', indexes' : ''}`);
    console.log(JSON.stringify({ rows, seconds, downloadedSeconds, rowsPerSec, cpuSeconds, peakRssMB, rssBeforeConnectMB, driver, format, gzip, indexes: args.includes('--indexes') }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
