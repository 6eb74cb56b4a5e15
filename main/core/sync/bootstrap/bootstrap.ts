import { BOOTSTRAP_MEDIA_TYPE, type FrameHeader, type SnapshotFrame } from '../../../../shared/bootstrap-protocol';
import { PlantdeskError } from '../../../../shared/errors';
import { SYNC_SCHEMA_VERSION } from '../../../../shared/sync-protocol';
import type { ServerClient } from '../../net/server-client';
import { ServerError } from '../../net/server-client';
import { carryOverLocalState } from '../../store/bulk-load/carry-over';
import { fsyncFileInBackground } from '../../store/files';
import { startBulkLoader, type BulkLoader } from '../../store/bulk-load/loader-thread';
import type { PageKey } from '../../store/page-cipher';
import {
  beginLoad,
  buildSearchIndex,
  endLoad,
  countRows,
  createIndex,
  indexSortBudgetRows,
  indexSearchRows,
  searchRowsPerStep,
  searchSource,
  insertStatement,
  prepareStagingStore,
  recordSnapshotCursor,
  removeStagingFiles,
  restoreTriggers,
  stagingPragmas,
  type SnapshotInsert,
  type StagingPlan,
} from '../../store/bulk-load/staging';
import type { UnlockedVault } from '../../vault/vault';
import { applyRecentRows } from './recent-rows';
import { BootstrapCut, readFrames, type Frame } from './frame-reader';
import { tableDigest } from './table-digest';

/** Rows received; rows written into the new store; its indexes built; its full-text index built. */
export type BootstrapPhase = 'download' | 'load' | 'index' | 'search';

export interface BootstrapProgress {
  phase: BootstrapPhase;
  done: number;
  total: number | null;
}

/**
 * The cache a first sync fills: an unlocked vault. (The bench also builds a plain one, to
 * measure what encryption costs on this path.)
 */
export type BootstrapTarget = Pick<UnlockedVault, 'db' | 'paths' | 'openWithCacheKey' | 'replaceWith'> & { keyForThread(path: string): PageKey | null };

export interface BootstrapDeps {
  vault: BootstrapTarget;
  client: ServerClient;
  token: string;
  tenantId: string;
  now: () => Date;
  onProgress?: (progress: BootstrapProgress) => void;
  /** Attempts to resume after cuts before giving up (the scheduler retries later). */
  maxResumes?: number;
  /** Waits between resumes (tests make it short). */
  resumeDelayMs?: number;
  /** See indexSortBudgetRows (tests make it small). */
  indexSortBudgetRows?: number;
  /** See searchRowsPerStep (tests make it small). */
  searchRowsPerStep?: number;
  /**
   * Long reads of the cache in use (exports, which read it for as long as they write their
   * file): settles once they are done, null when none runs. The finished store replaces the
   * cache only then, so an export under way is never cut off by the swap.
   */
  cacheReadsRunning?: () => Promise<void> | null;
}

export interface BootstrapResult {
  rows: number;
  seq: number;
}

const refuse = (message: string) => new PlantdeskError('invalid_server_response', `${message} The first sync was refused whole and starts again; nothing of it is in use.`);

interface TableProgress {
  table: string;
  columns: readonly string[];
  insert: SnapshotInsert;
  expectedRows: number;
  rows: number;
  digests: string[];
  ended: boolean;
  /** Recent frames of a numbered table, held back until its other rows are in (see take). */
  heldBack: { no: number; count: number; payload: Buffer }[];
}

/**
 * Work handed to the loader thread and not yet done. The thread runs it in the order it was
 * sent, so the next frames can wait in its queue while it inserts one: with one frame in flight
 * it sat idle between frames while this thread took the answer, checked and handed over the next
 * (1M entries end to end: the loader busy about 80% of the first sync, with a core idle; client
 * only, three rounds in turn: 24.4, 23.5, 21.2 s with one frame in flight, 20.4, 21.1, 20.4 s
 * with three queued; eight queued were no faster).
 */
class LoaderQueue {
  private readonly pending: Promise<unknown>[] = [];
  private unsettled = 0;

  constructor(private readonly depth: number) {}

  /** Nothing queued is still running: the thread waits for the download. */
  get idle(): boolean {
    return this.unsettled === 0;
  }

  /** Queues work; waits while more than `depth` are not done. Rejects with the first failure. */
  async add(work: Promise<unknown>): Promise<void> {
    this.unsettled += 1;
    // Counted down however it ends; that handler also keeps a failure, awaited in turn below or
    // in drain(), from being an unhandled rejection in between.
    const settled = () => {
      this.unsettled -= 1;
    };
    work.then(settled, settled);
    this.pending.push(work);
    while (this.pending.length > this.depth) await this.pending.shift();
  }

  /** Everything done, or the first failure. */
  async drain(): Promise<void> {
    while (this.pending.length > 0) await this.pending.shift();
  }

  /** Everything settled (before resuming or giving up): the first failure, if any. */
  async settle(): Promise<unknown> {
    const settled = await Promise.allSettled(this.pending.splice(0));
    return settled.find((result) => result.status === 'rejected')?.reason;
  }
}

/** Frames queued for the loader beyond the one it inserts. */
const framesQueuedAhead = 3;

/** What has been received of one snapshot: enough to check it and to resume it. */
class SnapshotIntake {
  readonly snapshot: SnapshotFrame;
  readonly tables: TableProgress[];
  /** Indexes already built, or queued to be (with their table's first rows), live for the rest. */
  readonly builtIndexes = new Set<string>();
  nextFrame = 1;
  rows = 0;
  /** Rows of the last rows frame, whose insert may still be running. */
  lastFrameRows = 0;
  /** Full-text rows queued while the rest load: the entries numbered up to this. */
  searchIndexedThrough = 0;
  ended = false;
  private current = 0;

  constructor(
    snapshot: SnapshotFrame,
    readonly plan: StagingPlan,
  ) {
    this.snapshot = snapshot;
    this.tables = snapshot.tables.map((table) => {
      let insert: SnapshotInsert;
      try {
        insert = insertStatement(plan, table.table, table.columns);
      } catch (error) {
        throw refuse(`The server's snapshot does not fit this workstation's cache (${(error as Error).message}).`);
      }
      return { table: table.table, columns: table.columns, insert, expectedRows: table.rows, rows: 0, digests: [], ended: false, heldBack: [] };
    });
    if (new Set(this.tables.map((t) => t.table)).size !== this.tables.length) throw refuse('The server\'s snapshot named a table twice.');
  }

  get totalRows(): number {
    return this.snapshot.tables.reduce((sum, table) => sum + table.rows, 0);
  }

  /** The table a frame belongs to: tables come one after another, in the snapshot's order. */
  tableFor(header: Exclude<FrameHeader, SnapshotFrame>): TableProgress | null {
    if (header.no !== this.nextFrame) throw refuse(`The server sent part ${header.no} where part ${this.nextFrame} was due.`);
    if (header.kind === 'end') return null;
    while (this.current < this.tables.length && this.tables[this.current].ended) this.current++;
    const table = this.tables[this.current];
    if (!table || table.table !== header.table) throw refuse(`The server sent rows of ${header.table} out of the snapshot's order.`);
    return table;
  }
}

/**
 * A first sync from the server's snapshot (SYNC.md "First sync: bootstrap, then pull"): the
 * frames go into a staging store built beside the cache on a thread of its own; frames marked
 * recent (each area's newest days, the plant's structure) are also written to the cache at once,
 * so the lists fill while the rest loads. A cut resumes from the first frame not yet received;
 * a count or checksum that does not agree refuses the whole snapshot. Once every table is in,
 * each index is built in one pass, then the full-text index, and the staging store replaces the
 * cache with the workstation's own state carried over. Pull then continues from the seq.
 */
export async function bootstrapCache(deps: BootstrapDeps): Promise<BootstrapResult | null> {
  const path = deps.vault.paths.staging;
  let restarts = 0;
  for (;;) {
    try {
      const result = await buildOnce(deps, path);
      // A server without snapshots: nothing was built.
      if (result === null) removeStagingFiles(path);
      return result;
    } catch (error) {
      removeStagingFiles(path);
      // The server no longer keeps the snapshot: start again with a new one (once more at most).
      if (error instanceof ServerError && error.code === 'bootstrap_gone' && restarts++ < 1) continue;
      throw error;
    }
  }
}

async function buildOnce(deps: BootstrapDeps, path: string): Promise<BootstrapResult | null> {
  const plan = prepareStagingStore(path, (file, options) => deps.vault.openWithCacheKey(file, options));
  const loader = await startBulkLoader(path, deps.vault.keyForThread(path), stagingPragmas);
  try {
    await beginLoad(loader);
    const intake = await download(deps, plan, loader);
    if (intake === null) return null;
    await endLoad(loader);
    await finish(deps, plan, loader, intake);
    await loader.close();
    // The loader wrote with fsync off. Flushed here, off this thread, the swap's commit below
    // (which fsyncs the staging file before it is renamed over the cache) has little left to
    // write, instead of holding this thread while a gigabyte goes to disk.
    await fsyncFileInBackground(path);
    // Checked again after each wait, with no await between the last check and the swap: an
    // export that starts while another ends is waited for too.
    for (let reads = deps.cacheReadsRunning?.() ?? null; reads; reads = deps.cacheReadsRunning?.() ?? null) await reads;
    deps.vault.replaceWith(path, carryOverLocalState);
    return { rows: intake.rows, seq: intake.snapshot.seq };
  } finally {
    await loader.close();
  }
}

/** Downloads every frame into the loader, resuming after cuts. Null: the server has no snapshots. */
async function download(deps: BootstrapDeps, plan: StagingPlan, loader: BulkLoader): Promise<SnapshotIntake | null> {
  let intake: SnapshotIntake | null = null;
  let resumes = 0;
  const maxResumes = deps.maxResumes ?? 5;
  const queue = new LoaderQueue(framesQueuedAhead);
  for (;;) {
    const query: Record<string, string | number> = { tenant: deps.tenantId, schemaVersion: SYNC_SCHEMA_VERSION };
    if (intake) Object.assign(query, { snapshot: intake.snapshot.snapshotId, from: intake.nextFrame });
    try {
      const body = await deps.client.stream({ path: '/sync/bootstrap', query, token: deps.token, mediaType: BOOTSTRAP_MEDIA_TYPE });
      for await (const frame of readFrames(body)) {
        if (frame.header.kind === 'snapshot') {
          if (intake && frame.header.snapshotId !== intake.snapshot.snapshotId) throw refuse('The server resumed a different snapshot.');
          intake ??= new SnapshotIntake(frame.header, plan);
          continue;
        }
        if (!intake) throw refuse('The server sent rows before saying which snapshot they belong to.');
        await take(deps, intake, frame, loader, queue);
        if (intake.ended) {
          deps.onProgress?.({ phase: 'load', done: intake.rows - intake.lastFrameRows, total: intake.totalRows });
          await queue.drain();
          deps.onProgress?.({ phase: 'load', done: intake.rows, total: intake.totalRows });
          return intake;
        }
      }
      throw new BootstrapCut();
    } catch (error) {
      // A frame the loader refused ends the first sync, whatever else went wrong meanwhile.
      const refused = await queue.settle();
      if (refused !== undefined) throw refused;
      if (error instanceof ServerError && error.status === 404 && intake === null) return null;
      const cut = error instanceof BootstrapCut || (error instanceof PlantdeskError && error.code === 'server_unreachable' && !(error instanceof ServerError));
      if (!cut || intake === null || resumes++ >= maxResumes) throw error;
      await new Promise((resolve) => setTimeout(resolve, deps.resumeDelayMs ?? 1_000 * resumes));
    }
  }
}

/** Checks one frame against what came before and hands its rows to the loader. */
async function take(deps: BootstrapDeps, intake: SnapshotIntake, frame: Frame, loader: BulkLoader, queue: LoaderQueue): Promise<void> {
  const header = frame.header;
  if (header.kind === 'snapshot') return;
  const table = intake.tableFor(header);
  intake.nextFrame += 1;
  if (header.kind === 'end') {
    if (intake.tables.some((t) => !t.ended)) throw refuse('The server ended the snapshot before every table was complete.');
    if (header.seq !== intake.snapshot.seq) throw refuse('The snapshot ended at another point than it started.');
    intake.ended = true;
    return;
  }
  if (!table) return;
  if (header.kind === 'table-end') {
    if (header.count !== table.rows || header.count !== table.expectedRows || header.sha256 !== tableDigest(table.digests)) {
      throw refuse(`The rows of ${table.table} did not add up to the count and checksum the server gave.`);
    }
    table.ended = true;
    for (const part of table.heldBack.splice(0)) await queue.add(insertFrame(loader, table, part));
    return;
  }
  table.rows += header.count;
  table.digests.push(header.sha256);
  intake.rows += header.count;
  intake.lastFrameRows = header.count;
  if (table.rows > table.expectedRows) throw refuse(`The server sent more rows of ${table.table} than its snapshot holds.`);
  if (header.recent) applyRecentRows(deps.vault.db, table.table, table.columns, frame.payload, header.count);
  deps.onProgress?.({ phase: 'download', done: intake.rows, total: intake.totalRows });
  // A numbered table's rows are numbered as they go in, and the lists and the search take a
  // higher number as newer. The server sends the recent part first, then the rest, each oldest
  // first: the recent part goes in last, so every row is numbered in time order, each an append.
  if (header.recent && intake.plan.numbered.has(table.table)) {
    // A copy of its own: the frame's bytes are a view of the download's larger buffers, which it would keep alive.
    table.heldBack.push({ no: header.no, count: header.count, payload: Buffer.from(frame.payload) });
    return;
  }
  const loaderWasIdle = queue.idle;
  await queue.add(insertFrame(loader, table, { no: header.no, count: header.count, payload: frame.payload }));
  if (loaderWasIdle) await indexSearchWhileIdle(deps, intake, table, loader, queue);
  // Queued behind the rows so far: built from them, then live for the rest.
  if (table.rows >= (deps.indexSortBudgetRows ?? indexSortBudgetRows)) {
    for (const index of intake.plan.indexes) {
      if (index.table !== table.table || intake.builtIndexes.has(index.name)) continue;
      intake.builtIndexes.add(index.name);
      await queue.add(createIndex(loader, index));
    }
  }
}

/**
 * Nothing queued was still running when this frame came, so the download is slower than the
 * loader: it takes the next step of the full-text index, from the entries already loaded,
 * instead of waiting again, and less of the search is left after the load (client only, served
 * at 100 Mbit/s: 1.5-1.6 s left against 3.2-4.5 s). Where frames wait for the loader, as on
 * the sync bench's one machine, this never fires. Entries load numbered 1, 2, ... in the order
 * they are queued, so the rows queued so far are exactly those numbered up to that count.
 */
async function indexSearchWhileIdle(deps: BootstrapDeps, intake: SnapshotIntake, table: TableProgress, loader: BulkLoader, queue: LoaderQueue): Promise<void> {
  if (table.table !== searchSource.table) return;
  if (!searchSource.needs.every((name) => intake.tables.find((t) => t.table === name)?.ended ?? true)) return;
  const step = deps.searchRowsPerStep ?? searchRowsPerStep;
  const loaded = table.rows - table.heldBack.reduce((sum, part) => sum + part.count, 0);
  if (loaded - intake.searchIndexedThrough < step) return;
  const from = intake.searchIndexedThrough;
  intake.searchIndexedThrough = from + step;
  await queue.add(indexSearchRows(loader, from, from + step));
}

/** Hands one frame's rows to the loader; a frame that does not go in whole refuses the snapshot. */
function insertFrame(loader: BulkLoader, table: TableProgress, part: { no: number; count: number; payload: Buffer }): Promise<void> {
  return loader.insertRows(table.insert, part.payload).then(
    (inserted) => {
      if (inserted !== part.count) throw refuse(`Part ${part.no} held ${inserted} rows, not the ${part.count} it announced.`);
    },
    (error: unknown) => {
      throw error instanceof PlantdeskError ? error : refuse(`Part ${part.no} did not fit the cache (${(error as Error).message.slice(0, 200)}).`);
    },
  );
}

/** Counts checked in the store itself, then each index, the full-text index, the triggers, the cursor. */
async function finish(deps: BootstrapDeps, plan: StagingPlan, loader: BulkLoader, intake: SnapshotIntake): Promise<void> {
  for (const table of intake.tables) {
    const stored = await countRows(loader, table.table);
    if (stored !== table.rows) throw refuse(`The cache holds ${stored} rows of ${table.table}, not the ${table.rows} received.`);
  }
  for (const [i, index] of plan.indexes.entries()) {
    deps.onProgress?.({ phase: 'index', done: i, total: plan.indexes.length });
    if (!intake.builtIndexes.has(index.name)) await createIndex(loader, index);
  }
  deps.onProgress?.({ phase: 'index', done: plan.indexes.length, total: plan.indexes.length });
  await buildSearchIndex(loader, intake.searchIndexedThrough, (done, total) => deps.onProgress?.({ phase: 'search', done, total }));
  await restoreTriggers(loader, plan);
  await recordSnapshotCursor(loader, intake.snapshot.seq, String(intake.snapshot.policyVersion), deps.now().toISOString());
}
