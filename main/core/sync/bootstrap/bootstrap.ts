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
  copySearchIndexIn,
  endLoad,
  endSearchBeside,
  flushSearchBeside,
  countRows,
  createIndex,
  indexAmendedEntriesAgain,
  indexSortBudgetRows,
  insertStatement,
  prepareSearchBeside,
  prepareStagingStore,
  recordSnapshotCursor,
  removeSearchBeside,
  removeStagingFiles,
  restoreTriggers,
  searchRowsPerFlush,
  stagingPragmas,
  startSearchBeside,
  type SearchBeside,
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
  /**
   * The full-text index built beside the load on a thread of its own (staging.ts, SearchBeside):
   * the default. False builds it from the finished tables on the loader's thread.
   */
  searchIndexBeside?: boolean;
  /** See searchRowsPerFlush (tests make it small). */
  searchRowsPerFlush?: number;
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
  /** Rows handed to the loader so far: a numbered table's next frame is numbered on from these. */
  queuedRows: number;
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

  constructor(private readonly depth: number) {}

  /** Queues work; waits while more than `depth` are not done. Rejects with the first failure. */
  async add(work: Promise<unknown>): Promise<void> {
    // A failure is awaited in turn below or in drain(); never an unhandled rejection in between.
    work.catch(() => undefined);
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

/**
 * Frames handed to the search thread and not yet done, before the download waits for it. It
 * does a fifth of the loader's work per frame, but shares the machine with it: some lag is
 * allowed (a frame is about 300 KB), so the loader is not held back while it catches up. (At a
 * lower priority than the loader's, nice 5 or 12, the first sync end to end was no faster: 17.0-
 * 19.9 s against 17.4-20.2 s at the same priority, four runs each.)
 */
const searchFramesAhead = 32;

/**
 * The full-text index built beside the load (staging.ts, SearchBeside): the areas and the entry
 * frames go to a thread of its own as they go to the loader, each entry numbered as the loader
 * numbers it (checked when the loader has inserted it).
 */
class SearchFeed {
  private readonly queue = new LoaderQueue(searchFramesAhead);
  private waiting = 0;

  constructor(
    readonly beside: SearchBeside,
    readonly thread: BulkLoader,
    readonly areaInsert: SnapshotInsert,
    readonly entryInsert: SnapshotInsert,
    private readonly rowsPerFlush: number,
  ) {}

  /** The payload is copied: the loader's own copy moves to its thread. */
  async areas(payload: Buffer): Promise<void> {
    await this.queue.add(this.insert(this.areaInsert, payload));
  }

  async entries(first: number, count: number, payload: Buffer): Promise<void> {
    await this.queue.add(this.insert(this.entryInsert, payload, first));
    this.waiting += count;
    if (this.waiting < this.rowsPerFlush) return;
    this.waiting = 0;
    await this.queue.add(flushSearchBeside(this.thread, this.beside));
  }

  /** Every entry indexed and committed, and the thread closed. */
  async finish(): Promise<void> {
    await this.queue.drain();
    await endSearchBeside(this.thread, this.beside);
    await this.thread.close();
  }

  /** The first failure of what was handed over, if any (before resuming or giving up). */
  settle(): Promise<unknown> {
    return this.queue.settle();
  }

  private insert(insert: SnapshotInsert, payload: Buffer, first?: number): Promise<void> {
    return this.thread.insertRows(insert, Buffer.from(payload), { first }).then(
      () => undefined,
      (error: unknown) => {
        throw error instanceof PlantdeskError ? error : refuse(`A part did not fit the full-text index (${(error as Error).message.slice(0, 200)}).`);
      },
    );
  }
}

/**
 * The search thread indexes the entries as they arrive only if each one's area name is known by
 * then: the areas come before the entries (as the server sends them), and the entries carry the
 * columns the index needs. Otherwise the loader builds the index from the finished tables.
 */
function searchFeed(tables: TableProgress[], beside: { beside: SearchBeside; thread: BulkLoader } | null, rowsPerFlush: number): SearchFeed | null {
  if (!beside) return null;
  const areas = tables.find((t) => t.table === 'area');
  const entries = tables.find((t) => t.table === 'log_entry');
  if (!areas || !entries || tables.indexOf(areas) > tables.indexOf(entries)) return null;
  const entryInsert = beside.beside.entries(entries.columns);
  if (!entryInsert) return null;
  return new SearchFeed(beside.beside, beside.thread, insertStatement(beside.beside.plan, 'area', areas.columns), entryInsert, rowsPerFlush);
}

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
  ended = false;
  /** The full-text index built beside the load, when the snapshot's tables allow it. */
  readonly search: SearchFeed | null;
  private current = 0;

  constructor(
    snapshot: SnapshotFrame,
    readonly plan: StagingPlan,
    beside: { beside: SearchBeside; thread: BulkLoader } | null,
    rowsPerFlush: number,
  ) {
    this.snapshot = snapshot;
    this.tables = snapshot.tables.map((table) => {
      let insert: SnapshotInsert;
      try {
        insert = insertStatement(plan, table.table, table.columns);
      } catch (error) {
        throw refuse(`The server's snapshot does not fit this workstation's cache (${(error as Error).message}).`);
      }
      return { table: table.table, columns: table.columns, insert, expectedRows: table.rows, rows: 0, digests: [], ended: false, heldBack: [], queuedRows: 0 };
    });
    if (new Set(this.tables.map((t) => t.table)).size !== this.tables.length) throw refuse('The server\'s snapshot named a table twice.');
    this.search = searchFeed(this.tables, beside, rowsPerFlush);
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
  const open = (file: string, options: { pageSize: number }) => deps.vault.openWithCacheKey(file, options);
  const plan = prepareStagingStore(path, open);
  const beside = deps.searchIndexBeside === false ? null : prepareSearchBeside(path, open);
  const loader = await startBulkLoader(path, deps.vault.keyForThread(path), stagingPragmas);
  let searchThread: BulkLoader | null = null;
  try {
    if (beside) {
      searchThread = await startBulkLoader(beside.path, deps.vault.keyForThread(beside.path), stagingPragmas);
      await startSearchBeside(searchThread, beside);
    }
    await beginLoad(loader);
    const intake = await download(deps, plan, loader, beside && searchThread && { beside, thread: searchThread });
    if (intake === null) return null;
    await endLoad(loader);
    // The loader writes with fsync off. Flushed off this thread, the swap's commit below (which
    // fsyncs the staging file before it is renamed over the cache) has little left to write,
    // instead of holding this thread while a gigabyte goes to disk. Nearly all of it is written
    // once the rows are in: its flush starts then, while the rest is finished, and a second one
    // takes what that wrote (client only: 0.34 s of flush after the finish, otherwise).
    const flushed = fsyncFileInBackground(path);
    flushed.catch(() => undefined);
    await finish(deps, plan, loader, intake);
    await searchThread?.close();
    if (beside) removeSearchBeside(beside);
    await loader.close();
    await flushed;
    await fsyncFileInBackground(path);
    // Checked again after each wait, with no await between the last check and the swap: an
    // export that starts while another ends is waited for too.
    for (let reads = deps.cacheReadsRunning?.() ?? null; reads; reads = deps.cacheReadsRunning?.() ?? null) await reads;
    deps.vault.replaceWith(path, carryOverLocalState);
    return { rows: intake.rows, seq: intake.snapshot.seq };
  } finally {
    await loader.close();
    await searchThread?.close();
  }
}

/** Downloads every frame into the loader, resuming after cuts. Null: the server has no snapshots. */
async function download(deps: BootstrapDeps, plan: StagingPlan, loader: BulkLoader, beside: { beside: SearchBeside; thread: BulkLoader } | null): Promise<SnapshotIntake | null> {
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
          intake ??= new SnapshotIntake(frame.header, plan, beside, deps.searchRowsPerFlush ?? searchRowsPerFlush);
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
      // A frame the loader or the search thread refused ends the first sync, whatever else went wrong meanwhile.
      const refused = (await queue.settle()) ?? (await intake?.search?.settle());
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
    for (const part of table.heldBack.splice(0)) await queue.add((await insertFrame(intake, loader, table, part)).inserted);
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
    // The frame's payload is a buffer of its own (readFrames), so holding it keeps nothing else alive.
    table.heldBack.push({ no: header.no, count: header.count, payload: frame.payload });
    return;
  }
  await queue.add((await insertFrame(intake, loader, table, { no: header.no, count: header.count, payload: frame.payload })).inserted);
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
 * Hands one frame's rows to the loader, and to the search thread what its index needs; a frame
 * that does not go in whole refuses the snapshot. A numbered table's rows are numbered on from
 * the rows queued before them, and the search thread numbers them so too: the loader's numbers
 * are checked against that.
 */
async function insertFrame(intake: SnapshotIntake, loader: BulkLoader, table: TableProgress, part: { no: number; count: number; payload: Buffer }): Promise<{ inserted: Promise<void> }> {
  const first = table.queuedRows + 1;
  table.queuedRows += part.count;
  const search = intake.search;
  if (search && table.table === 'area') await search.areas(part.payload);
  // The search thread checks the entries' JSON in full, so the loader, the slower of the two, only checks their shape.
  const searched = search !== null && table.table === 'log_entry';
  if (searched) await search.entries(first, part.count, part.payload);
  const numbered = intake.plan.numbered.has(table.table);
  const inserted = loader.insertRows(table.insert, part.payload, { strict: !searched }).then(
    ({ rows: inserted, lastRowId }) => {
      if (inserted !== part.count) throw refuse(`Part ${part.no} held ${inserted} rows, not the ${part.count} it announced.`);
      if (numbered && inserted > 0 && lastRowId !== first + inserted - 1) throw refuse(`The rows of part ${part.no} were not numbered in the order they arrived.`);
    },
    (error: unknown) => {
      throw error instanceof PlantdeskError ? error : refuse(`Part ${part.no} did not fit the cache (${(error as Error).message.slice(0, 200)}).`);
    },
  );
  return { inserted };
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
  const onStep = (done: number, total: number) => deps.onProgress?.({ phase: 'search', done, total });
  if (intake.search) {
    const entries = intake.tables.find((t) => t.table === 'log_entry')?.rows ?? 0;
    onStep(0, entries);
    await intake.search.finish();
    // Every entry is in the index built beside but those with amendments, indexed again below.
    const amendments = intake.tables.find((t) => t.table === 'entry_amendment')?.rows ?? 0;
    onStep(Math.max(0, entries - amendments), entries);
    await copySearchIndexIn(loader, intake.search.beside, deps.vault.keyForThread(intake.search.beside.path));
    await indexAmendedEntriesAgain(loader, entries);
    onStep(entries, entries);
  } else {
    await buildSearchIndex(loader, onStep);
  }
  await restoreTriggers(loader, plan);
  await recordSnapshotCursor(loader, intake.snapshot.seq, String(intake.snapshot.policyVersion), deps.now().toISOString());
}
