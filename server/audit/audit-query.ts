import { AuditChainVerifier, type AuditEvent, type AuditQuery, type ChainVerification } from '../../shared/domain/audit';
import type { Database, Tx } from '../db/database';
import { toAuditEvent } from './audit-log';

export interface AuditPage {
  items: AuditEvent[];
  next: string | null;
}

/** Events of the bound tenant, oldest first, filtered, in keyset pages (cursor = last seq). */
export async function listAuditEvents(tx: Tx, tenantId: string, query: Omit<AuditQuery, 'after'> & { after?: number; actorOnly?: string }): Promise<AuditPage> {
  const limit = query.limit ?? 100;
  const conditions = ['tenant_id = $1'];
  const params: unknown[] = [tenantId];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    conditions.push(sql.replace('?', `$${params.length}`));
  };
  if (query.after !== undefined) add('seq > ?', query.after);
  if (query.from) add('server_time >= ?', new Date(query.from));
  if (query.to) add('server_time < ?', new Date(query.to));
  if (query.actor) add('actor_id = ?', query.actor);
  if (query.actorOnly) add('actor_id = ?', query.actorOnly);
  if (query.entity) add('entity = ?', query.entity);
  params.push(limit + 1);
  const rows = await tx.query(`SELECT * FROM audit_events WHERE ${conditions.join(' AND ')} ORDER BY seq LIMIT $${params.length}`, params);
  const items = rows.slice(0, limit).map(toAuditEvent);
  return { items, next: rows.length > limit ? String(items[items.length - 1].seq) : null };
}

/**
 * Re-verifies a tenant's whole chain from the stored rows, page by page, each page in its own
 * read transaction so a long trail never holds one open for long.
 */
export async function verifyTenantChain(db: Database, tenantId: string, pageSize = 5000): Promise<ChainVerification> {
  const verifier = new AuditChainVerifier();
  let after = 0;
  for (;;) {
    const rows = await db.transaction({ tenantId }, (tx) =>
      tx.query('SELECT * FROM audit_events WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3', [tenantId, after, pageSize]),
    );
    for (const row of rows) await verifier.add(toAuditEvent(row));
    if (rows.length < pageSize) return verifier.result();
    after = Number(rows[rows.length - 1].seq);
  }
}

/** Who last changed a row, and when: the newest audit event about it in the bound tenant. */
export async function lastChangeOf(tx: Tx, tenantId: string, entityId: string): Promise<{ actorId: string | null; at: string } | null> {
  const rows = await tx.query<{ actor_id: string | null; server_time: Date }>(
    'SELECT actor_id, server_time FROM audit_events WHERE tenant_id = $1 AND entity_id = $2 ORDER BY seq DESC LIMIT 1',
    [tenantId, entityId],
  );
  return rows[0] ? { actorId: rows[0].actor_id, at: new Date(rows[0].server_time).toISOString() } : null;
}
