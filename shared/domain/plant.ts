import { z } from 'zod';
import { Id, IsoInstant } from './common';

/** DOMAIN.md "Plant and shift logs": rows as the server stores them and the cache mirrors them. */

export const areaKinds = ['site', 'section', 'area', 'unit'] as const;
export const shiftLogStatuses = ['open', 'submitted', 'reviewed', 'signed'] as const;
export type ShiftLogStatus = (typeof shiftLogStatuses)[number];
export const entryCategories = ['operations', 'safety', 'maintenance', 'quality', 'environmental', 'other'] as const;
export type EntryCategory = (typeof entryCategories)[number];
export const entrySeverities = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type EntrySeverity = (typeof entrySeverities)[number];
export const entryStates = ['active', 'voided'] as const;
export const amendmentKinds = ['correction', 'addendum', 'void'] as const;
export const signoffMeanings = ['reviewed', 'approved', 'handed_over', 'accepted'] as const;
export type SignoffMeaning = (typeof signoffMeanings)[number];
/**
 * How a signature's password re-entry was checked, as the server can vouch for it:
 * - password_online: re-entered online and verified by the server, which issued a signing
 *   ticket bound to the signer, session, log and content hash;
 * - password_offline: checked on the workstation (against its encrypted cache), which the
 *   server cannot see for itself. Screens, exports and printouts say which.
 */
export const signoffAuthMethods = ['password_online', 'password_offline'] as const;
export type SignoffAuthMethod = (typeof signoffAuthMethods)[number];

/** The methods in words, for exports and printouts (the screens translate their own). */
export const signoffMethodInWords: Readonly<Record<SignoffAuthMethod, string>> = {
  password_online: 'password re-entered and verified by the server',
  password_offline: 'password checked on the workstation',
};

const Date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const AreaRowSchema = z
  .object({
    tenant_id: Id,
    id: Id,
    parent_id: Id.nullable(),
    kind: z.enum(areaKinds),
    name: z.string(),
    /** IANA zone; set on sites, inherited below. */
    time_zone: z.string().nullable(),
    created_at: IsoInstant,
  })
  .strict();
export type AreaRow = z.infer<typeof AreaRowSchema>;

export const EquipmentRowSchema = z
  .object({ tenant_id: Id, id: Id, area_id: Id, tag: z.string(), description: z.string(), created_at: IsoInstant })
  .strict();
export type EquipmentRow = z.infer<typeof EquipmentRowSchema>;

export const ShiftLogRowSchema = z
  .object({
    tenant_id: Id,
    id: Id,
    area_id: Id,
    shift_date: Date,
    shift_name: z.string(),
    crew: z.string().nullable(),
    starts_at: IsoInstant,
    ends_at: IsoInstant,
    status: z.enum(shiftLogStatuses),
    reopened_at: IsoInstant.nullable(),
    created_by: Id,
    created_at: IsoInstant,
    updated_at: IsoInstant,
    version: z.number().int(),
  })
  .strict();
export type ShiftLogRow = z.infer<typeof ShiftLogRowSchema>;

export const LogEntryRowSchema = z
  .object({
    tenant_id: Id,
    id: Id,
    shift_log_id: Id,
    area_id: Id,
    equipment_tag: z.string().nullable(),
    category: z.enum(entryCategories),
    severity: z.enum(entrySeverities),
    body: z.string(),
    occurred_at: IsoInstant,
    recorded_at: IsoInstant,
    author_id: Id,
    late: z.boolean(),
    late_reason: z.string().nullable(),
    state: z.enum(entryStates),
    added_after_signoff: z.boolean(),
    version: z.number().int(),
  })
  .strict();
export type LogEntryRow = z.infer<typeof LogEntryRowSchema>;

export const EntryAmendmentRowSchema = z
  .object({
    tenant_id: Id,
    id: Id,
    entry_id: Id,
    area_id: Id,
    kind: z.enum(amendmentKinds),
    body: z.string().nullable(),
    fields: z.record(z.string(), z.unknown()),
    reason: z.string(),
    author_id: Id,
    created_at: IsoInstant,
  })
  .strict();
export type EntryAmendmentRow = z.infer<typeof EntryAmendmentRowSchema>;

export const CommentRowSchema = z
  .object({
    tenant_id: Id,
    id: Id,
    shift_log_id: Id,
    entry_id: Id.nullable(),
    area_id: Id,
    body: z.string(),
    author_id: Id,
    created_at: IsoInstant,
  })
  .strict();
export type CommentRow = z.infer<typeof CommentRowSchema>;

export const SignoffRowSchema = z
  .object({
    tenant_id: Id,
    id: Id,
    shift_log_id: Id,
    area_id: Id,
    signer_id: Id,
    printed_name: z.string(),
    meaning: z.enum(signoffMeanings),
    /** When the server received the signature. */
    signed_at: IsoInstant,
    /** When the workstation's clock said it was signed (null on signatures from before this was kept). */
    claimed_signed_at: IsoInstant.nullable(),
    auth_method: z.enum(signoffAuthMethods),
    content_hash: z.string(),
  })
  .strict();
export type SignoffRow = z.infer<typeof SignoffRowSchema>;

export const HandoverRowSchema = z
  .object({
    tenant_id: Id,
    id: Id,
    area_id: Id,
    from_shift_log_id: Id,
    to_shift_log_id: Id.nullable(),
    open_items: z.array(z.string()),
    outgoing_ack_by: Id.nullable(),
    outgoing_ack_at: IsoInstant.nullable(),
    incoming_ack_by: Id.nullable(),
    incoming_ack_at: IsoInstant.nullable(),
    created_by: Id,
    created_at: IsoInstant,
    version: z.number().int(),
  })
  .strict();
export type HandoverRow = z.infer<typeof HandoverRowSchema>;
