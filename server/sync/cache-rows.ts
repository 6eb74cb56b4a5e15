import { iso, isoOrNull } from '../store/rows';

/**
 * The desktop cache refuses columns its tables do not have (main/core/store/writes.ts), so
 * pull hands out, per entity, exactly the cache's columns (main/core/store/migrations/0001),
 * whatever the server stored in change_log (its own rows, with tenant_id, created_at...).
 * Times become ISO-8601 UTC text ('...Z'), the form the cache sorts by.
 */
type Row = Record<string, unknown>;

export interface CacheChange {
  /** The cache's table name. */
  entity: string;
  row: Row;
}

const pick = (row: Row, columns: readonly string[]): Row => {
  const out: Row = {};
  for (const column of columns) if (column in row) out[column] = row[column] ?? null;
  return out;
};

const times = (row: Row, columns: readonly string[]): Row => {
  const out = { ...row };
  for (const column of columns) if (column in out) out[column] = isoOrNull(out[column]);
  return out;
};

/** The row's version when the server keeps one (the baseVersion of a later change). */
const withVersion = (row: Row, source: Row): Row => (typeof source.version === 'number' ? { ...row, version: source.version } : row);

const mappers: Record<string, (row: Row, tenant: { name: string; region: string }) => CacheChange> = {
  tenant_settings: (row, tenant) => ({
    entity: 'tenant',
    row: {
      id: row.tenant_id ?? row.id,
      name: tenant.name,
      region: tenant.region,
      ...pick(row, ['offline_grant_hours', 'session_idle_minutes', 'session_absolute_hours', 'lockout_threshold', 'retention_days', 'version']),
    },
  }),
  user: (row) => ({ entity: 'user', row: withVersion(pick(row, ['id', 'email', 'display_name', 'status', 'global_role']), row) }),
  role: (row) => ({ entity: 'role', row: withVersion(pick(row, ['id', 'name', 'grants']), row) }),
  membership: (row) => ({
    entity: 'membership',
    row: {
      id: `${String(row.tenant_id)}:${String(row.user_id)}`,
      user_id: row.user_id,
      tenant_id: row.tenant_id,
      org_role: row.org_role,
      role_id: row.custom_role_id ?? null,
      areas: row.areas ?? [],
      module_flags: row.module_flags ?? {},
    },
  }),
  session: (row) => ({
    entity: 'session',
    row: times(
      pick(row, ['id', 'user_id', 'tenant_id', 'created_at', 'last_seen_at', 'ip', 'device_id', 'device_name', 'user_agent', 'revoked_at', 'revoked_by']),
      ['created_at', 'last_seen_at', 'revoked_at'],
    ),
  }),
  area: (row) => ({ entity: 'area', row: pick(row, ['id', 'parent_id', 'kind', 'name', 'time_zone']) }),
  equipment: (row) => ({ entity: 'equipment', row: { ...pick(row, ['id', 'tag', 'area_id']), name: row.description ?? null } }),
  shift_log: (row) => ({
    entity: 'shift_log',
    row: times(
      pick(row, ['id', 'area_id', 'shift_date', 'shift_name', 'crew', 'starts_at', 'ends_at', 'status', 'created_by', 'reopened_at', 'version']),
      ['starts_at', 'ends_at', 'reopened_at'],
    ),
  }),
  log_entry: (row) => ({
    entity: 'log_entry',
    row: times(
      pick(row, ['id', 'shift_log_id', 'area_id', 'equipment_tag', 'category', 'severity', 'body', 'occurred_at', 'recorded_at', 'author_id', 'late', 'late_reason', 'state', 'version']),
      ['occurred_at', 'recorded_at'],
    ),
  }),
  entry_amendment: (row) => ({
    entity: 'entry_amendment',
    row: { ...pick(row, ['id', 'entry_id', 'kind', 'body', 'reason', 'author_id']), fields_changed: row.fields ?? null, at: iso(row.created_at) },
  }),
  comment: (row) => ({ entity: 'comment', row: { ...pick(row, ['id', 'shift_log_id', 'entry_id', 'author_id', 'body']), at: iso(row.created_at) } }),
  signoff: (row) => ({
    entity: 'signoff',
    row: times(pick(row, ['id', 'shift_log_id', 'signer_id', 'printed_name', 'meaning', 'signed_at', 'claimed_signed_at', 'auth_method', 'content_hash']), ['signed_at', 'claimed_signed_at']),
  }),
  audit_event: (row) => ({ entity: 'audit_event', row: cachedAuditEvent(row) }),
  handover: (row) => ({
    entity: 'handover',
    row: times(
      pick(row, ['id', 'from_shift_log_id', 'to_shift_log_id', 'open_items', 'outgoing_ack_by', 'outgoing_ack_at', 'incoming_ack_by', 'incoming_ack_at', 'version']),
      ['outgoing_ack_at', 'incoming_ack_at'],
    ),
  }),
};

/**
 * The cache keeps an event's field diff as two objects, before and after, with every changed
 * field on both sides, so the diff (and with it the hash) can be rebuilt exactly for verifying.
 */
function cachedAuditEvent(row: Row): Row {
  const diff = (row.diff ?? {}) as Record<string, { before?: unknown; after?: unknown }>;
  const before: Row = {};
  const after: Row = {};
  for (const [field, change] of Object.entries(diff)) {
    before[field] = change.before ?? null;
    after[field] = change.after ?? null;
  }
  return {
    tenant_id: row.tenant_id,
    seq: Number(row.seq),
    id: row.id,
    server_time: iso(row.server_time),
    client_time: isoOrNull(row.client_time),
    ...pick(row, ['actor_id', 'session_id', 'ip', 'device_id', 'action', 'entity', 'entity_id', 'area_id']),
    before,
    after,
    reason: row.reason ?? null,
    prev_hash: row.prev_hash,
    hash: row.hash,
  };
}

/** The change-log entities pull knows how to hand out. */
export const feedEntities = Object.keys(mappers);

/** The cache's entity name for a change-log entity (tenant_settings is the cache's tenant row). */
export function cacheEntityOf(entity: string): string {
  return entity === 'tenant_settings' ? 'tenant' : entity;
}

/** null row = a tombstone; the entity is still renamed to the cache's table. */
export function toCacheChange(entity: string, row: Row | null, tenant: { name: string; region: string }): CacheChange | null {
  const mapper = mappers[entity];
  if (!mapper) return null;
  if (row === null) return { entity: cacheEntityOf(entity), row: {} };
  return mapper(row, tenant);
}
