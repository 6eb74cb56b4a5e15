/**
 * Rows as the tenant store holds them: column names of DOMAIN.md, snake_case; times ISO-8601
 * UTC text; JSON columns as JSON text. The contract layer maps them to what the UI receives.
 */
export const categories = ['operations', 'safety', 'maintenance', 'quality', 'environmental', 'other'] as const;
export type Category = (typeof categories)[number];

export const severities = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof severities)[number];

export const shiftLogStatuses = ['open', 'submitted', 'reviewed', 'signed'] as const;
export type ShiftLogStatus = (typeof shiftLogStatuses)[number];

interface SyncedRow {
  version: number;
  /** Set while the row is an optimistic local change not yet confirmed by a pull. */
  pending_mutation_id: string | null;
}

export interface TenantRow extends SyncedRow {
  id: string;
  name: string;
  region: string | null;
  offline_grant_hours: number;
  session_idle_minutes: number | null;
  session_absolute_hours: number | null;
  lockout_threshold: number | null;
  retention_days: number | null;
}

export interface UserRow extends SyncedRow {
  id: string;
  email: string;
  display_name: string;
  status: 'active' | 'deactivated' | 'erased';
  global_role: 'none' | 'support' | 'superadmin';
}

export interface RoleRow extends SyncedRow {
  id: string;
  name: string;
  grants: string;
}

export interface MembershipRow extends SyncedRow {
  id: string;
  user_id: string;
  tenant_id: string;
  org_role: 'viewer' | 'contributor' | 'admin' | 'custom';
  role_id: string | null;
  areas: string;
  module_flags: string;
}

export interface SessionRow extends SyncedRow {
  id: string;
  user_id: string;
  tenant_id: string;
  created_at: string;
  last_seen_at: string | null;
  idle_expires_at: string | null;
  absolute_expires_at: string | null;
  ip: string | null;
  device_id: string | null;
  device_name: string | null;
  user_agent: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
}

export interface AreaRow extends SyncedRow {
  id: string;
  parent_id: string | null;
  kind: 'site' | 'section' | 'area' | 'unit';
  name: string;
  time_zone: string | null;
}

export interface EquipmentRow extends SyncedRow {
  id: string;
  tag: string;
  area_id: string;
  name: string | null;
}

export interface ShiftLogRow extends SyncedRow {
  id: string;
  area_id: string;
  shift_date: string;
  shift_name: string;
  crew: string | null;
  starts_at: string;
  ends_at: string;
  status: ShiftLogStatus;
  created_by: string | null;
  reopened_at: string | null;
}

export interface LogEntryRow extends SyncedRow {
  id: string;
  shift_log_id: string;
  area_id: string;
  equipment_tag: string | null;
  category: Category;
  severity: Severity;
  body: string;
  occurred_at: string;
  recorded_at: string;
  author_id: string;
  late: 0 | 1;
  late_reason: string | null;
  state: 'active' | 'voided';
}

export interface EntryAmendmentRow extends SyncedRow {
  id: string;
  entry_id: string;
  kind: 'correction' | 'addendum' | 'void';
  body: string | null;
  fields_changed: string | null;
  reason: string;
  author_id: string;
  at: string;
}

export interface CommentRow extends SyncedRow {
  id: string;
  shift_log_id: string;
  entry_id: string | null;
  author_id: string;
  body: string;
  at: string;
}

export interface SignoffRow extends SyncedRow {
  id: string;
  shift_log_id: string;
  signer_id: string;
  printed_name: string;
  meaning: 'reviewed' | 'approved' | 'handed_over' | 'accepted';
  /** The server's receipt time (the workstation's clock while the sign-off is pending). */
  signed_at: string;
  /** The workstation's clock reading at signing, as claimed; null on older signatures. */
  claimed_signed_at: string | null;
  auth_method: 'password_online' | 'password_offline';
  content_hash: string;
}

export interface HandoverRow extends SyncedRow {
  id: string;
  from_shift_log_id: string;
  to_shift_log_id: string | null;
  open_items: string;
  outgoing_ack_by: string | null;
  outgoing_ack_at: string | null;
  incoming_ack_by: string | null;
  incoming_ack_at: string | null;
}

export interface AuditEventRow {
  tenant_id: string;
  seq: number;
  id: string | null;
  server_time: string;
  client_time: string | null;
  actor_id: string | null;
  session_id: string | null;
  ip: string | null;
  device_id: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  area_id: string | null;
  before: string | null;
  after: string | null;
  reason: string | null;
  prev_hash: string | null;
  hash: string;
}

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
