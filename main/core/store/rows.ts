import type { AuditEvent } from '../../../shared/domain/audit';
import type { AreaRow as Area, CommentRow as Comment, EntryAmendmentRow as EntryAmendment, EquipmentRow as Equipment, HandoverRow as Handover, LogEntryRow as LogEntry, ShiftLogRow as ShiftLog, SignoffRow as Signoff } from '../../../shared/domain/plant';
import type { MembershipRow as Membership, RoleRow as Role, SessionRow as Session, TenantRow as Tenant, TenantSettingsRow as TenantSettings, UserRow as User } from '../../../shared/domain/tenancy';

/**
 * Rows as the tenant store holds them, derived from the domain rows of shared/domain (the
 * server's, which pull hands out column by column: server/sync/cache-rows.ts). The cache keeps
 * a subset of the columns (one file holds one tenant, so no tenant_id), as SQLite holds them
 * (times as ISO-8601 UTC text, booleans as 0/1, JSON as text), plus what sync needs per row.
 */

/** A value as SQLite holds it: booleans as 0/1, objects and arrays as JSON text. */
type SqliteValue<T> = T extends boolean ? 0 | 1 : T extends object ? string : T;

/** The columns of a domain row that the cache keeps, as SQLite holds them. */
type Cached<Row, Column extends keyof Row> = { [K in Column]: SqliteValue<Row[K]> };

/** Columns the cache's table lets be NULL although the domain row always has a value. */
type OrNull<T> = { [K in keyof T]: T[K] | null };

interface SyncedColumns {
  version: number;
  /** Set while the row is an optimistic local change not yet confirmed by a pull. */
  pending_mutation_id: string | null;
}

// The tenant and its settings are one row here; the table lets the region and most settings be NULL.
export type TenantRow = Cached<Tenant, 'id' | 'name'> &
  OrNull<Cached<Tenant, 'region'>> &
  Cached<TenantSettings, 'offline_grant_hours'> &
  OrNull<Cached<TenantSettings, 'session_idle_minutes' | 'session_absolute_hours' | 'lockout_threshold' | 'retention_days'>> &
  SyncedColumns;

export type UserRow = Cached<User, 'id' | 'email' | 'display_name' | 'status' | 'global_role'> & SyncedColumns;

/** grants: JSON text of the role's rules. */
export type RoleRow = Cached<Role, 'id' | 'name' | 'grants'> & SyncedColumns;

// Keyed `${tenant_id}:${user_id}`; custom_role_id is called role_id here. areas, module_flags: JSON text.
export type MembershipRow = Cached<Membership, 'user_id' | 'tenant_id' | 'org_role' | 'areas' | 'module_flags'> & { id: string; role_id: Membership['custom_role_id'] } & SyncedColumns;

// The table lets these be NULL; pull sends no expiries (server/sync/cache-rows.ts).
export type SessionRow = Cached<Session, 'id' | 'user_id' | 'tenant_id' | 'created_at' | 'ip' | 'user_agent' | 'revoked_at' | 'revoked_by'> &
  OrNull<Cached<Session, 'last_seen_at' | 'idle_expires_at' | 'absolute_expires_at' | 'device_id' | 'device_name'>> &
  SyncedColumns;

export type AreaRow = Cached<Area, 'id' | 'parent_id' | 'kind' | 'name' | 'time_zone'> & SyncedColumns;

// The equipment's description is called name here, and may be missing.
export type EquipmentRow = Cached<Equipment, 'id' | 'tag' | 'area_id'> & { name: Equipment['description'] | null } & SyncedColumns;

// The table lets created_by be NULL.
export type ShiftLogRow = Cached<ShiftLog, 'id' | 'area_id' | 'shift_date' | 'shift_name' | 'crew' | 'starts_at' | 'ends_at' | 'status' | 'reopened_at'> &
  OrNull<Cached<ShiftLog, 'created_by'>> &
  SyncedColumns;

export type LogEntryRow = Cached<
  LogEntry,
  'id' | 'shift_log_id' | 'area_id' | 'equipment_tag' | 'category' | 'severity' | 'body' | 'occurred_at' | 'recorded_at' | 'author_id' | 'late' | 'late_reason' | 'state'
> &
  SyncedColumns;

// fields is called fields_changed here (JSON text, NULL when none), created_at is called at.
export type EntryAmendmentRow = Cached<EntryAmendment, 'id' | 'entry_id' | 'kind' | 'body' | 'reason' | 'author_id'> & {
  fields_changed: SqliteValue<EntryAmendment['fields']> | null;
  at: EntryAmendment['created_at'];
} & SyncedColumns;

// created_at is called at here.
export type CommentRow = Cached<Comment, 'id' | 'shift_log_id' | 'entry_id' | 'author_id' | 'body'> & { at: Comment['created_at'] } & SyncedColumns;

/** signed_at: the server's receipt time (the workstation's clock while the sign-off is pending). */
export type SignoffRow = Cached<Signoff, 'id' | 'shift_log_id' | 'signer_id' | 'printed_name' | 'meaning' | 'signed_at' | 'claimed_signed_at' | 'auth_method' | 'content_hash'> & SyncedColumns;

/** open_items: JSON text of what is carried over to the next shift. */
export type HandoverRow = Cached<Handover, 'id' | 'from_shift_log_id' | 'to_shift_log_id' | 'open_items' | 'outgoing_ack_by' | 'outgoing_ack_at' | 'incoming_ack_by' | 'incoming_ack_at'> & SyncedColumns;

// The field diff is kept as two JSON texts, before and after, with the event's area beside it;
// the table lets id and prev_hash be NULL. Append-only, so no version or pending mark.
export type AuditEventRow = Cached<AuditEvent, 'tenant_id' | 'seq' | 'server_time' | 'client_time' | 'actor_id' | 'session_id' | 'ip' | 'device_id' | 'action' | 'entity' | 'entity_id' | 'reason' | 'hash'> &
  OrNull<Cached<AuditEvent, 'id' | 'prev_hash'>> & { area_id: string | null; before: string | null; after: string | null };

export interface LocalAuditRow {
  id: number;
  at: string;
  actor_id: string | null;
  action: string;
  details: string | null;
  mutation_id: string | null;
}

export interface SyncStateRow {
  cursor: number;
  policy_version: string | null;
  last_ok_at: string | null;
  client_id: string | null;
}

/** The synced tables (upserted by id from pulled changes); audit_event is append-only. */
export const syncedTables = [
  'tenant',
  'user',
  'role',
  'membership',
  'session',
  'area',
  'equipment',
  'shift_log',
  'log_entry',
  'entry_amendment',
  'comment',
  'signoff',
  'handover',
] as const;
export type SyncedTable = (typeof syncedTables)[number];

export interface SyncedRowOf {
  tenant: TenantRow;
  user: UserRow;
  role: RoleRow;
  membership: MembershipRow;
  session: SessionRow;
  area: AreaRow;
  equipment: EquipmentRow;
  shift_log: ShiftLogRow;
  log_entry: LogEntryRow;
  entry_amendment: EntryAmendmentRow;
  comment: CommentRow;
  signoff: SignoffRow;
  handover: HandoverRow;
}
