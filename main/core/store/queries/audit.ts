import type { z } from 'zod';
import type { AuditFilterSchema } from '../../../../shared/views';
import type { SqliteDatabase } from '../open';
import { decodeCursor, encodeCursor, pageSize, toPage, type Page, type PageRequest } from '../paging';
import type { AuditEventRow, LocalAuditRow } from '../rows';
import { applyScope, areaColumnIn, type RowScope, type ScopeColumns } from '../scope';
import { sessionScopeColumns, userScopeColumns } from './people';
import { logEntryScopeColumns, shiftLogScopeColumns } from './shift-logs';
import { all, inList } from './statements';

/** A parsed filter of the contract; what each member means is written on the schema. */
export type AuditFilter = z.output<typeof AuditFilterSchema>;

const auditColumns =
  'a.tenant_id, a.seq, a.id, a.server_time, a.client_time, a.actor_id, a.session_id, a.ip, a.device_id, a.action, ' +
  'a.entity, a.entity_id, a.area_id, a.before, a.after, a.reason, a.prev_hash, a.hash';

/**
 * The scopes under which an event's record and device are named: what the reader may not see
 * (or what is not in the cache) stays an id.
 */
export interface RecordScopes {
  shiftLog: RowScope;
  logEntry: RowScope;
  user: RowScope;
  session: RowScope;
  role: RowScope;
}

/**
 * What an event's record is called, from the cached tables. A shift log comes as its parts (the
 * date is formatted where the language is known); an entry as the start of its text; a user,
 * role, area or the organisation by name; a session by its device. `shift_log_id` and `user_id` say where it lives.
 */
export interface AuditRecordName {
  name: string | null;
  shift_log_id: string | null;
  user_id: string | null;
  area_name: string | null;
  shift_date: string | null;
  shift_name: string | null;
}

export interface AuditEventListItem extends AuditEventRow {
  record: AuditRecordName | null;
  /** The newest cached session's name for the event's device. */
  device_name: string | null;
}

/** Enough of an entry's text to recognise it; the screen cuts it at a word. */
const entryNameLength = 80;

/** One correlated lookup per named entity; SQLite runs them only for the rows of the page. */
function recordColumns(scopes: RecordScopes, params: unknown[]): string {
  const lookup = (table: string, columns: ScopeColumns | null, scope: RowScope, json: string, extra = '') => {
    const where = [`${table.split(' ')[1]}.id = a.entity_id`];
    if (extra) where.push(extra);
    if (columns) applyScope(scope, columns, where, params);
    return `(SELECT ${json} FROM ${table} WHERE ${where.join(' AND ')})`;
  };
  const shiftLog = lookup(
    'shift_log s',
    shiftLogScopeColumns('s'),
    scopes.shiftLog,
    `json_object('shift_log_id', s.id, 'area_name', (SELECT name FROM area WHERE id = s.area_id), 'shift_date', s.shift_date, 'shift_name', s.shift_name)`,
  );
  // A comment, sign-off or handover is named by the log it belongs to, as far as the reader may see that log.
  const viaLog = (table: string, logColumn: string) => {
    const where = [`x.id = a.entity_id`];
    applyScope(scopes.shiftLog, shiftLogScopeColumns('s'), where, params);
    return (
      `(SELECT json_object('shift_log_id', s.id, 'area_name', (SELECT name FROM area WHERE id = s.area_id), 'shift_date', s.shift_date, 'shift_name', s.shift_name) ` +
      `FROM ${table} x JOIN shift_log s ON s.id = x.${logColumn} WHERE ${where.join(' AND ')})`
    );
  };
  const entry = lookup('log_entry e', logEntryScopeColumns('e'), scopes.logEntry, `json_object('name', substr(e.body, 1, ${entryNameLength}), 'shift_log_id', e.shift_log_id)`);
  const user = lookup('user u', userScopeColumns, scopes.user, `json_object('name', u.display_name, 'user_id', u.id)`);
  const session = lookup('session se', sessionScopeColumns, scopes.session, `json_object('name', se.device_name, 'user_id', se.user_id)`, 'se.device_name IS NOT NULL');
  // A role has no owner or area: only a reader with org-wide role access sees its name.
  const role = lookup('role r', { own: null, inAreas: null }, scopes.role, `json_object('name', r.name)`);
  // Every signed-in person sees the area tree (areas.list needs no right).
  const area = lookup('area ar', null, { kind: 'org' }, `json_object('name', ar.name)`);
  // The organisation names itself on every screen (the header): its settings are named by it too.
  const tenant = lookup('tenant tn', null, { kind: 'org' }, `json_object('name', tn.name)`);
  // Built in the order they appear in the statement below: each pushes its parameters.
  const comment = viaLog('comment', 'shift_log_id');
  const signoff = viaLog('signoff', 'shift_log_id');
  const handover = viaLog('handover', 'from_shift_log_id');
  const record =
    `CASE a.entity WHEN 'shift_log' THEN ${shiftLog} WHEN 'log_entry' THEN ${entry} WHEN 'user' THEN ${user} ` +
    `WHEN 'session' THEN ${session} WHEN 'role' THEN ${role} WHEN 'area' THEN ${area} ` +
    `WHEN 'tenant' THEN ${tenant} WHEN 'tenant_settings' THEN ${tenant} ` +
    `WHEN 'comment' THEN ${comment} WHEN 'signoff' THEN ${signoff} WHEN 'handover' THEN ${handover} END AS record`;
  const deviceWhere = ['se.device_id = a.device_id', 'se.device_name IS NOT NULL'];
  applyScope(scopes.session, sessionScopeColumns, deviceWhere, params);
  const device = `(SELECT se.device_name FROM session se WHERE ${deviceWhere.join(' AND ')} ORDER BY se.created_at DESC, se.id DESC LIMIT 1) AS device_name`;
  return `${record}, ${device}`;
}

const recordKeys = ['name', 'shift_log_id', 'user_id', 'area_name', 'shift_date', 'shift_name'] as const;

function parseRecord(json: string | null): AuditRecordName | null {
  if (json === null) return null;
  const value = JSON.parse(json) as Partial<Record<(typeof recordKeys)[number], string | null>>;
  return Object.fromEntries(recordKeys.map((key) => [key, value[key] ?? null])) as unknown as AuditRecordName;
}

/**
 * Downloaded audit events, newest first (seq descending). "own" = events the reader caused.
 * Each comes with the name of its record and device as far as `names` lets the reader see them.
 */
export function listAuditEvents(db: SqliteDatabase, scope: RowScope, filter: AuditFilter = {}, page?: PageRequest, names?: RecordScopes): Page<AuditEventListItem> {
  const limit = pageSize(page);
  const where: string[] = [];
  // The select list's parameters come first in the statement.
  const params: unknown[] = [];
  // Without scopes (a file export) nothing is named, and no lookup runs.
  const named = names ? recordColumns(names, params) : 'NULL AS record, NULL AS device_name';
  applyScope(scope, { own: 'a.actor_id', inAreas: areaColumnIn('a.area_id') }, where, params);
  if (filter.from !== undefined) {
    where.push('a.server_time >= ?');
    params.push(filter.from);
  }
  if (filter.to !== undefined) {
    where.push('a.server_time < ?');
    params.push(filter.to);
  }
  if (filter.actorIds?.length) inList('a.actor_id', filter.actorIds, where, params);
  if (filter.entities?.length) inList('a.entity', filter.entities, where, params);
  if (filter.actions?.length) inList('a.action', filter.actions, where, params);
  if (filter.entityId !== undefined) {
    where.push('a.entity_id = ?');
    params.push(filter.entityId);
  }
  if (page?.after) {
    const [seq] = decodeCursor(page.after, 'number');
    where.push('a.seq < ?');
    params.push(seq);
  }
  params.push(limit + 1);
  const rows = all<AuditEventRow & { record: string | null; device_name: string | null }>(
    db,
    `SELECT ${auditColumns}, ${named} FROM audit_event a ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.seq DESC LIMIT ?`,
    params,
  ).map((row) => ({ ...row, record: parseRecord(row.record) }));
  return toPage(rows, limit, (row) => encodeCursor(row.seq, row.seq));
}

/** The whole downloaded chain in order, for verification (prev_hash -> hash). */
export function* iterateAuditChain(db: SqliteDatabase): Generator<AuditEventRow> {
  yield* db.prepare(`SELECT ${auditColumns} FROM audit_event a ORDER BY a.seq`).iterate() as Iterable<AuditEventRow>;
}

/** This workstation's own log, newest first. */
export function listLocalAudit(db: SqliteDatabase, page?: PageRequest): Page<LocalAuditRow> {
  const limit = pageSize(page);
  const params: unknown[] = [];
  let where = '';
  if (page?.after) {
    const [id] = decodeCursor(page.after, 'number');
    where = 'WHERE id < ?';
    params.push(id);
  }
  params.push(limit + 1);
  const rows = all<LocalAuditRow>(db, `SELECT id, at, actor_id, action, details, mutation_id FROM local_audit ${where} ORDER BY id DESC LIMIT ?`, params);
  return toPage(rows, limit, (row) => encodeCursor(row.id, row.id));
}
