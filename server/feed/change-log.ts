import type { Tx } from '../db/database';
import { json } from '../store/rows';

/**
 * SYNC.md: every write to synced data appends its change under the tenant's next seq, taken
 * with the tenant_seq row locked in the same transaction, so pull can page by seq and never
 * skip a row. The transaction must be bound to `tenantId`.
 */
export interface ChangeInput {
  entity: string;
  entityId: string;
  op: 'upsert' | 'delete';
  row: Record<string, unknown> | null;
  scope: Record<string, unknown>;
}

export async function appendChange(tx: Tx, tenantId: string, change: ChangeInput): Promise<number> {
  // One round trip: the counter row is locked and bumped, and the change inserted under its value.
  const rows = await tx.query<{ seq: number }>(
    `WITH next AS (UPDATE tenant_seq SET last_seq = last_seq + 1 WHERE tenant_id = $1 RETURNING last_seq)
     INSERT INTO change_log (tenant_id, seq, entity, entity_id, op, row, scope)
     SELECT $1, next.last_seq, $2, $3, $4, $5::jsonb, $6::jsonb FROM next
     RETURNING seq`,
    [tenantId, change.entity, change.entityId, change.op, change.row === null ? null : json(change.row), json(change.scope)],
  );
  if (!rows[0]) throw new Error(`tenant ${tenantId} has no sequence row (or the transaction is bound to another tenant)`);
  return Number(rows[0].seq);
}
