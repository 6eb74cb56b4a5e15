import type { Change } from '../../shared/sync-protocol';
import type { Ability } from '../../shared/rbac';
import type { Tx } from '../db/database';
import { toCacheChange } from './cache-rows';
import { feedFilterFor, type FeedFilter } from './visibility';

export interface PullPage {
  changes: Change[];
  cursor: number;
  hasMore: boolean;
  total: number;
}

/** The tenant's last change seq (tenant_seq.last_seq). */
export async function headSeq(tx: Tx, tenantId: string): Promise<number> {
  const rows = await tx.query<{ last_seq: number }>('SELECT last_seq FROM tenant_seq WHERE tenant_id = $1', [tenantId]);
  return Number(rows[0]?.last_seq ?? 0);
}

/**
 * One page of the changes after `since` the caller may read, by seq. The head is read first
 * and bounds the page: seqs are taken under the tenant_seq row lock and commit in order, so
 * every change up to a committed head is already visible, and the cursor may jump to the head
 * when nothing more is visible (hidden rows are never scanned twice).
 */
export async function pullChanges(tx: Tx, tenant: { id: string; name: string; region: string }, ability: Ability, since: number, limit: number, head: number): Promise<PullPage> {
  const filter = feedFilterFor(ability);
  // A reader of everything needs no condition (on an initial sync, one less test per row).
  const condition = filter.everything ? { text: 'true', params: [] } : filter.sql(4);
  const rows = await tx.query<{ seq: number; entity: string; entity_id: string; op: 'upsert' | 'delete'; row: Record<string, unknown> | null }>(
    // An audit_event change holds only the event's seq: the event is read from the trail itself.
    `SELECT seq, entity, entity_id, op,
            CASE WHEN entity = 'audit_event' THEN
              (SELECT to_jsonb(a) || jsonb_build_object('area_id', c.scope -> 'area_id') FROM audit_events a WHERE a.tenant_id = c.tenant_id AND a.seq = (c.row ->> 'seq')::bigint)
            ELSE row END AS row
     FROM change_log c
     WHERE tenant_id = $1 AND seq > $2 AND seq <= $3 AND ${condition.text}
     ORDER BY seq LIMIT ${Number(limit) + 1}`,
    [tenant.id, since, head, ...condition.params],
  );
  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit);
  const changes: Change[] = [];
  for (const row of page) {
    const mapped = toCacheChange(row.entity, row.op === 'delete' ? null : row.row, tenant);
    if (!mapped) continue;
    changes.push({
      seq: Number(row.seq),
      entity: mapped.entity as Change['entity'],
      entityId: row.entity_id,
      op: row.op,
      row: row.op === 'delete' ? null : mapped.row,
    });
  }
  const cursor = hasMore ? Number(page[page.length - 1].seq) : head;
  return { changes, cursor, hasMore, total: await visibleTotal(tx, tenant.id, since, head, filter, page.length, cursor) };
}

/** Beyond this many changes to go, a filtered reader's total is estimated instead of counted. */
export const EXACT_TOTAL_RANGE = 100_000;

/**
 * Changes after `since` the caller may see, for progress. Exact when everything is visible (the
 * feed is gapless) or the range is small; on a huge filtered feed, counting the rest on every
 * page would cost more than the pages, so it is estimated from this page's share of visible
 * rows in the seqs it covered (the protocol allows an estimate there).
 */
async function visibleTotal(tx: Tx, tenantId: string, since: number, head: number, filter: FeedFilter, shown: number, cursor: number): Promise<number> {
  const range = Math.max(0, head - since);
  if (filter.everything) return range;
  if (range <= EXACT_TOTAL_RANGE) return countVisible(tx, tenantId, since, head, filter);
  const covered = Math.max(1, cursor - since);
  return Math.round((shown / covered) * range);
}

async function countVisible(tx: Tx, tenantId: string, since: number, head: number, filter: FeedFilter): Promise<number> {
  const condition = filter.sql(4);
  const rows = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM change_log WHERE tenant_id = $1 AND seq > $2 AND seq <= $3 AND ${condition.text}`,
    [tenantId, since, head, ...condition.params],
  );
  return rows[0].n;
}
