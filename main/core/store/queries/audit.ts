import type { z } from 'zod';
import type { AuditFilterSchema } from '../../../../shared/views';
import type { SqliteDatabase } from '../open';
import { decodeCursor, encodeCursor, pageSize, toPage, type Page, type PageRequest } from '../paging';
import type { AuditEventRow, LocalAuditRow } from '../rows';
import { applyScope, areaColumnIn, type RowScope } from '../scope';
import { all, inList } from './statements';

/** A parsed filter of the contract; what each member means is written on the schema. */
export type AuditFilter = z.output<typeof AuditFilterSchema>;

const auditColumns =
  'a.tenant_id, a.seq, a.id, a.server_time, a.client_time, a.actor_id, a.session_id, a.ip, a.device_id, a.action, ' +
  'a.entity, a.entity_id, a.area_id, a.before, a.after, a.reason, a.prev_hash, a.hash';

/** Downloaded audit events, newest first (seq descending). "own" = events the reader caused. */
export function listAuditEvents(db: SqliteDatabase, scope: RowScope, filter: AuditFilter = {}, page?: PageRequest): Page<AuditEventRow> {
  const limit = pageSize(page);
  const where: string[] = [];
  const params: unknown[] = [];
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
  const rows = all<AuditEventRow>(
    db,
    `SELECT ${auditColumns} FROM audit_event a ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.seq DESC LIMIT ?`,
    params,
  );
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
