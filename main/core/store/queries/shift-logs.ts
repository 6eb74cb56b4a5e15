import type { SqliteDatabase } from '../open';
import { decodeCursor, decodeSortCursor, encodeCursor, pageSize, toPage, type Page, type PageRequest } from '../paging';
import type { z } from 'zod';
import type { LogEntrySort, ShiftLogFilterSchema, ShiftLogSort } from '../../../../shared/views';
import type { CommentRow, EntryAmendmentRow, LogEntryRow, ShiftLogRow, SignoffRow } from '../rows';
import { applyScope, areaColumnIn, orgScope, type RowScope, type ScopeColumns } from '../scope';
import { ftsQuery } from './search';
import { all, get, inList, inListSql } from './statements';

/**
 * Shift logs and their entries. Every query takes the reader's scopes and applies them in its
 * WHERE clause; rows outside them are never read into JS.
 */

/** A parsed filter of the contract; what each member means is written on the schema. */
export type ShiftLogFilter = z.output<typeof ShiftLogFilterSchema>;

export interface ShiftLogScopes {
  shiftLog: RowScope;
  logEntry: RowScope;
  /** Whose signatures a list may name (the signer column); every one when absent. */
  signoff?: RowScope;
}

/** "N of M" of a list. */
export interface ListTotals {
  matching: number;
  all: number;
}

export interface ShiftLogDetailScopes extends ShiftLogScopes {
  comment: RowScope;
  signoff: RowScope;
}

export interface ShiftLogListItem extends ShiftLogRow {
  /** Entries of the log the reader may see. */
  entry_count: number;
  late_count: number;
  amended_after_signoff: 0 | 1;
  signer_name: string | null;
}

export interface EntryWithAmendments extends LogEntryRow {
  /** Recorded after the log's first sign-off. */
  after_signoff: 0 | 1;
  amendments: (EntryAmendmentRow & { after_signoff: 0 | 1 })[];
}

export interface ShiftLogDetail {
  shiftLog: ShiftLogRow;
  amendedAfterSignoff: boolean;
  /** In reading order (occurred_at, then id), each with its amendments beside it. */
  entries: EntryWithAmendments[];
  comments: CommentRow[];
  signoffs: SignoffRow[];
}

const shiftLogColumns = (s: string) =>
  ['id', 'area_id', 'shift_date', 'shift_name', 'crew', 'starts_at', 'ends_at', 'status', 'created_by', 'reopened_at', 'version', 'pending_mutation_id']
    .map((c) => `${s}.${c}`)
    .join(', ');

const logEntryColumns = (e: string) =>
  [
    'id',
    'shift_log_id',
    'area_id',
    'equipment_tag',
    'category',
    'severity',
    'body',
    'occurred_at',
    'recorded_at',
    'author_id',
    'late',
    'late_reason',
    'state',
    'version',
    'pending_mutation_id',
  ]
    .map((c) => `${e}.${c}`)
    .join(', ');

export const shiftLogScopeColumns = (s: string): ScopeColumns => ({ own: `${s}.created_by`, inAreas: areaColumnIn(`${s}.area_id`) });
export const logEntryScopeColumns = (e: string): ScopeColumns => ({ own: `${e}.author_id`, inAreas: areaColumnIn(`${e}.area_id`) });
const viaShiftLogArea = (shiftLogIdColumn: string) => (count: number) =>
  // a subquery: never an index term, so nothing to unindex
  inListSql(`(SELECT area_id FROM shift_log WHERE id = ${shiftLogIdColumn})`, count);

/** First sign-off time of a log, as SQL over a shift log id column. */
const firstSignoff = (shiftLogIdColumn: string) => `(SELECT min(signed_at) FROM signoff WHERE shift_log_id = ${shiftLogIdColumn})`;

/** The entry (alias e) is content added after its log's first sign-off. */
const entryAfterSignoff = (e: string) =>
  `(${firstSignoff(`${e}.shift_log_id`)} IS NOT NULL AND (${e}.recorded_at > ${firstSignoff(`${e}.shift_log_id`)} OR EXISTS (` +
  `SELECT 1 FROM entry_amendment am WHERE am.entry_id = ${e}.id AND am.at > ${firstSignoff(`${e}.shift_log_id`)})))`;

/** The log (alias s) has content added after its first sign-off. */
const logAmendedAfterSignoff = (s: string) =>
  `(${firstSignoff(`${s}.id`)} IS NOT NULL AND (` +
  `EXISTS (SELECT 1 FROM log_entry ae WHERE ae.shift_log_id = ${s}.id AND ae.recorded_at > ${firstSignoff(`${s}.id`)}) OR ` +
  `EXISTS (SELECT 1 FROM log_entry ae JOIN entry_amendment am ON am.entry_id = ae.id ` +
  `WHERE ae.shift_log_id = ${s}.id AND am.at > ${firstSignoff(`${s}.id`)})))`;

function hasAny<T>(list: readonly T[] | undefined): list is readonly T[] {
  return list !== undefined && list.length > 0;
}

/** Conditions on the log itself (alias s). */
function shiftLogConditions(s: string, filter: ShiftLogFilter, where: string[], params: unknown[]): void {
  if (filter.shiftDateFrom !== undefined) {
    where.push(`${s}.shift_date >= ?`);
    params.push(filter.shiftDateFrom);
  }
  if (filter.shiftDateTo !== undefined) {
    where.push(`${s}.shift_date <= ?`);
    params.push(filter.shiftDateTo);
  }
  if (hasAny(filter.shiftNames)) inList(`${s}.shift_name`, filter.shiftNames, where, params);
  if (hasAny(filter.statuses)) inList(`${s}.status`, filter.statuses, where, params);
}

function hasEntryCriteria(filter: ShiftLogFilter): boolean {
  return (
    hasAny(filter.severities) ||
    hasAny(filter.categories) ||
    hasAny(filter.authorIds) ||
    filter.late !== undefined ||
    filter.occurredFrom !== undefined ||
    filter.occurredBefore !== undefined ||
    (filter.text !== undefined && ftsQuery(filter.text) !== null)
  );
}

/** Conditions on an entry (alias e), full-text aside (the two lists run it differently). */
function entryConditions(e: string, filter: ShiftLogFilter, where: string[], params: unknown[]): void {
  if (hasAny(filter.severities)) inList(`${e}.severity`, filter.severities, where, params);
  if (hasAny(filter.categories)) inList(`${e}.category`, filter.categories, where, params);
  if (hasAny(filter.authorIds)) inList(`${e}.author_id`, filter.authorIds, where, params);
  // A literal, not a parameter: only then may the planner use the partial late-entry indexes.
  if (filter.late !== undefined) where.push(`${e}.late = ${filter.late ? 1 : 0}`);
  if (filter.occurredFrom !== undefined) {
    where.push(`${e}.occurred_at >= ?`);
    params.push(filter.occurredFrom);
  }
  if (filter.occurredBefore !== undefined) {
    where.push(`${e}.occurred_at < ?`);
    params.push(filter.occurredBefore);
  }
}

/** Who asks for the logs waiting for their sign-off, and the areas where they may sign. */
export interface SignatureWait {
  userId: string;
  /** Areas where the evaluator lets the person sign (`can(sign, shift_log, { areaId })`). */
  signableAreaIds: readonly string[];
}

/**
 * The sort key per sortable column, over a listed row (alias l, with its computed columns);
 * never null, so the keyset's row-value comparisons hold.
 */
const shiftLogSortKeys: Record<ShiftLogSort['by'], string> = {
  date: 'l.starts_at',
  area: 'coalesce((SELECT a.name FROM area a WHERE a.id = l.area_id), l.area_id)',
  shift: 'l.shift_name',
  crew: "coalesce(l.crew, '')",
  // The workflow's order, not the alphabet's.
  status: "(CASE l.status WHEN 'open' THEN 0 WHEN 'submitted' THEN 1 WHEN 'reviewed' THEN 2 ELSE 3 END)",
  entries: 'l.entry_count',
  signer: "coalesce(l.signer_name, '')",
};

const defaultShiftLogSort: ShiftLogSort = { by: 'date', dir: 'desc' };

/** The WHERE of a shift-log list (alias s): scopes, filters, and the waiting-for-me condition. */
function shiftLogListConditions(scopes: ShiftLogScopes, filter: ShiftLogFilter, waiting: SignatureWait | null, where: string[], params: unknown[]): void {
  applyScope(scopes.shiftLog, shiftLogScopeColumns('s'), where, params);
  if (hasAny(filter.areaIds)) inList('s.area_id', filter.areaIds, where, params);
  shiftLogConditions('s', filter, where, params);
  if (hasEntryCriteria(filter)) {
    const inner: string[] = ['e.shift_log_id = s.id'];
    const match = filter.text === undefined ? null : ftsQuery(filter.text);
    if (match !== null) {
      inner.push('e.row_no IN (SELECT rowid FROM log_entry_fts WHERE log_entry_fts MATCH ?)');
      params.push(match);
    }
    entryConditions('e', filter, inner, params);
    applyScope(scopes.logEntry, logEntryScopeColumns('e'), inner, params);
    where.push(`EXISTS (SELECT 1 FROM log_entry e WHERE ${inner.join(' AND ')})`);
  }
  if (filter.amendedAfterSignoff !== undefined) where.push(`${filter.amendedAfterSignoff ? '' : 'NOT '}${logAmendedAfterSignoff('s')}`);
  if (waiting) {
    where.push("s.status IN ('submitted', 'reviewed')");
    inList('s.area_id', waiting.signableAreaIds, where, params);
    if (waiting.signableAreaIds.length === 0) where.push('0');
    // A signature from before the log was last reopened does not cover what came after.
    where.push("NOT EXISTS (SELECT 1 FROM signoff m WHERE m.shift_log_id = s.id AND m.signer_id = ? AND m.signed_at > coalesce(s.reopened_at, ''))");
    params.push(waiting.userId);
  }
}

/**
 * Shift logs with the filters and the reader's scopes, sorted by a column (then id, the same
 * direction), newest shift first by default; entry criteria select logs having at least one
 * entry the reader may see that matches them all. With `waiting`, only the logs waiting for
 * that person's signature.
 */
export function listShiftLogs(
  db: SqliteDatabase,
  scopes: ShiftLogScopes,
  filter: ShiftLogFilter = {},
  page?: PageRequest,
  options: { sort?: ShiftLogSort; waiting?: SignatureWait | null } = {},
): Page<ShiftLogListItem> {
  const limit = pageSize(page);
  const sort = options.sort ?? defaultShiftLogSort;
  const params: unknown[] = [];

  // Computed columns in the select list: their parameters come first.
  const countWhere: string[] = ['c.shift_log_id = s.id'];
  applyScope(scopes.logEntry, logEntryScopeColumns('c'), countWhere, params);
  const lateWhere: string[] = ['c.shift_log_id = s.id', 'c.late = 1'];
  applyScope(scopes.logEntry, logEntryScopeColumns('c'), lateWhere, params);
  const signerWhere: string[] = ['g.shift_log_id = s.id'];
  applyScope(scopes.signoff ?? orgScope, { own: 'g.signer_id', inAreas: areaColumnIn('s.area_id') }, signerWhere, params);

  const where: string[] = [];
  shiftLogListConditions(scopes, filter, options.waiting ?? null, where, params);

  const inner =
    `SELECT ${shiftLogColumns('s')}, ` +
    `(SELECT count(*) FROM log_entry c WHERE ${countWhere.join(' AND ')}) AS entry_count, ` +
    `(SELECT count(*) FROM log_entry c WHERE ${lateWhere.join(' AND ')}) AS late_count, ` +
    `${logAmendedAfterSignoff('s')} AS amended_after_signoff, ` +
    `(SELECT g.printed_name FROM signoff g WHERE ${signerWhere.join(' AND ')} ORDER BY g.signed_at DESC, g.id DESC LIMIT 1) AS signer_name ` +
    `FROM shift_log s ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
  // The key needs the computed columns (entry count, signer), so it is taken over the inner rows.
  const keyed = `SELECT l.*, ${shiftLogSortKeys[sort.by]} AS sort_key FROM (${inner}) l`;
  const outerWhere: string[] = [];
  if (page?.after) {
    const [afterKey, afterId] = decodeSortCursor(page.after);
    outerWhere.push(`(k.sort_key, k.id) ${sort.dir === 'desc' ? '<' : '>'} (?, ?)`);
    params.push(afterKey, afterId);
  }
  params.push(limit + 1);
  const dir = sort.dir === 'desc' ? 'DESC' : 'ASC';
  const sql = `SELECT * FROM (${keyed}) k ${outerWhere.length ? `WHERE ${outerWhere.join(' AND ')}` : ''} ORDER BY k.sort_key ${dir}, k.id ${dir} LIMIT ?`;
  const rows = all<ShiftLogListItem & { sort_key: string | number }>(db, sql, params);
  const paged = toPage(rows, limit, (row) => encodeCursor(row.sort_key, row.id));
  return { items: paged.items.map(({ sort_key: _key, ...item }) => item), next: paged.next };
}

/** How many logs the list shows for this request, and how many the reader may see at all. */
export function countShiftLogs(db: SqliteDatabase, scopes: ShiftLogScopes, filter: ShiftLogFilter = {}, waiting: SignatureWait | null = null): ListTotals {
  const where: string[] = [];
  const params: unknown[] = [];
  shiftLogListConditions(scopes, filter, waiting, where, params);
  const matching = get<{ n: number }>(db, `SELECT count(*) AS n FROM shift_log s ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`, params)?.n ?? 0;
  const allWhere: string[] = [];
  const allParams: unknown[] = [];
  applyScope(scopes.shiftLog, shiftLogScopeColumns('s'), allWhere, allParams);
  const everything = get<{ n: number }>(db, `SELECT count(*) AS n FROM shift_log s ${allWhere.length ? `WHERE ${allWhere.join(' AND ')}` : ''}`, allParams)?.n ?? 0;
  return { matching, all: everything };
}

/**
 * Log entries across shift logs, with the filters (log-level ones through the entry's log) and
 * the reader's scopes. Newest first: by occurred_at (then id), or, with `text`, a full-text
 * search newest-recorded first (the index's own order, so a common word stops at one page
 * instead of sorting every match).
 */
/**
 * The WHERE of an entry query (alias `e`, FTS table `log_entry_fts` when `match` is set): the
 * read scopes, the entry filters and the filters of the entry's shift log. Shared by the list
 * and the per-day counts so both always mean the same rows.
 */
export function logEntryConditions(db: SqliteDatabase, scopes: ShiftLogScopes, filter: ShiftLogFilter): { match: string | null; where: string[]; params: unknown[] } {
  const text = filter.text === undefined ? null : ftsQuery(filter.text);
  const match = text !== null && hasAny(filter.areaIds) ? withAreaNames(db, text, filter.areaIds) : text;
  const where: string[] = [];
  const params: unknown[] = [];
  if (match !== null) {
    where.push('log_entry_fts MATCH ?');
    params.push(match);
  }
  applyScope(scopes.logEntry, logEntryScopeColumns('e'), where, params);
  if (hasAny(filter.areaIds)) inList('e.area_id', filter.areaIds, where, params);
  entryConditions('e', filter, where, params);

  // An entry is read within its log: the log must be visible and match the log-level filters.
  // Asked per entry as a scalar subquery (null when the log is missing): as an EXISTS, SQLite
  // turns it into a join with a Bloom filter built from every matching log, on every call.
  const logConditions: string[] = [];
  shiftLogConditions('s', filter, logConditions, params);
  applyScope(scopes.shiftLog, shiftLogScopeColumns('s'), logConditions, params);
  if (logConditions.length > 0) where.push(`(SELECT ${logConditions.join(' AND ')} FROM shift_log s WHERE s.id = e.shift_log_id)`);
  if (filter.amendedAfterSignoff !== undefined) where.push(`${filter.amendedAfterSignoff ? '' : 'NOT '}${entryAfterSignoff('e')}`);
  return { match, where, params };
}

/** Above this many logs in a shift-date range, walking the entries by time is the cheaper plan. */
const viaLogsLimit = 5_000;

function logsInDateRange(db: SqliteDatabase, filter: ShiftLogFilter): number {
  const row = get<{ n: number }>(db, 'SELECT count(*) AS n FROM shift_log WHERE shift_date BETWEEN ? AND ?', [
    filter.shiftDateFrom ?? '0000-01-01',
    filter.shiftDateTo ?? '9999-12-31',
  ]);
  return row?.n ?? 0;
}

/** Areas named in one search at most: beyond, the exact area check alone is cheaper than a long OR. */
const maxAreaNamesInMatch = 40;

/**
 * Text search within areas: the index also holds each entry's area name, so the match itself
 * can leave out other areas' entries (posting lists intersected inside FTS5) instead of every
 * match being looked up and dropped one by one. Only a narrowing: the exact `area_id` check
 * stays, so two areas sharing a name cannot leak; an area not on this workstation (no name)
 * leaves the match as it was.
 */
function withAreaNames(db: SqliteDatabase, match: string, areaIds: readonly string[]): string {
  if (areaIds.length > maxAreaNamesInMatch) return match;
  const rows = all<{ name: string }>(db, `SELECT name FROM area WHERE ${inListSql('id', areaIds.length)}`, [...areaIds]);
  if (rows.length !== areaIds.length || rows.some((row) => !/[\p{L}\p{N}]/u.test(row.name))) return match;
  const names = [...new Set(rows.map((row) => `"${row.name.replaceAll('"', '""')}"`))];
  return `(${match}) AND area_name : (${names.join(' OR ')})`;
}

/**
 * Sort keys of an entry (alias e) per column. Severity sorts by its rank, through the same
 * expression as its index (migration 0010), or the planner could not use it.
 */
export const severityRank = "(CASE e.severity WHEN 'info' THEN 0 WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3 WHEN 'critical' THEN 4 END)";
const logEntrySortKeys: Record<Exclude<LogEntrySort['by'], 'relevance'>, string> = {
  occurredAt: 'e.occurred_at',
  recordedAt: 'e.recorded_at',
  severity: severityRank,
};

/**
 * Entries sorted by a column, or with search text by best match (FTS5 rank, best first). The
 * default order (no sort, or newest occurred first without text) keeps the planned paths of
 * listLogEntriesNewestFirst.
 */
export function listLogEntries(db: SqliteDatabase, scopes: ShiftLogScopes, filter: ShiftLogFilter = {}, page?: PageRequest, sort?: LogEntrySort): Page<LogEntryRow> {
  const hasText = filter.text !== undefined && ftsQuery(filter.text) !== null;
  if (sort === undefined) return listLogEntriesNewestFirst(db, scopes, filter, page);
  if (sort.by === 'relevance') return hasText ? listLogEntriesByRank(db, scopes, filter, page) : listLogEntriesNewestFirst(db, scopes, filter, page);
  if (!hasText && sort.by === 'occurredAt' && sort.dir === 'desc') return listLogEntriesNewestFirst(db, scopes, filter, page);

  const limit = pageSize(page);
  const { match, where, params } = logEntryConditions(db, scopes, filter);
  // The matches are a set the sorted walk tests each entry against.
  if (match !== null) where[where.indexOf('log_entry_fts MATCH ?')] = 'e.row_no IN (SELECT rowid FROM log_entry_fts WHERE log_entry_fts MATCH ?)';
  const key = logEntrySortKeys[sort.by];
  if (page?.after) {
    const [afterKey, afterRow] = decodeSortCursor(page.after);
    // The plain bound on the key lets SQLite seek an expression index (severity rank) to the
    // page start; the row value alone over an expression makes it scan from the first row.
    const op = sort.dir === 'desc' ? '<' : '>';
    where.push(`${key} ${op}= ?`, `(${key}, e.row_no) ${op} (?, ?)`);
    params.push(afterKey, afterKey, afterRow);
  }
  params.push(limit + 1);
  const dir = sort.dir === 'desc' ? 'DESC' : 'ASC';
  // Ties on the row number: the last column of every entry index (migration 0012).
  const rows = all<LogEntryRow & { sort_key: string | number; row_no: number }>(
    db,
    `SELECT ${logEntryColumns('e')}, ${key} AS sort_key, e.row_no FROM log_entry e ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${key} ${dir}, e.row_no ${dir} LIMIT ?`,
    params,
  );
  const paged = toPage(rows, limit, (row) => encodeCursor(row.sort_key, row.row_no));
  return { items: paged.items.map(({ sort_key: _key, row_no: _rowNo, ...entry }) => entry), next: paged.next };
}

/** Best match first: every match is ranked (that is what a rank needs), then paged by (rank, row). */
function listLogEntriesByRank(db: SqliteDatabase, scopes: ShiftLogScopes, filter: ShiftLogFilter, page?: PageRequest): Page<LogEntryRow> {
  const limit = pageSize(page);
  const { where, params } = logEntryConditions(db, scopes, filter);
  const afterParams: unknown[] = [];
  let after = '';
  if (page?.after) {
    const [rank, rowNo] = decodeSortCursor(page.after);
    after = 'WHERE (r.score, r.row_no) > (?, ?)';
    afterParams.push(rank, rowNo);
  }
  const rows = all<LogEntryRow & { row_no: number; score: number }>(
    db,
    `SELECT * FROM (SELECT ${logEntryColumns('e')}, e.row_no, f.rank AS score FROM log_entry_fts f CROSS JOIN log_entry e ON e.row_no = f.rowid ` +
      `WHERE ${where.join(' AND ')}) r ${after} ORDER BY r.score, r.row_no LIMIT ?`,
    [...params, ...afterParams, limit + 1],
  );
  const paged = toPage(rows, limit, (row) => encodeCursor(row.score, row.row_no));
  return { items: paged.items.map(({ row_no: _rowNo, score: _score, ...entry }) => entry), next: paged.next };
}

/** How many entries the list shows for this filter, and how many the reader may see at all. */
export function countLogEntries(db: SqliteDatabase, scopes: ShiftLogScopes, filter: ShiftLogFilter = {}): ListTotals {
  const { match, where, params } = logEntryConditions(db, scopes, filter);
  const from = match !== null ? 'log_entry_fts f CROSS JOIN log_entry e ON e.row_no = f.rowid' : 'log_entry e';
  const matching = get<{ n: number }>(db, `SELECT count(*) AS n FROM ${from} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`, params)?.n ?? 0;
  const scoped = logEntryConditions(db, scopes, {});
  const everything = get<{ n: number }>(db, `SELECT count(*) AS n FROM log_entry e ${scoped.where.length ? `WHERE ${scoped.where.join(' AND ')}` : ''}`, scoped.params)?.n ?? 0;
  return { matching, all: everything };
}

/** The default order: newest occurred first, or with text newest recorded first (see above). */
function listLogEntriesNewestFirst(db: SqliteDatabase, scopes: ShiftLogScopes, filter: ShiftLogFilter = {}, page?: PageRequest): Page<LogEntryRow> {
  const limit = pageSize(page);
  const { match, where, params } = logEntryConditions(db, scopes, filter);
  // A shift-date range of a few thousand logs: pick the logs by date and sort their entries'
  // keys (one covering index), instead of walking every newer entry back to the range.
  const viaLogs = (filter.shiftDateFrom !== undefined || filter.shiftDateTo !== undefined) && logsInDateRange(db, filter) <= viaLogsLimit;
  const logsInRange = 'e.shift_log_id IN (SELECT r.id FROM shift_log r WHERE r.shift_date BETWEEN ? AND ?)';
  const rangeParams = [filter.shiftDateFrom ?? '0000-01-01', filter.shiftDateTo ?? '9999-12-31'];

  if (match !== null && viaLogs) {
    // The range's entries drive; the text matches are a set they are tested against.
    where[where.indexOf('log_entry_fts MATCH ?')] = 'e.row_no IN (SELECT rowid FROM log_entry_fts WHERE log_entry_fts MATCH ?)';
    where.push(logsInRange);
    params.push(...rangeParams);
    if (page?.after) {
      const [rowNo] = decodeCursor(page.after, 'number');
      where.push('e.row_no < ?');
      params.push(rowNo);
    }
    params.push(limit + 1);
    const rows = all<LogEntryRow & { row_no: number }>(
      db,
      `SELECT ${logEntryColumns('e')}, e.row_no FROM log_entry e INDEXED BY log_entry_by_shift_log_time WHERE ${where.join(' AND ')} ORDER BY e.row_no DESC LIMIT ?`,
      params,
    );
    const paged = toPage(rows, limit, (row) => encodeCursor(row.row_no, row.row_no));
    return { items: paged.items.map(({ row_no: _rowNo, ...entry }) => entry), next: paged.next };
  }

  if (match !== null) {
    if (page?.after) {
      const [rowNo] = decodeCursor(page.after, 'number');
      where.push('f.rowid < ?');
      params.push(rowNo);
    }
    params.push(limit + 1);
    // CROSS JOIN keeps the index as the outer loop, read in descending rowid order.
    const rows = all<LogEntryRow & { row_no: number }>(
      db,
      `SELECT ${logEntryColumns('e')}, e.row_no FROM log_entry_fts f CROSS JOIN log_entry e ON e.row_no = f.rowid ` +
        `WHERE ${where.join(' AND ')} ORDER BY f.rowid DESC LIMIT ?`,
      params,
    );
    const paged = toPage(rows, limit, (row) => encodeCursor(row.row_no, row.row_no));
    return { items: paged.items.map(({ row_no: _rowNo, ...entry }) => entry), next: paged.next };
  }

  if (viaLogs) {
    where.push(logsInRange);
    params.push(...rangeParams);
  }
  if (page?.after) {
    const [occurredAt, rowNo] = decodeCursor(page.after, 'text-row');
    where.push('(e.occurred_at, e.row_no) < (?, ?)');
    params.push(occurredAt, rowNo);
  }
  params.push(limit + 1);
  const sql =
    `SELECT ${logEntryColumns('e')}, e.row_no FROM log_entry e ${viaLogs ? 'INDEXED BY log_entry_by_shift_log_time ' : ''}${where.length ? `WHERE ${where.join(' AND ')}` : ''} ` +
    `ORDER BY e.occurred_at DESC, e.row_no DESC LIMIT ?`;
  const rows = all<LogEntryRow & { row_no: number }>(db, sql, params);
  const paged = toPage(rows, limit, (row) => encodeCursor(row.occurred_at, row.row_no));
  return { items: paged.items.map(({ row_no: _rowNo, ...entry }) => entry), next: paged.next };
}

/**
 * One shift log with what the reader may see of it: entries in reading order with their
 * amendments beside them, comments, sign-offs. Null when the log does not exist or is outside
 * the reader's scope (the two are not told apart).
 */
export function getShiftLog(db: SqliteDatabase, scopes: ShiftLogDetailScopes, shiftLogId: string): ShiftLogDetail | null {
  const logWhere = ['s.id = ?'];
  const logParams: unknown[] = [shiftLogId];
  applyScope(scopes.shiftLog, shiftLogScopeColumns('s'), logWhere, logParams);
  const shiftLog = get<ShiftLogRow & { amended_after_signoff: 0 | 1 }>(
    db,
    `SELECT ${shiftLogColumns('s')}, ${logAmendedAfterSignoff('s')} AS amended_after_signoff FROM shift_log s WHERE ${logWhere.join(' AND ')}`,
    logParams,
  );
  if (!shiftLog) return null;
  const { amended_after_signoff: amended, ...logRow } = shiftLog;

  const entryWhere = ['e.shift_log_id = ?'];
  const entryParams: unknown[] = [shiftLogId];
  applyScope(scopes.logEntry, logEntryScopeColumns('e'), entryWhere, entryParams);
  const entries = all<LogEntryRow & { after_signoff: 0 | 1 }>(
    db,
    `SELECT ${logEntryColumns('e')}, ` +
      `(${firstSignoff('e.shift_log_id')} IS NOT NULL AND e.recorded_at > ${firstSignoff('e.shift_log_id')}) AS after_signoff ` +
      `FROM log_entry e WHERE ${entryWhere.join(' AND ')} ORDER BY e.occurred_at, e.id`,
    entryParams,
  );

  const amendments = all<EntryAmendmentRow & { after_signoff: 0 | 1 }>(
    db,
    `SELECT am.id, am.entry_id, am.kind, am.body, am.fields_changed, am.reason, am.author_id, am.at, am.version, am.pending_mutation_id, ` +
      `(${firstSignoff('e.shift_log_id')} IS NOT NULL AND am.at > ${firstSignoff('e.shift_log_id')}) AS after_signoff ` +
      `FROM entry_amendment am JOIN log_entry e ON e.id = am.entry_id WHERE ${entryWhere.join(' AND ')} ORDER BY am.at, am.id`,
    entryParams,
  );
  const byEntry = new Map<string, EntryWithAmendments['amendments']>();
  for (const amendment of amendments) {
    const list = byEntry.get(amendment.entry_id) ?? [];
    list.push(amendment);
    byEntry.set(amendment.entry_id, list);
  }

  // A comment on an entry is shown only with that entry.
  const commentWhere = ['c.shift_log_id = ?'];
  const commentParams: unknown[] = [shiftLogId];
  applyScope(scopes.comment, { own: 'c.author_id', inAreas: viaShiftLogArea('c.shift_log_id') }, commentWhere, commentParams);
  const visibleEntryWhere = ['e.shift_log_id = c.shift_log_id'];
  applyScope(scopes.logEntry, logEntryScopeColumns('e'), visibleEntryWhere, commentParams);
  commentWhere.push(`(c.entry_id IS NULL OR c.entry_id IN (SELECT e.id FROM log_entry e WHERE ${visibleEntryWhere.join(' AND ')}))`);
  const comments = all<CommentRow>(
    db,
    `SELECT c.id, c.shift_log_id, c.entry_id, c.author_id, c.body, c.at, c.version, c.pending_mutation_id ` +
      `FROM comment c WHERE ${commentWhere.join(' AND ')} ORDER BY c.at, c.id`,
    commentParams,
  );

  const signoffWhere = ['g.shift_log_id = ?'];
  const signoffParams: unknown[] = [shiftLogId];
  applyScope(scopes.signoff, { own: 'g.signer_id', inAreas: viaShiftLogArea('g.shift_log_id') }, signoffWhere, signoffParams);
  const signoffs = all<SignoffRow>(
    db,
    `SELECT g.id, g.shift_log_id, g.signer_id, g.printed_name, g.meaning, g.signed_at, g.claimed_signed_at, g.auth_method, g.content_hash, g.version, g.pending_mutation_id ` +
      `FROM signoff g WHERE ${signoffWhere.join(' AND ')} ORDER BY g.signed_at, g.id`,
    signoffParams,
  );

  return {
    shiftLog: logRow,
    amendedAfterSignoff: amended === 1,
    entries: entries.map((entry) => ({ ...entry, amendments: byEntry.get(entry.id) ?? [] })),
    comments,
    signoffs,
  };
}
