import { auditChange, chainEvent, requireStoredAsHashed, type AuditActor, type AuditRecordInput } from '../audit/audit-log';
import type { AuditEvent } from '../../shared/domain/audit';
import type { MutationResult } from '../../shared/sync-protocol';
import type { Tx } from '../db/database';
import type { ChangeInput } from '../feed/change-log';

/**
 * What one push request appends while it holds the tenant's counter row (tenant_seq, locked
 * FOR UPDATE once, at the start): change-log seqs and audit events are numbered and chained
 * here, in memory, and written at the end with the mutations' results, in one statement of
 * multi-row inserts. Nobody else can take a seq or chain an event until the request commits,
 * so the numbering is exactly what one-by-one appends would have made.
 *
 * Per-mutation atomicity: a mutation's appends are dropped with its savepoint (`rollback` to a
 * `mark` taken before it), and everything left commits, or vanishes, with the transaction.
 */
interface ChangeRow {
  tenant_id: string;
  seq: number;
  entity: string;
  entity_id: string;
  op: 'upsert' | 'delete';
  row: Record<string, unknown> | null;
  scope: Record<string, unknown>;
}

export interface ClientMutationRow {
  tenant_id: string;
  client_id: string;
  mutation_id: string;
  client_seq: number;
  user_id: string;
  seq: number | null;
  status: MutationResult['status'];
  result: MutationResult;
  at: string;
}

export interface LedgerMark {
  changes: number;
  events: number;
  lastSeq: number;
  lastAuditSeq: number;
  lastAuditHash: string;
}

export class PushLedger {
  private readonly changes: ChangeRow[] = [];
  private readonly events: AuditEvent[] = [];
  private readonly startSeq: number;

  private constructor(
    private readonly tenantId: string,
    /** The last change seq taken (by this request or before it). */
    public lastSeq: number,
    private lastAuditSeq: number,
    private lastAuditHash: string,
  ) {
    this.startSeq = lastSeq;
  }

  /** Locks the tenant's counter row for the rest of the transaction (bound to `tenantId`). */
  static async open(tx: Tx, tenantId: string): Promise<PushLedger> {
    const [counter] = await tx.query<{ last_seq: number; last_audit_seq: number; last_audit_hash: string }>(
      'SELECT last_seq, last_audit_seq, last_audit_hash FROM tenant_seq WHERE tenant_id = $1 FOR UPDATE',
      [tenantId],
    );
    if (!counter) throw new Error(`tenant ${tenantId} has no sequence row (or the transaction is bound to another tenant)`);
    return new PushLedger(tenantId, Number(counter.last_seq), Number(counter.last_audit_seq), counter.last_audit_hash);
  }

  /** The change's seq (SYNC.md: the tenant's next). */
  appendChange(change: ChangeInput): number {
    this.lastSeq += 1;
    this.changes.push({ tenant_id: this.tenantId, seq: this.lastSeq, entity: change.entity, entity_id: change.entityId, op: change.op, row: change.row, scope: change.scope });
    return this.lastSeq;
  }

  /** The next event of the tenant's chain, and its row in the pull feed. */
  async appendAudit(actor: AuditActor, input: AuditRecordInput, now: Date): Promise<AuditEvent> {
    const event = chainEvent(this.tenantId, actor, input, now, { seq: this.lastAuditSeq, hash: this.lastAuditHash });
    this.events.push(event);
    this.lastAuditSeq = event.seq;
    this.lastAuditHash = event.hash;
    this.appendChange(auditChange(event, input.areaId ?? null));
    return event;
  }

  mark(): LedgerMark {
    return { changes: this.changes.length, events: this.events.length, lastSeq: this.lastSeq, lastAuditSeq: this.lastAuditSeq, lastAuditHash: this.lastAuditHash };
  }

  rollback(mark: LedgerMark): void {
    this.changes.length = mark.changes;
    this.events.length = mark.events;
    this.lastSeq = mark.lastSeq;
    this.lastAuditSeq = mark.lastAuditSeq;
    this.lastAuditHash = mark.lastAuditHash;
  }

  /** Did this request take any seq (for the head watchers)? */
  get appended(): boolean {
    return this.lastSeq > this.startSeq;
  }

  /**
   * Writes the events, the changes, the counters and the results in one statement; answers the
   * ids of the results stored. A result not stored collided with a mutation id stored before
   * under another client or user: the caller must not commit. The events come back as stored
   * and must hash to what was hashed (requireStoredAsHashed throws, and nothing commits).
   */
  async flush(tx: Tx, results: readonly ClientMutationRow[]): Promise<Set<string>> {
    if (results.length === 0 && this.changes.length === 0) return new Set();
    // One result set for two row kinds: stored events (stored_mutation_id null) and stored
    // results (every event column null), so this stays one round trip.
    const rows = await tx.query<Record<string, unknown> & { stored_mutation_id: string | null }>(
      `WITH events AS (
         INSERT INTO audit_events (tenant_id, seq, id, server_time, client_time, actor_id, session_id, ip, device_id, action, entity, entity_id, diff, reason, prev_hash, hash)
         SELECT tenant_id, seq, id, server_time, client_time, actor_id, session_id, ip, device_id, action, entity, entity_id, diff, reason, prev_hash, hash
         FROM jsonb_populate_recordset(NULL::audit_events, $2::jsonb)
         RETURNING *),
       changes AS (
         INSERT INTO change_log (tenant_id, seq, entity, entity_id, op, row, scope)
         SELECT tenant_id, seq, entity, entity_id, op, row, scope FROM jsonb_populate_recordset(NULL::change_log, $3::jsonb)),
       counter AS (
         UPDATE tenant_seq SET last_seq = $4, last_audit_seq = $5, last_audit_hash = $6 WHERE tenant_id = $1),
       results AS (
         INSERT INTO client_mutations (tenant_id, client_id, mutation_id, client_seq, user_id, seq, status, result, at)
         SELECT tenant_id, client_id, mutation_id, client_seq, user_id, seq, status, result, at FROM jsonb_populate_recordset(NULL::client_mutations, $7::jsonb)
         ON CONFLICT DO NOTHING RETURNING mutation_id)
       SELECT e.*, NULL::uuid AS stored_mutation_id FROM events e
       UNION ALL
       SELECT (NULL::audit_events).*, r.mutation_id FROM results r`,
      [this.tenantId, JSON.stringify(this.events), JSON.stringify(this.changes), this.lastSeq, this.lastAuditSeq, this.lastAuditHash, JSON.stringify(results)],
    );
    requireStoredAsHashed(this.events, rows.filter((row) => row.stored_mutation_id === null));
    return new Set(rows.filter((row) => row.stored_mutation_id !== null).map((row) => String(row.stored_mutation_id)));
  }
}
