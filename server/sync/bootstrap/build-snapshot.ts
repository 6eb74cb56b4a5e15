import type { Database, Tx } from '../../db/database';
import { getTenant } from '../../store/tenants';
import { apiError } from '../../errors';
import type { FeedFilter, ReadScope } from '../visibility';
import { FrameEncoder, type EncodedFrame } from './frames';
import { RECENT_DAYS, rowJson, serverTableCondition, snapshotTables, type AuditTable, type ChangeLogTable, type ServerTable } from './snapshot-tables';

/**
 * Reads one consistent snapshot of what a scope may read (SYNC.md "First sync") and hands it
 * on as encoded frames. One REPEATABLE READ, READ ONLY transaction: the seq is the tenant's
 * last_seq inside it (seqs are taken under that row's lock and commit in order, so the snapshot
 * holds every change up to it and none after). PostgreSQL builds each row's JSON array; rows
 * are fetched through a cursor in chunks and joined into payloads without being parsed.
 */
export interface SnapshotPlan {
  seq: number;
  /** The tenant's last audit seq at the snapshot: a later erasure makes it stale. */
  auditSeq: number;
  tables: { table: string; columns: string[]; rows: number }[];
}

export interface SnapshotSink {
  /** Called once, before any frame: what the snapshot holds. */
  plan(plan: SnapshotPlan): Promise<void>;
  /** Each numbered frame in order; the build waits for it (backpressure). Its buffers are reused once it resolves. */
  frame(encoded: EncodedFrame): Promise<void>;
}

export interface BuildOptions {
  rowsPerFrame: number;
  /** A frame is cut early once its rows pass this many bytes of JSON. */
  maxFrameBytes: number;
  /** Test seam: runs once the snapshot's seq is read, inside the transaction. */
  afterSnapshotTaken?: () => Promise<void>;
}

/**
 * Frames of about 300 KB: the workstation parses a frame whole on its loader thread and keeps
 * the next one in flight, so a frame's size is held several times over in its memory. 1M
 * entries, client only: 4,000-row frames (~1.3 MB) peaked 100-110 MB higher than 1,000-row ones,
 * and 400 rows saved nothing more.
 */
export const defaultBuildOptions: BuildOptions = { rowsPerFrame: 1000, maxFrameBytes: 1024 * 1024 };

interface Scoped {
  tenantId: string;
  scope: ReadScope;
  filter: FeedFilter;
}

export async function buildSnapshot(db: Database, scoped: Scoped, sink: SnapshotSink, options: BuildOptions = defaultBuildOptions): Promise<void> {
  await db.transaction(
    { tenantId: scoped.tenantId },
    async (tx) => {
      const [head] = await tx.query<{ last_seq: number; last_audit_seq: number }>('SELECT last_seq, last_audit_seq FROM tenant_seq WHERE tenant_id = $1', [scoped.tenantId]);
      const tenant = await getTenant(tx, scoped.tenantId);
      if (!tenant || !head) throw apiError('not_found');
      const seq = Number(head.last_seq);
      await options.afterSnapshotTaken?.();
      const logged = await readChangeLogTables(tx, scoped, seq, tenant);
      const counts = new Map<string, number>();
      for (const table of snapshotTables) {
        if (table.source === 'change_log') counts.set(table.table, logged.get(table.table)?.length ?? 0);
        else counts.set(table.table, await countRows(tx, scoped, seq, table));
      }
      await sink.plan({
        seq,
        auditSeq: Number(head.last_audit_seq),
        tables: snapshotTables.map((table) => ({ table: table.table, columns: table.columns.map((column) => column.name), rows: counts.get(table.table) ?? 0 })),
      });
      const encoder = new FrameEncoder();
      for (const table of snapshotTables) {
        if (table.source === 'change_log') {
          // The tables that name things (people, roles, areas, equipment...): all shown at once.
          const rows = logged.get(table.table) ?? [];
          for (let start = 0; start < rows.length; start += options.rowsPerFrame) await emitRows(sink, encoder, table.table, rows.slice(start, start + options.rowsPerFrame), options, true);
        } else if ((counts.get(table.table) ?? 0) > 0 && table.source === 'table') {
          // Each area's newest days first, in frames marked recent; then the rest.
          for (const part of ['recent', 'rest'] as const) {
            await streamCursor(tx, serverTableQuery(table, scoped, part), options.rowsPerFrame, (rows) => emitRows(sink, encoder, table.table, rows, options, part === 'recent'));
          }
        } else if ((counts.get(table.table) ?? 0) > 0 && table.source === 'audit') {
          await streamCursor(tx, auditQuery(table, scoped, seq), options.rowsPerFrame, (rows) => emitRows(sink, encoder, table.table, rows, options));
        }
        const end = encoder.tableEnd(table.table);
        if (end.count !== counts.get(table.table)) throw new Error(`snapshot table ${table.table}: ${end.count} rows sent, ${counts.get(table.table)} counted`);
        await sink.frame(end.frame);
      }
      await sink.frame(encoder.end(seq));
    },
    { snapshot: 'repeatable-read-only' },
  );
}

/** Cuts a chunk into frames of at most maxFrameBytes of JSON (one row may exceed it alone). */
async function emitRows(sink: SnapshotSink, encoder: FrameEncoder, table: string, rows: readonly string[], options: BuildOptions, recent = false): Promise<void> {
  let start = 0;
  let bytes = 0;
  for (let index = 0; index < rows.length; index += 1) {
    bytes += rows[index].length + 1;
    if (bytes >= options.maxFrameBytes && index > start) {
      await sink.frame(encoder.rows(table, rows.slice(start, index), recent));
      start = index;
      bytes = rows[index].length + 1;
    }
  }
  if (start < rows.length) await sink.frame(encoder.rows(table, start === 0 ? rows : rows.slice(start), recent));
}

interface Query {
  text: string;
  params: unknown[];
}

/** The next chunk is fetched while this one is encoded and written: PostgreSQL and Node work side by side. */
async function streamCursor(tx: Tx, query: Query, rowsPerFetch: number, each: (rows: string[]) => Promise<void>): Promise<void> {
  await tx.query(`DECLARE snapshot_rows NO SCROLL CURSOR FOR ${query.text}`, query.params);
  const fetch = () => tx.query<{ j: string }>(`FETCH FORWARD ${Number(rowsPerFetch)} FROM snapshot_rows`);
  let pending: Promise<{ j: string }[]> | null = fetch();
  while (pending) {
    const fetched: { j: string }[] = await pending;
    pending = fetched.length === rowsPerFetch ? fetch() : null;
    if (fetched.length === 0) break;
    const rows = new Array<string>(fetched.length);
    for (let index = 0; index < fetched.length; index += 1) rows[index] = fetched[index].j;
    await each(rows);
  }
  await tx.query('CLOSE snapshot_rows');
}

/**
 * One part of a shift-data table: its recent rows (within RECENT_DAYS of the newest of their
 * area) or the rest, in the table's order. The recent part stops its index scan at the oldest
 * area's cut-off.
 */
function serverTableQuery(table: ServerTable, scoped: Scoped, part: 'recent' | 'rest'): Query {
  const condition = serverTableCondition(table, scoped.scope, 2);
  const visible = `tenant_id = $1 AND ${condition.text}`;
  const time = table.recentBy;
  const cut = `WITH cut (cut_area, since) AS (SELECT area_id, max(${time}) - interval '${RECENT_DAYS} days' FROM ${table.serverTable} WHERE ${visible} GROUP BY area_id)`;
  const within = part === 'recent' ? `${time} >= since AND ${time} >= (SELECT min(since) FROM cut)` : `${time} < since`;
  return {
    text: `${cut} SELECT ${rowJson(table)} AS j FROM ${table.serverTable} JOIN cut ON cut_area = area_id WHERE ${visible} AND ${within} ORDER BY ${table.orderBy}`,
    params: [scoped.tenantId, ...condition.params],
  };
}

/** The trail as pull delivers it: the feed rows the scope may read, each joined to its event. */
function auditQuery(table: AuditTable, scoped: Scoped, seq: number, select: string = `${rowJson(table)} AS j`, order = 'ORDER BY a.seq DESC'): Query {
  const condition = scoped.filter.everything ? { text: 'true', params: [] } : scoped.filter.sql(3);
  return {
    text: `SELECT ${select}
           FROM (SELECT row, scope FROM change_log WHERE tenant_id = $1 AND seq <= $2 AND entity = 'audit_event' AND ${condition.text}) c
           JOIN audit_events a ON a.tenant_id = $1 AND a.seq = (c.row ->> 'seq')::bigint
           ${order}`,
    params: [scoped.tenantId, seq, ...condition.params],
  };
}

async function countRows(tx: Tx, scoped: Scoped, seq: number, table: ServerTable | AuditTable): Promise<number> {
  const query =
    table.source === 'audit'
      ? auditQuery(table, scoped, seq, 'count(*)::int AS n', '')
      : (() => {
          const condition = serverTableCondition(table, scoped.scope, 2);
          return { text: `SELECT count(*)::int AS n FROM ${table.serverTable} WHERE tenant_id = $1 AND ${condition.text}`, params: [scoped.tenantId, ...condition.params] };
        })();
  const [row] = await tx.query<{ n: number }>(query.text, query.params);
  return Number(row.n);
}

/**
 * The change-log tables, read in one pass: the last change the scope may read of each entity,
 * tombstones dropped (exactly what pulling from seq 0 leaves). They are small, so they are held
 * until their counts are sent.
 */
async function readChangeLogTables(tx: Tx, scoped: Scoped, seq: number, tenant: { name: string; region: string }): Promise<Map<string, string[]>> {
  const tables = snapshotTables.filter((table): table is ChangeLogTable => table.source === 'change_log');
  const condition = scoped.filter.everything ? { text: 'true', params: [] } : scoped.filter.sql(5);
  const cases = tables.map((table) => `WHEN '${table.entity}' THEN ${rowJson(table)}`).join('\n              ');
  const rows = await tx.query<{ entity: string; j: string }>(
    `SELECT entity, j FROM (
       SELECT DISTINCT ON (entity, entity_id) entity, entity_id, op,
              CASE entity ${cases} END AS j
       FROM change_log
       WHERE tenant_id = $1 AND seq <= $2 AND entity IN (${tables.map((table) => `'${table.entity}'`).join(', ')}) AND ${condition.text}
       ORDER BY entity, entity_id, seq DESC
     ) latest
     WHERE op = 'upsert'`,
    [scoped.tenantId, seq, tenant.name, tenant.region, ...condition.params],
  );
  const byTable = new Map<string, string[]>();
  const tableOf = new Map(tables.map((table) => [table.entity, table.table]));
  for (const row of rows) {
    const table = tableOf.get(row.entity)!;
    let list = byTable.get(table);
    if (!list) byTable.set(table, (list = []));
    list.push(row.j);
  }
  return byTable;
}

