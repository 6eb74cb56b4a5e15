import { z } from 'zod';
import { Id, IsoInstant } from './domain/common';
import { entities } from './permissions';

/**
 * The wire format of SYNC.md: POST /v1/sync/push, GET /v1/sync/pull, GET /v1/sync/head.
 * Sequence numbers are cursors; timestamps never are.
 */

/** Bumped when the shape of synced rows changes; a mismatch answers 409 reset. */
export const SYNC_SCHEMA_VERSION = 1;
export const MAX_PUSH_MUTATIONS = 500;
/** Largest push body the server accepts (bytes of JSON); a client splits batches to stay below it. */
export const MAX_PUSH_BYTES = 8 * 1024 * 1024;
export const MAX_PULL_LIMIT = 5_000;

export const QueuedMutationSchema = z
  .object({
    /** UUIDv7 made by the client: the idempotency key. */
    id: Id,
    /** Per client, +1 each, from 1. */
    seq: z.number().int().positive(),
    name: z.string().min(1).max(100),
    /** Validated by the mutation's own schema (shared/mutations.ts) when applied. */
    args: z.unknown(),
    baseVersion: z.number().int().nonnegative().nullable().default(null),
    clientTime: IsoInstant,
    grantId: Id,
  })
  .strict();
export type QueuedMutation = z.infer<typeof QueuedMutationSchema>;

export const PushRequestSchema = z
  .object({
    clientId: Id,
    schemaVersion: z.number().int(),
    mutations: z.array(QueuedMutationSchema).min(1).max(MAX_PUSH_MUTATIONS),
  })
  .strict();
export type PushRequest = z.infer<typeof PushRequestSchema>;

export const mutationStatuses = ['applied', 'rejected', 'conflict'] as const;
export const rejectionReasons = ['forbidden', 'invalid'] as const;
/** Why a change waits in the workstation's conflict list: a conflict, or a rejection's reason. */
export const conflictReasons = ['conflict', ...rejectionReasons] as const;

/**
 * What a conflict found, so a workstation can say it in the person's language: the row changed
 * since it was read, the step was already taken (a log already signed, a handover side already
 * acknowledged), or the content of a log changed after it was signed.
 */
export const conflictKinds = ['changed_on_server', 'already_done', 'signed_content_changed'] as const;

export const MutationResultSchema = z
  .object({
    id: Id,
    seq: z.number().int().positive(),
    status: z.enum(mutationStatuses),
    /** For rejected: why. */
    reason: z.enum(rejectionReasons).nullable().default(null),
    message: z.string().nullable().default(null),
    /** For applied: the change-log seq at which its effects are visible to pull. */
    appliedSeq: z.number().int().nonnegative().nullable().default(null),
    /** For conflict: the server's current row. */
    serverRow: z.record(z.string(), z.unknown()).nullable().default(null),
    /** For conflict: what it found, and the last change to the row on the server (who, when). */
    conflict: z
      .object({ kind: z.enum(conflictKinds), changedBy: z.string().max(64).nullable(), changedAt: z.string().max(40).nullable() })
      .strict()
      .nullable()
      .default(null),
  })
  .strict();
export type MutationResult = z.infer<typeof MutationResultSchema>;

export const PushResponseSchema = z
  .object({
    /** One per mutation processed, in order; a gap stops the batch before the missing seq. */
    results: z.array(MutationResultSchema),
    /** Set when a mutation's seq skipped ahead: resend from this seq. */
    gap: z.object({ expectedSeq: z.number().int().positive() }).strict().nullable().default(null),
  })
  .strict();
export type PushResponse = z.infer<typeof PushResponseSchema>;

/**
 * The tables a pulled change may name: the cache's synced tables (DOMAIN.md entities plus the
 * plant's structure, amendments and the tenant row), a superset of the permission entities.
 */
export const syncedEntities = [...entities, 'tenant', 'area', 'equipment', 'entry_amendment'] as const;

export const ChangeSchema = z
  .object({
    seq: z.number().int().positive(),
    entity: z.enum(syncedEntities),
    entityId: z.string().min(1).max(200),
    op: z.enum(['upsert', 'delete']),
    /** The row (snake_case columns) for upserts; null for tombstones. */
    row: z.record(z.string(), z.unknown()).nullable(),
  })
  .strict();
export type Change = z.infer<typeof ChangeSchema>;

export const PullQuerySchema = z
  .object({
    tenant: Id,
    since: z.coerce.number().int().nonnegative(),
    limit: z.coerce.number().int().min(1).max(MAX_PULL_LIMIT).default(1_000),
    /** The client's SYNC_SCHEMA_VERSION; a different one answers 409 reset (absent = not checked). */
    schemaVersion: z.coerce.number().int().optional(),
  })
  .strict();

export const PullResponseSchema = z
  .object({
    changes: z.array(ChangeSchema),
    /** The seq to ask `since` next time: the last change's seq, or `since` when none. */
    cursor: z.number().int().nonnegative(),
    hasMore: z.boolean(),
    /** Changes after `since` the caller may see, for progress (may be an estimate on huge feeds). */
    total: z.number().int().nonnegative().nullable(),
    policyVersion: z.number().int().nonnegative(),
    schemaVersion: z.number().int(),
  })
  .strict();
export type PullResponse = z.infer<typeof PullResponseSchema>;

export const HeadResponseSchema = z.object({ seq: z.number().int().nonnegative(), policyVersion: z.number().int().nonnegative() }).strict();

/** Longest a head request may wait for news (long-poll), in seconds. */
export const MAX_HEAD_WAIT_SECONDS = 25;

/** `GET /v1/sync/head?wait=S&since=SEQ`: answer at once, or when the seq passes `since`, or after S seconds. */
export const HeadQuerySchema = z
  .object({
    wait: z.coerce.number().int().min(0).max(MAX_HEAD_WAIT_SECONDS).optional(),
    since: z.coerce.number().int().nonnegative().optional(),
  })
  .strict();
