import { z } from 'zod';
import { pageOf } from './domain/common';
import { amendmentKinds, areaKinds, entryCategories as categories, entrySeverities as severities, entryStates, shiftLogStatuses, signoffAuthMethods, signoffMeanings } from './domain/plant';
import { orgRoles, userStatuses } from './domain/tenancy';
import { globalRoles, ModuleFlagsSchema, PermissionRuleSchema } from './rbac';

export { pageOf };

/**
 * What the core answers the UI about cached rows: the cache's rows (snake_case, as stored),
 * plus `version` and `pending_mutation_id` (set while an optimistic local change awaits the
 * server). JSON columns arrive as strings, as SQLite holds them.
 */
const synced = { version: z.number().int(), pending_mutation_id: z.string().nullable() };
const text = z.string();
const maybe = z.string().nullable();


export const ShiftLogViewSchema = z.object({
  id: text,
  area_id: text,
  shift_date: text,
  shift_name: text,
  crew: maybe,
  starts_at: text,
  ends_at: text,
  status: z.enum(shiftLogStatuses),
  created_by: maybe,
  reopened_at: maybe,
  ...synced,
});

export const ShiftLogListItemSchema = ShiftLogViewSchema.extend({
  entry_count: z.number().int(),
  /** Visible entries recorded late. */
  late_count: z.number().int(),
  amended_after_signoff: z.union([z.literal(0), z.literal(1)]),
  /** Printed name on the latest sign-off the reader may see, if any. */
  signer_name: maybe,
});

/** Columns a shift-log list can be sorted by; the core sorts (the list is keyset-paged). */
export const shiftLogSortColumns = ['date', 'area', 'shift', 'crew', 'status', 'entries', 'signer'] as const;
/**
 * Columns an entry list can be sorted by. `relevance` is the full-text rank and only means
 * something with search text; without it the list falls back to its default order.
 */
export const logEntrySortColumns = ['relevance', 'occurredAt', 'recordedAt', 'severity'] as const;
export const sortDirections = ['asc', 'desc'] as const;
export const ShiftLogSortSchema = z.object({ by: z.enum(shiftLogSortColumns), dir: z.enum(sortDirections) }).strict();
export const LogEntrySortSchema = z.object({ by: z.enum(logEntrySortColumns), dir: z.enum(sortDirections) }).strict();
export type ShiftLogSort = z.infer<typeof ShiftLogSortSchema>;
export type LogEntrySort = z.infer<typeof LogEntrySortSchema>;

/** "N of M": rows matching the request, and rows the reader may see at all. */
export const ListTotalsSchema = z.object({ matching: z.number().int(), all: z.number().int() }).strict();

export const LogEntryViewSchema = z.object({
  id: text,
  shift_log_id: text,
  area_id: text,
  equipment_tag: maybe,
  category: z.enum(categories),
  severity: z.enum(severities),
  body: text,
  occurred_at: text,
  recorded_at: text,
  author_id: text,
  late: z.union([z.literal(0), z.literal(1)]),
  late_reason: maybe,
  state: z.enum(entryStates),
  /** The entry's shift, given by the entry list ('shiftLogs.entries') so each row can name it. */
  shift_name: maybe.optional(),
  shift_date: maybe.optional(),
  ...synced,
});

export const AmendmentViewSchema = z.object({
  id: text,
  entry_id: text,
  kind: z.enum(amendmentKinds),
  body: maybe,
  fields_changed: maybe,
  reason: text,
  author_id: text,
  at: text,
  after_signoff: z.union([z.literal(0), z.literal(1)]),
  ...synced,
});

export const CommentViewSchema = z.object({ id: text, shift_log_id: text, entry_id: maybe, author_id: text, body: text, at: text, ...synced });

export const SignoffViewSchema = z.object({
  id: text,
  shift_log_id: text,
  signer_id: text,
  printed_name: text,
  meaning: z.enum(signoffMeanings),
  /** The server's receipt time once synced; the workstation's while pending. */
  signed_at: text,
  claimed_signed_at: maybe.default(null),
  auth_method: z.enum(signoffAuthMethods),
  content_hash: text,
  ...synced,
});

export const HandoverViewSchema = z.object({
  id: text,
  from_shift_log_id: text,
  to_shift_log_id: maybe,
  /** JSON: [{ text, entry_id? }] carried over to the next shift. */
  open_items: text,
  outgoing_ack_by: maybe,
  outgoing_ack_at: maybe,
  incoming_ack_by: maybe,
  incoming_ack_at: maybe,
  ...synced,
});

export const ShiftLogDetailSchema = z.object({
  shiftLog: ShiftLogViewSchema,
  amendedAfterSignoff: z.boolean(),
  entries: z.array(LogEntryViewSchema.extend({ after_signoff: z.union([z.literal(0), z.literal(1)]), amendments: z.array(AmendmentViewSchema) })),
  comments: z.array(CommentViewSchema),
  signoffs: z.array(SignoffViewSchema),
  /** Handovers the log gives or takes (read scope of handover). */
  handovers: z.array(HandoverViewSchema).default([]),
});

export const UserViewSchema = z.object({
  id: text,
  email: text,
  display_name: text,
  status: z.enum(userStatuses),
  global_role: z.enum(globalRoles),
  org_role: z.enum(orgRoles).nullable(),
  role_id: maybe,
  areas: maybe,
  module_flags: maybe,
  /** Newest session start the reader may see (read session); null when none. */
  last_sign_in_at: maybe.default(null),
  ...synced,
});

export const SessionViewSchema = z.object({
  id: text,
  user_id: text,
  tenant_id: text,
  created_at: text,
  last_seen_at: maybe,
  idle_expires_at: maybe,
  absolute_expires_at: maybe,
  ip: maybe,
  device_id: maybe,
  device_name: maybe,
  user_agent: maybe,
  revoked_at: maybe,
  revoked_by: maybe,
  ...synced,
});

export const AuditEventViewSchema = z.object({
  tenant_id: text,
  seq: z.number().int(),
  id: maybe,
  server_time: text,
  client_time: maybe,
  actor_id: maybe,
  session_id: maybe,
  ip: maybe,
  device_id: maybe,
  action: text,
  entity: text,
  entity_id: maybe,
  area_id: maybe,
  before: maybe,
  after: maybe,
  reason: maybe,
  prev_hash: maybe,
  hash: text,
  /**
   * What the record is called, from the workstation's cache; null when the reader may not see
   * it or the cache does not hold it (then only entity_id names it). A shift log comes as its
   * area, date and shift; an entry as the start of its text; a user, role, area or session
   * (by device) as `name`. `shift_log_id` / `user_id`: the shift log or person it belongs to.
   */
  record: z
    .object({ name: maybe, shift_log_id: maybe, user_id: maybe, area_name: maybe, shift_date: maybe, shift_name: maybe })
    .nullable(),
  /** The device's name from the newest cached session on it, where the reader may see sessions. */
  device_name: maybe,
});


export const PageRequestSchema = z.object({ limit: z.number().int().min(1).max(500).optional(), after: z.string().max(500).nullable().optional() }).strict();

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const isoInstant = z.string().datetime({ offset: true });
const ids = z.array(z.string().min(1).max(100)).max(500);

/**
 * The filters of the lists and of the exports. The store's queries take the parsed values
 * (main/core/store/queries), so what a filter means is written here, once.
 */
export const ShiftLogFilterSchema = z
  .object({
    areaIds: ids.optional(),
    /** Shift dates (YYYY-MM-DD, the site's calendar), both ends inclusive. */
    shiftDateFrom: isoDate.optional(),
    shiftDateTo: isoDate.optional(),
    shiftNames: z.array(z.string().min(1).max(50)).max(20).optional(),
    statuses: z.array(z.enum(shiftLogStatuses)).optional(),
    /** Entry criteria: an entry list keeps entries matching all; a shift log list keeps logs with such an entry. */
    severities: z.array(z.enum(severities)).optional(),
    categories: z.array(z.enum(categories)).optional(),
    authorIds: ids.optional(),
    late: z.boolean().optional(),
    /** occurred_at >= occurredFrom and < occurredBefore (ISO-8601 UTC). */
    occurredFrom: isoInstant.optional(),
    occurredBefore: isoInstant.optional(),
    /** Full-text over body, equipment tag, area name, category and amendment text. */
    text: z.string().max(500).optional(),
    /**
     * Content added after the log's first sign-off: an entry recorded, or an amendment made,
     * after it. For entries: the entry is such content; for logs: the log has any.
     */
    amendedAfterSignoff: z.boolean().optional(),
  })
  .strict();
export type ShiftLogFilterInput = z.infer<typeof ShiftLogFilterSchema>;

export const UserFilterSchema = z
  .object({
    statuses: z.array(z.enum(userStatuses)).optional(),
    /** Part of the email or display name, any case. */
    text: z.string().max(200).optional(),
    userIds: ids.optional(),
  })
  .strict();

/**
 * The column the people list is sorted by, and which way; the id breaks ties, so keyset paging
 * stays exact. Kept to users on purpose: the shift-log lists get their own.
 */
export const userSortColumns = ['name', 'email', 'role', 'status', 'lastSignIn'] as const;
export const UserSortSchema = z.object({ column: z.enum(userSortColumns), dir: z.enum(['asc', 'desc']) }).strict();

export const SessionFilterSchema = z
  .object({
    userIds: ids.optional(),
    /** true: not revoked and not past either expiry; false: the others. */
    active: z.boolean().optional(),
  })
  .strict();

export const AuditFilterSchema = z
  .object({
    /** server_time >= from and < to (ISO-8601 UTC). */
    from: isoInstant.optional(),
    to: isoInstant.optional(),
    actorIds: ids.optional(),
    entities: z.array(z.string().min(1).max(50)).max(20).optional(),
    entityId: z.string().min(1).max(100).optional(),
    actions: z.array(z.string().min(1).max(100)).max(50).optional(),
  })
  .strict();

export const SyncStateViewSchema = z.object({
  pending: z.number().int(),
  conflicts: z.number().int(),
  cursor: z.number().int(),
  lastOkAt: z.string().nullable(),
  /** A sync is under way now. */
  running: z.boolean(),
  /** Why the last sync failed, until one succeeds. */
  lastError: z.object({ code: z.string(), message: z.string(), at: z.string() }).nullable(),
});

export const OutboxItemViewSchema = z.object({
  seq: z.number().int(),
  mutation_id: text,
  name: text,
  client_time: text,
  attempts: z.number().int(),
  last_error: maybe,
  /** The action of a workstation audit record (`audit.local`): sign_in, unlock, export... */
  local_action: maybe,
});

export const AreaViewSchema = z.object({
  id: text,
  parent_id: maybe,
  kind: z.enum(areaKinds),
  name: text,
  time_zone: maybe,
});

export const EntriesPerDaySchema = z.object({
  from: maybe,
  to: maybe,
  days: z.array(z.object({ day: text, severity: z.enum(severities), count: z.number().int() })),
});

/** What the signed-in person may do here, from the verified grant: the UI hides what the core would refuse. */
export const AccessViewSchema = z.object({
  userId: text,
  tenantId: text,
  orgRole: z.enum(orgRoles).nullable(),
  globalRole: z.enum(globalRoles),
  rules: z.array(PermissionRuleSchema),
  moduleFlags: ModuleFlagsSchema,
  areas: z.array(text),
  notAfter: text,
});
