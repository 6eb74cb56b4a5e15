import { createHash, randomUUID } from 'node:crypto';
import { canonicalJson } from '../../shared/canonical-json';
import type { AuditEvent, FieldDiff } from '../../shared/domain/audit';
import type { Tx } from '../db/database';
import { iso, isoOrNull, json } from '../store/rows';

/** Who did it, from where: filled from the authenticated request. */
export interface AuditActor {
  userId: string | null;
  sessionId: string | null;
  ip: string | null;
  deviceId: string | null;
  clientTime?: Date | null;
}

export interface AuditRecordInput {
  action: string;
  entity: string;
  entityId: string | null;
  diff?: FieldDiff;
  reason?: string | null;
  /** The area the event concerns (shift data), for area-scoped readers of the trail; else null. */
  areaId?: string | null;
}

/** The event's hash: SHA-256 of the canonical JSON of everything else in it. */
const hashOf = (event: Omit<AuditEvent, 'hash'>) => createHash('sha256').update(canonicalJson(event)).digest('hex');

export const systemActor: AuditActor = { userId: null, sessionId: null, ip: null, deviceId: null };

/**
 * Appends one event to the tenant's chain, inside the caller's transaction (so the event and
 * the write it records commit or vanish together). The tenant's counter row is locked first:
 * concurrent writers, on any instance, queue there, so seq is gapless and each event links to
 * the one committed before it. The event also joins the pull feed (a change_log row of entity
 * audit_event), so workstations whose readers may see it hold the trail (SECURITY.md). The
 * transaction must be bound to `tenantId`.
 */
export async function appendAudit(tx: Tx, tenantId: string, actor: AuditActor, input: AuditRecordInput, now: Date): Promise<AuditEvent> {
  const counter = await tx.query<{ last_audit_seq: number; last_audit_hash: string }>(
    'SELECT last_audit_seq, last_audit_hash FROM tenant_seq WHERE tenant_id = $1 FOR UPDATE',
    [tenantId],
  );
  if (!counter[0]) throw new Error(`tenant ${tenantId} has no sequence row (or the transaction is bound to another tenant)`);
  const event = chainEvent(tenantId, actor, input, now, { seq: Number(counter[0].last_audit_seq), hash: counter[0].last_audit_hash });
  const change = auditChange(event, input.areaId ?? null);
  // One round trip: the event, the counters (audit chain and change seq) and the feed row; the
  // event comes back as stored, to be checked against what was hashed.
  const stored = await tx.query(
    `WITH event AS (
       INSERT INTO audit_events (tenant_id, seq, id, server_time, client_time, actor_id, session_id, ip, device_id, action, entity, entity_id, diff, reason, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14, $15, $16) RETURNING *),
     counter AS (UPDATE tenant_seq SET last_audit_seq = $2, last_audit_hash = $16, last_seq = last_seq + 1 WHERE tenant_id = $1 RETURNING last_seq),
     feed AS (
       INSERT INTO change_log (tenant_id, seq, entity, entity_id, op, row, scope)
       SELECT $1, counter.last_seq, 'audit_event', $17, 'upsert', $18::jsonb, $19::jsonb FROM counter)
     SELECT * FROM event`,
    [
      event.tenant_id, event.seq, event.id, event.server_time, event.client_time, event.actor_id, event.session_id, event.ip,
      event.device_id, event.action, event.entity, event.entity_id, json(event.diff), event.reason, event.prev_hash, event.hash,
      change.entityId, json(change.row), json(change.scope),
    ],
  );
  requireStoredAsHashed([event], stored);
  return event;
}

/** A stored audit event that does not hash to what was hashed before the write: the write must not commit. */
export class AuditReadBackError extends Error {
  constructor(seq: number) {
    super(`audit event ${seq} reads back different from what was hashed; the write was rolled back`);
    this.name = 'AuditReadBackError';
  }
}

/**
 * What is hashed must be exactly what is stored: each event, read back from the table as the
 * verifier reads it (text columns decoded by the driver), must hash to the hash it was written
 * with. Throws, so the transaction rolls back, when one does not (a store that altered a value).
 */
export function requireStoredAsHashed(events: readonly AuditEvent[], storedRows: readonly Record<string, unknown>[]): void {
  const stored = new Map(storedRows.map((row) => [Number(row.seq), toAuditEvent(row)]));
  for (const event of events) {
    const readBack = stored.get(event.seq);
    if (!readBack) throw new AuditReadBackError(event.seq);
    const { hash, ...unhashed } = readBack;
    if (hash !== event.hash || hashOf(unhashed) !== event.hash) throw new AuditReadBackError(event.seq);
  }
}

/** The next event of a chain whose last event is `previous` (seq 0 and the genesis hash when empty). */
export function chainEvent(tenantId: string, actor: AuditActor, input: AuditRecordInput, now: Date, previous: { seq: number; hash: string }): AuditEvent {
  const unhashed: Omit<AuditEvent, 'hash'> = {
    tenant_id: tenantId,
    seq: previous.seq + 1,
    id: randomUUID(),
    server_time: iso(now),
    client_time: isoOrNull(actor.clientTime ?? null),
    actor_id: actor.userId,
    session_id: actor.sessionId,
    ip: actor.ip,
    device_id: actor.deviceId,
    action: input.action,
    entity: input.entity,
    entity_id: input.entityId,
    diff: input.diff ?? {},
    reason: input.reason ?? null,
    prev_hash: previous.hash,
  };
  // auditEventHash (shared/domain/audit.ts), computed synchronously: the same SHA-256 of the same
  // canonical JSON, without a WebCrypto job per event (a push writes hundreds per request).
  return { ...unhashed, hash: hashOf(unhashed) };
}

/**
 * The feed row of an event: only its seq; pull reads the event itself from audit_events (the
 * evidence, never rewritten), so the change log holds nothing of it that erasure would have to
 * pseudonymise. Scope: the actor ("own" access to audit events = events the reader caused) and
 * the area the event concerns.
 */
export function auditChange(event: AuditEvent, areaId: string | null) {
  return {
    entity: 'audit_event',
    entityId: event.id,
    op: 'upsert' as const,
    row: { seq: event.seq } as Record<string, unknown>,
    scope: { actor_id: event.actor_id, area_id: areaId } as Record<string, unknown>,
  };
}

/** A stored row as the API and the verifier see it (timestamps as ISO strings). */
export function toAuditEvent(row: Record<string, unknown>): AuditEvent {
  return {
    tenant_id: row.tenant_id as string,
    seq: Number(row.seq),
    id: row.id as string,
    server_time: iso(row.server_time),
    client_time: isoOrNull(row.client_time),
    actor_id: (row.actor_id as string | null) ?? null,
    session_id: (row.session_id as string | null) ?? null,
    ip: (row.ip as string | null) ?? null,
    device_id: (row.device_id as string | null) ?? null,
    action: row.action as string,
    entity: row.entity as string,
    entity_id: (row.entity_id as string | null) ?? null,
    diff: (row.diff as AuditEvent['diff']) ?? {},
    reason: (row.reason as string | null) ?? null,
    prev_hash: row.prev_hash as string,
    hash: row.hash as string,
  };
}
