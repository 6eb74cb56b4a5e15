import { z } from 'zod';
import { canonicalSha256 } from '../hash';
import { entities } from '../permissions';
import { Id, IsoInstant, PageQuery, pageOf } from './common';

/**
 * The audit trail (SECURITY.md): per tenant, a gapless sequence of events, each carrying the
 * hash of the one before. hash = SHA-256(canonical JSON of the event without `hash`). The
 * server writes it, the desktop client downloads and re-verifies it; both use this module.
 */

export const GENESIS_HASH = '0'.repeat(64);

/** A field diff: only fields that changed, before -> after. Personal fields are masked. */
export const FieldDiffSchema = z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() }).strict());
export type FieldDiff = z.infer<typeof FieldDiffSchema>;

/** What a personal field looks like in a diff, so erasure never has to rewrite the trail. */
export const PERSONAL_FIELD_MASK = '[personal]';

/** Entities the trail speaks about: the RBAC entities plus auth events that have no row. */
export const auditEntities = [...entities, 'tenant', 'auth'] as const;

export const AuditEventSchema = z
  .object({
    tenant_id: Id,
    seq: z.number().int().positive(),
    id: Id,
    server_time: IsoInstant,
    client_time: IsoInstant.nullable(),
    actor_id: Id.nullable(),
    session_id: Id.nullable(),
    ip: z.string().nullable(),
    device_id: z.string().nullable(),
    action: z.string(),
    entity: z.string(),
    entity_id: z.string().nullable(),
    diff: FieldDiffSchema,
    reason: z.string().nullable(),
    prev_hash: z.string().regex(/^[0-9a-f]{64}$/),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();
export type AuditEvent = z.infer<typeof AuditEventSchema>;
export type UnhashedAuditEvent = Omit<AuditEvent, 'hash'>;

export function auditEventHash(event: UnhashedAuditEvent | AuditEvent): Promise<string> {
  const { hash: _hash, ...unhashed } = event as AuditEvent;
  return canonicalSha256(unhashed);
}

export const chainBreakReasons = ['seq_gap', 'prev_hash_mismatch', 'hash_mismatch'] as const;
export type ChainBreakReason = (typeof chainBreakReasons)[number];

export interface ChainBreak {
  seq: number;
  id: string;
  reason: ChainBreakReason;
  expected: string;
  actual: string;
}

export const ChainVerificationSchema = z
  .object({
    ok: z.boolean(),
    checked: z.number().int(),
    lastSeq: z.number().int(),
    lastHash: z.string(),
    firstBreak: z
      .object({
        seq: z.number().int(),
        id: z.string(),
        reason: z.enum(chainBreakReasons),
        expected: z.string(),
        actual: z.string(),
      })
      .nullable(),
  })
  .strict();
export type ChainVerification = z.infer<typeof ChainVerificationSchema>;

/**
 * Walks events in seq order, page by page (feed it as pages arrive), and remembers the first
 * broken link: a missing seq, a prev_hash that is not the previous event's hash, or a hash
 * that does not match the event's content.
 */
export class AuditChainVerifier {
  private checked = 0;
  private lastSeq: number;
  private lastHash: string;
  private firstBreak: ChainBreak | null = null;

  constructor(start: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH }) {
    this.lastSeq = start.seq;
    this.lastHash = start.hash;
  }

  async add(event: AuditEvent): Promise<ChainBreak | null> {
    this.checked += 1;
    const found = await this.check(event);
    this.lastSeq = event.seq;
    this.lastHash = event.hash;
    if (found && !this.firstBreak) this.firstBreak = found;
    return found;
  }

  private async check(event: AuditEvent): Promise<ChainBreak | null> {
    const link = (reason: ChainBreakReason, expected: string, actual: string): ChainBreak => ({ seq: event.seq, id: event.id, reason, expected, actual });
    if (event.seq !== this.lastSeq + 1) return link('seq_gap', String(this.lastSeq + 1), String(event.seq));
    if (event.prev_hash !== this.lastHash) return link('prev_hash_mismatch', this.lastHash, event.prev_hash);
    const recomputed = await auditEventHash(event);
    if (recomputed !== event.hash) return link('hash_mismatch', recomputed, event.hash);
    return null;
  }

  result(): ChainVerification {
    return { ok: this.firstBreak === null, checked: this.checked, lastSeq: this.lastSeq, lastHash: this.lastHash, firstBreak: this.firstBreak };
  }
}

export async function verifyAuditChain(events: readonly AuditEvent[]): Promise<ChainVerification> {
  const verifier = new AuditChainVerifier();
  for (const event of events) await verifier.add(event);
  return verifier.result();
}

export const AuditQuerySchema = PageQuery.extend({
  from: IsoInstant.optional(),
  to: IsoInstant.optional(),
  actor: Id.optional(),
  entity: z.enum(auditEntities).optional(),
}).strict();
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

export const AuditPageSchema = pageOf(AuditEventSchema);
