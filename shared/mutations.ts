import { z } from 'zod';
import { Id, IsoInstant, singleLine, storableText, textLimits } from './domain/common';
import { amendmentKinds, entryCategories, entrySeverities, signoffMeanings } from './domain/plant';
import { LocalAuditArgs } from './local-audit';
import type { RequiredPermission } from './permissions';

/**
 * The changes a workstation may make offline and sync later (SYNC.md). One zod schema per
 * mutation, used by the client before it queues a change and by the server before it applies
 * one; the permission is checked on both sides with the shared RBAC evaluator (the server
 * against the user's current rights, not the grant's copy).
 *
 * Args name new rows by client-made ids (UUIDv7), so a change made offline needs no server
 * round trip and a resent mutation creates nothing twice.
 */

// Caps from textLimits; longer text is refused (a rejected mutation) before anything is written.
const Body = storableText(textLimits.body, 1);
/** An opaque online signing ticket (server/signing/signing-tickets.ts makes them). */
export const SigningTicket = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
const Reason = storableText(textLimits.shiftReason, 1).refine((value) => value.trim().length > 0, { message: 'a reason is required' });

/** The fields of logEntry.amend, before its cross-field rule (so callers can derive from it). */
export const LogEntryAmendFields = z
  .object({
    id: Id,
    entryId: Id,
    kind: z.enum(amendmentKinds),
    body: Body.nullable().default(null),
    fieldsChanged: z
      .object({
        severity: z.enum(entrySeverities).optional(),
        category: z.enum(entryCategories).optional(),
        occurredAt: IsoInstant.optional(),
        equipmentTag: singleLine(64).nullable().optional(),
      })
      .strict()
      .nullable()
      .default(null),
    reason: Reason,
  })
  .strict();

export const mutationSpecs = {
  'logEntry.create': {
    args: z
      .object({
        id: Id,
        shiftLogId: Id,
        areaId: Id,
        equipmentTag: singleLine(64).nullable().default(null),
        category: z.enum(entryCategories),
        severity: z.enum(entrySeverities),
        body: Body,
        occurredAt: IsoInstant,
        /** Required when the entry is recorded after the shift's end plus grace (the server decides). */
        lateReason: Reason.nullable().default(null),
      })
      .strict(),
    permission: { action: 'create', entity: 'log_entry' },
  },
  'logEntry.amend': {
    args: LogEntryAmendFields.refine((args) => args.kind === 'void' || args.body !== null || args.fieldsChanged !== null, {
      message: 'a correction or addendum changes the text or a field',
    }),
    permission: { action: 'amend', entity: 'log_entry' },
  },
  'comment.create': {
    args: z.object({ id: Id, shiftLogId: Id, entryId: Id.nullable().default(null), body: Body }).strict(),
    permission: { action: 'create', entity: 'comment' },
  },
  'shiftLog.submit': {
    args: z.object({ shiftLogId: Id }).strict(),
    permission: { action: 'update', entity: 'shift_log' },
  },
  'shiftLog.signOff': {
    args: z
      .object({
        id: Id,
        shiftLogId: Id,
        meaning: z.enum(signoffMeanings),
        /** SHA-256 (hex) of exactly the content signed (shared/signed-content.ts); the server recomputes it. */
        contentHash: z.string().regex(/^[0-9a-f]{64}$/),
        /** When the workstation's clock says the person signed: kept as the claimed time beside the server's. */
        signedAt: IsoInstant,
        /**
         * Present when the password was re-entered online: the server's proof of that check, bound
         * to the signer, session, log and hash. Without it the server records "password checked
         * on the workstation". The printed name and the method are never the client's to say.
         */
        signingTicket: SigningTicket.nullable().default(null),
      })
      .strict(),
    permission: { action: 'sign', entity: 'shift_log' },
  },
  'shiftLog.reopen': {
    args: z.object({ shiftLogId: Id, reason: Reason }).strict(),
    // Reopening a signed log takes the authority to sign it (admins).
    permission: { action: 'sign', entity: 'shift_log' },
  },
  'handover.acknowledge': {
    args: z.object({ handoverId: Id, side: z.enum(['outgoing', 'incoming']) }).strict(),
    permission: { action: 'update', entity: 'handover' },
  },
  'audit.local': {
    /** Typed details per action, bounded in size (local-audit.ts). */
    args: LocalAuditArgs,
    /** Any signed-in user reports their own local actions. */
    permission: null,
  },
} as const satisfies Record<string, { args: z.ZodType; permission: RequiredPermission | null }>;

export type MutationName = keyof typeof mutationSpecs;
export type MutationArgs<N extends MutationName> = z.output<(typeof mutationSpecs)[N]['args']>;
export const mutationNames = Object.keys(mutationSpecs) as MutationName[];

export function isMutationName(value: unknown): value is MutationName {
  return typeof value === 'string' && Object.hasOwn(mutationSpecs, value);
}

/** An entry recorded this long after its shift ended is late and needs a reason (DOMAIN.md). */
export const LATE_ENTRY_GRACE_MINUTES = 60;

export function isLateEntry(recordedAt: Date, shiftEndsAt: string): boolean {
  return recordedAt.getTime() > Date.parse(shiftEndsAt) + LATE_ENTRY_GRACE_MINUTES * 60_000;
}
