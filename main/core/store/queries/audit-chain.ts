import { AuditChainVerifier, type AuditEvent, type ChainVerification, type FieldDiff } from '../../../../shared/domain/audit';
import type { SqliteDatabase } from '../open';
import type { AuditEventRow } from '../rows';
import { all } from './statements';

/** The server's event as it was hashed, rebuilt from the cached row (before/after hold the diff's two sides). */
export function auditEventFromRow(row: AuditEventRow): AuditEvent {
  const before = row.before === null ? {} : (JSON.parse(row.before) as Record<string, unknown>);
  const after = row.after === null ? {} : (JSON.parse(row.after) as Record<string, unknown>);
  const diff: FieldDiff = {};
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) diff[field] = { before: before[field] ?? null, after: after[field] ?? null };
  return {
    tenant_id: row.tenant_id,
    seq: row.seq,
    id: row.id ?? '',
    server_time: row.server_time,
    client_time: row.client_time,
    actor_id: row.actor_id,
    session_id: row.session_id,
    ip: row.ip,
    device_id: row.device_id,
    action: row.action,
    entity: row.entity,
    entity_id: row.entity_id,
    diff,
    reason: row.reason,
    prev_hash: row.prev_hash ?? '',
    hash: row.hash,
  };
}

/** Walks the downloaded chain in seq order and reports how far it holds and its first broken link. */
export async function verifyLocalAuditChain(db: SqliteDatabase): Promise<ChainVerification> {
  const verifier = new AuditChainVerifier();
  // Page by page, never an open iterator across an await: other calls share this connection.
  let after = 0;
  for (;;) {
    const rows = all<AuditEventRow>(db, `SELECT * FROM audit_event WHERE seq > ? ORDER BY seq LIMIT 2000`, [after]);
    for (const row of rows) await verifier.add(auditEventFromRow(row));
    if (rows.length < 2000) break;
    after = rows[rows.length - 1].seq;
  }
  return verifier.result();
}
