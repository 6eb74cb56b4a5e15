import { entityAccess, type ReadScope } from '../visibility';

/**
 * The tables of a first sync's snapshot, in the order they are sent, each with the cache's
 * column names (main/core/store/migrations) and the SQL that builds one row's JSON array in that
 * order: the same values toCacheChange (cache-rows.ts) hands out for the row's last change.
 *
 * Where a row comes from:
 * - The plant's structure and the identity rows (tenant, user, role, membership, area,
 *   equipment, session) from change_log, last change per entity: few rows, and their change
 *   rows are projections (a user without secrets, a session with a scrubbed device name).
 * - Shift data from its own tables: every write to them appends `to_jsonb(row)` of the row it
 *   wrote, so the current row is its last change; the occurred_at index streams the newest
 *   entries first without sorting a million change rows (6 s at 1M against 0.7 s).
 * - Audit events from audit_events, with the area their feed row names, as pull reads them.
 */

/** ISO-8601 UTC text with milliseconds, as Date.toISOString (both truncate microseconds). */
const isoOf = (timestamp: string) => `to_char((${timestamp}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A change row's value (a missing key becomes null: the cache's default applies). */
const v = (column: string) => `row -> '${column}'`;
const vTime = (column: string) => isoOf(`(row ->> '${column}')::timestamptz`);
/** `value ?? fallback` of a JSON value (JSON null counts as missing). */
const vOr = (column: string, fallback: string) => `coalesce(nullif(row -> '${column}', 'null'::jsonb), ${fallback})`;
interface Column {
  name: string;
  sql: string;
  /** The SQL yields the value's JSON text already (server-table columns). */
  encoded?: boolean;
}

const col = (name: string, sql: string = name): Column => ({ name, sql });

/**
 * Server-table columns are written as JSON text by concatenation: json_build_array looks up
 * each argument's type on every row (PostgreSQL 15), which cost a fifth of a million-entry
 * read. Only uuids and check-constrained codes go out unescaped; any other text through to_json.
 */
const quoted = (sql: string) => `'"' || ${sql} || '"'`;
const encoded = (name: string, sql: string): Column => ({ name, sql, encoded: true });
const uuid = (name: string, source = name) => encoded(name, quoted(`${source}::text`));
const code = (name: string) => encoded(name, quoted(name));
const text = (name: string, source = name) => encoded(name, `to_json(${source})::text`);
const time = (name: string, source = name) => encoded(name, quoted(isoOf(source)));
/** Numbers, booleans and jsonb print as JSON already. */
const plain = (name: string, source = name) => encoded(name, `${source}::text`);

/** A table read from change_log (entity = feed entity), newest change per entity. */
export interface ChangeLogTable {
  source: 'change_log';
  table: string;
  entity: string;
  columns: Column[];
}

/** A table read from its server table; visibility by its area and owner columns. */
export interface ServerTable {
  source: 'table';
  table: string;
  entity: string;
  serverTable: string;
  ownerColumn: string;
  orderBy: string;
  /**
   * The time that makes a row recent: within RECENT_DAYS of the newest of its area. Recent rows
   * are sent first, in frames marked recent, which a workstation shows before the rest is in.
   */
  recentBy: string;
  columns: Column[];
}

/** How far back from each area's newest row the rows a person looks at first go. */
export const RECENT_DAYS = 7;

export interface AuditTable {
  source: 'audit';
  table: 'audit_event';
  entity: 'audit_event';
  columns: Column[];
}

export type SnapshotTable = ChangeLogTable | ServerTable | AuditTable;

const fromLog = (table: string, entity: string, columns: Column[]): ChangeLogTable => ({ source: 'change_log', table, entity, columns });

const diffSide = (side: 'before' | 'after') =>
  `(SELECT coalesce(jsonb_object_agg(d.key, coalesce(d.value -> '${side}', 'null'::jsonb)), '{}'::jsonb)
     FROM jsonb_each(CASE WHEN jsonb_typeof(a.diff) = 'object' THEN a.diff ELSE '{}'::jsonb END) d)`;

/** $3 and $4 of the change-log query: the tenant's name and region (the cache's tenant row has them). */
export const snapshotTables: readonly SnapshotTable[] = [
  fromLog('tenant', 'tenant_settings', [
    col('id', `coalesce(nullif(row -> 'tenant_id', 'null'::jsonb), row -> 'id')`),
    col('name', 'to_jsonb($3::text)'),
    col('region', 'to_jsonb($4::text)'),
    ...['offline_grant_hours', 'session_idle_minutes', 'session_absolute_hours', 'lockout_threshold', 'retention_days', 'version'].map((name) => col(name, v(name))),
  ]),
  fromLog('user', 'user', [
    ...['id', 'email', 'display_name', 'status', 'global_role'].map((name) => col(name, v(name))),
    col('version', `CASE WHEN jsonb_typeof(row -> 'version') = 'number' THEN row -> 'version' END`),
  ]),
  fromLog('role', 'role', [
    ...['id', 'name', 'grants'].map((name) => col(name, v(name))),
    col('version', `CASE WHEN jsonb_typeof(row -> 'version') = 'number' THEN row -> 'version' END`),
  ]),
  fromLog('membership', 'membership', [
    col('id', `to_jsonb(coalesce(row ->> 'tenant_id', '') || ':' || coalesce(row ->> 'user_id', ''))`),
    col('user_id', v('user_id')),
    col('tenant_id', v('tenant_id')),
    col('org_role', v('org_role')),
    col('role_id', v('custom_role_id')),
    col('areas', vOr('areas', `'[]'::jsonb`)),
    col('module_flags', vOr('module_flags', `'{}'::jsonb`)),
  ]),
  fromLog('area', 'area', ['id', 'parent_id', 'kind', 'name', 'time_zone'].map((name) => col(name, v(name)))),
  fromLog('equipment', 'equipment', [...['id', 'tag', 'area_id'].map((name) => col(name, v(name))), col('name', v('description'))]),
  fromLog(
    'session',
    'session',
    ['id', 'user_id', 'tenant_id', 'created_at', 'last_seen_at', 'ip', 'device_id', 'device_name', 'user_agent', 'revoked_at', 'revoked_by'].map((name) =>
      col(name, ['created_at', 'last_seen_at', 'revoked_at'].includes(name) ? vTime(name) : v(name)),
    ),
  ),
  {
    source: 'table',
    table: 'shift_log',
    entity: 'shift_log',
    serverTable: 'shift_logs',
    recentBy: 'starts_at',
    ownerColumn: 'created_by',
    orderBy: 'starts_at DESC, id DESC',
    columns: [uuid('id'), uuid('area_id'), text('shift_date'), text('shift_name'), text('crew'), time('starts_at'), time('ends_at'), code('status'), uuid('created_by'), time('reopened_at'), plain('version')],
  },
  {
    source: 'table',
    table: 'log_entry',
    entity: 'log_entry',
    serverTable: 'log_entries',
    recentBy: 'occurred_at',
    ownerColumn: 'author_id',
    // Oldest first within each part: the workstation numbers entries in the order they arrive,
    // and its lists and search take a higher number as newer (see the client's bootstrap). The
    // index's order alone: a tie-break by id would sort every run of equal times (5.1 s against
    // 3.4 s at 1M).
    orderBy: 'occurred_at ASC',
    columns: [
      uuid('id'),
      uuid('shift_log_id'),
      uuid('area_id'),
      text('equipment_tag'),
      code('category'),
      code('severity'),
      text('body'),
      time('occurred_at'),
      time('recorded_at'),
      uuid('author_id'),
      plain('late'),
      text('late_reason'),
      code('state'),
      plain('version'),
    ],
  },
  {
    source: 'table',
    table: 'entry_amendment',
    entity: 'entry_amendment',
    serverTable: 'entry_amendments',
    recentBy: 'created_at',
    ownerColumn: 'author_id',
    orderBy: 'created_at DESC, id DESC',
    columns: [uuid('id'), uuid('entry_id'), code('kind'), text('body'), text('reason'), uuid('author_id'), plain('fields_changed', 'fields'), time('at', 'created_at')],
  },
  {
    source: 'table',
    table: 'comment',
    entity: 'comment',
    serverTable: 'comments',
    recentBy: 'created_at',
    ownerColumn: 'author_id',
    orderBy: 'created_at DESC, id DESC',
    columns: [uuid('id'), uuid('shift_log_id'), uuid('entry_id'), uuid('author_id'), text('body'), time('at', 'created_at')],
  },
  {
    source: 'table',
    table: 'signoff',
    entity: 'signoff',
    serverTable: 'signoffs',
    recentBy: 'signed_at',
    ownerColumn: 'signer_id',
    orderBy: 'signed_at DESC, id DESC',
    columns: [uuid('id'), uuid('shift_log_id'), uuid('signer_id'), text('printed_name'), code('meaning'), time('signed_at'), time('claimed_signed_at'), code('auth_method'), text('content_hash')],
  },
  {
    source: 'table',
    table: 'handover',
    entity: 'handover',
    serverTable: 'handovers',
    recentBy: 'created_at',
    ownerColumn: 'created_by',
    orderBy: 'created_at DESC, id DESC',
    columns: [
      uuid('id'),
      uuid('from_shift_log_id'),
      uuid('to_shift_log_id'),
      plain('open_items'),
      uuid('outgoing_ack_by'),
      time('outgoing_ack_at'),
      uuid('incoming_ack_by'),
      time('incoming_ack_at'),
      plain('version'),
    ],
  },
  {
    source: 'audit',
    table: 'audit_event',
    entity: 'audit_event',
    columns: [
      ...['tenant_id', 'seq', 'id'].map((name) => col(name, `a.${name}`)),
      col('server_time', isoOf('a.server_time')),
      col('client_time', isoOf('a.client_time')),
      ...['actor_id', 'session_id', 'ip', 'device_id', 'action', 'entity', 'entity_id'].map((name) => col(name, `a.${name}`)),
      col('area_id', `c.scope -> 'area_id'`),
      col('before', diffSide('before')),
      col('after', diffSide('after')),
      ...['reason', 'prev_hash', 'hash'].map((name) => col(name, `a.${name}`)),
    ],
  },
];

/** One row's JSON array text, in the table's column order (a null value as JSON null). */
export const rowJson = (table: SnapshotTable) =>
  table.columns.every((column) => column.encoded)
    ? `'[' || ${table.columns.map((column) => `coalesce(${column.sql}, 'null')`).join(` || ',' || `)} || ']'`
    : `json_build_array(${table.columns.map((column) => column.sql).join(', ')})::text`;

/**
 * `WHERE` condition of a server table for this scope, with its parameters numbered from
 * `firstParam`: the rows pull would deliver, judged on the row's own area and owner columns
 * (the scope its change rows carry). Column names come from the table list, never input.
 */
export function serverTableCondition(table: ServerTable, scope: ReadScope, firstParam: number): { text: string; params: unknown[] } {
  const access = entityAccess(scope, table.entity);
  if (access.all) return { text: 'true', params: [] };
  const parts: string[] = [];
  const params: unknown[] = [];
  if (access.byArea) {
    params.push(JSON.stringify(scope.areas));
    parts.push(`area_id::text IN (SELECT jsonb_array_elements_text($${firstParam + params.length - 1}::jsonb))`);
  }
  if (access.byOwner) {
    params.push(scope.userId);
    parts.push(`${table.ownerColumn}::text = $${firstParam + params.length - 1}`);
  }
  return parts.length === 0 ? { text: 'false', params: [] } : { text: `(${parts.join(' OR ')})`, params };
}
