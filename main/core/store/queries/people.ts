import type { z } from 'zod';
import type { SessionFilterSchema, UserFilterSchema, UserSortSchema } from '../../../../shared/views';
import { PlantdeskError } from '../../../../shared/errors';
import type { SqliteDatabase } from '../open';
import { decodeCursor, encodeCursor, pageSize, toPage, type Page, type PageRequest } from '../paging';
import type { MembershipRow, SessionRow, UserRow } from '../rows';
import { applyScope, type RowScope, type ScopeColumns } from '../scope';
import { all, inList, inListSql } from './statements';

/** Users and sessions of the tenant, within the reader's scope. */

/** "In my areas" for a person: a membership of theirs covers one of the areas. */
const personInAreas = (userIdColumn: string) => (count: number) =>
  `EXISTS (SELECT 1 FROM membership m, json_each(m.areas) ma WHERE m.user_id = ${userIdColumn} AND ${inListSql('ma.value', count)})`;

export const userScopeColumns: ScopeColumns = { own: 'u.id', inAreas: personInAreas('u.id') };
export const sessionScopeColumns: ScopeColumns = { own: 'se.user_id', inAreas: personInAreas('se.user_id') };

/** A parsed filter of the contract; what each member means is written on the schema. */
export type UserFilter = z.output<typeof UserFilterSchema>;

export interface UserListItem extends UserRow {
  /** From the user's membership in this tenant; null when the cache has none. */
  org_role: MembershipRow['org_role'] | null;
  role_id: string | null;
  areas: string | null;
  module_flags: string | null;
  /** When their newest session in this cache began; null when the reader may see none of theirs. */
  last_sign_in_at: string | null;
}

/** A parsed sort of the contract: a column and a direction. */
export type UserSort = z.output<typeof UserSortSchema>;

/**
 * The SQL each sort column orders by. Every key is text and never NULL (a person without a
 * membership has no role: '' sorts them first), so the row-value comparison of the cursor is
 * exact; names and emails compare without case, as people read them.
 */
const userSortKeys: Record<UserSort['column'], string> = {
  name: 'lower(u.display_name)',
  email: 'lower(u.email)',
  role: "COALESCE(m.org_role, '')",
  status: 'u.status',
  // Never signed in sorts first ascending: the people an admin looks for.
  lastSignIn: "COALESCE(ls.at, '')",
};

const defaultUserSort: UserSort = { column: 'email', dir: 'asc' };

/**
 * The cursor's key names its sort, so a cursor from one order is refused in another instead of
 * silently skipping or repeating people.
 */
const sortTag = (sort: UserSort) => `${sort.column}.${sort.dir}:`;

/** Users by the sort (email ascending when absent), the id breaking ties in the same direction. */
export function listUsers(
  db: SqliteDatabase,
  scope: RowScope,
  filter: UserFilter = {},
  page?: PageRequest,
  sort: UserSort = defaultUserSort,
  sessionScope: RowScope = { kind: 'none' },
): Page<UserListItem> {
  const limit = pageSize(page);
  const key = userSortKeys[sort.column];
  const dir = sort.dir === 'desc' ? 'DESC' : 'ASC';
  // Last sign-in from the sessions the reader may read (the pull feed carries them): its
  // parameters come first, as the join precedes the WHERE in the statement.
  const sessionWhere: string[] = [];
  const params: unknown[] = [];
  applyScope(sessionScope, sessionScopeColumns, sessionWhere, params);
  const lastSignIn = `LEFT JOIN (SELECT se.user_id, max(se.created_at) AS at FROM session se ${sessionWhere.length ? `WHERE ${sessionWhere.join(' AND ')}` : ''} GROUP BY se.user_id) ls ON ls.user_id = u.id`;
  const where: string[] = [];
  applyScope(scope, userScopeColumns, where, params);
  if (filter.statuses?.length) inList('u.status', filter.statuses, where, params);
  if (filter.userIds?.length) inList('u.id', filter.userIds, where, params);
  if (filter.text !== undefined && filter.text.trim() !== '') {
    where.push('(instr(lower(u.email), lower(?)) > 0 OR instr(lower(u.display_name), lower(?)) > 0)');
    params.push(filter.text.trim(), filter.text.trim());
  }
  if (page?.after) {
    const [tagged, id] = decodeCursor(page.after, 'text');
    const tag = sortTag(sort);
    if (!tagged.startsWith(tag)) throw new PlantdeskError('invalid_request', 'That page cursor belongs to another sort order. Reload the list.');
    where.push(`(${key}, u.id) ${dir === 'DESC' ? '<' : '>'} (?, ?)`);
    params.push(tagged.slice(tag.length), id);
  }
  params.push(limit + 1);
  const rows = all<UserListItem & { sort_key: string }>(
    db,
    `SELECT u.id, u.email, u.display_name, u.status, u.global_role, u.version, u.pending_mutation_id, ` +
      `m.org_role, m.role_id, m.areas, m.module_flags, ls.at AS last_sign_in_at, ${key} AS sort_key ` +
      `FROM user u LEFT JOIN membership m ON m.user_id = u.id ${lastSignIn} ` +
      `${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${key} ${dir}, u.id ${dir} LIMIT ?`,
    params,
  );
  const paged = toPage(rows, limit, (row) => encodeCursor(sortTag(sort) + row.sort_key, row.id));
  return { items: paged.items.map(({ sort_key: _key, ...user }) => user), next: paged.next };
}

/** A parsed filter of the contract, judged at `now` (ISO-8601 UTC; the current time when absent). */
export type SessionFilter = z.output<typeof SessionFilterSchema> & { now?: string };

/** Sessions, newest first (created_at, then id, descending). */
export function listSessions(db: SqliteDatabase, scope: RowScope, filter: SessionFilter = {}, page?: PageRequest): Page<SessionRow> {
  const limit = pageSize(page);
  const where: string[] = [];
  const params: unknown[] = [];
  applyScope(scope, sessionScopeColumns, where, params);
  if (filter.userIds?.length) inList('se.user_id', filter.userIds, where, params);
  if (filter.active !== undefined) {
    const now = filter.now ?? new Date().toISOString();
    const active =
      '(se.revoked_at IS NULL AND (se.idle_expires_at IS NULL OR se.idle_expires_at > ?) ' +
      'AND (se.absolute_expires_at IS NULL OR se.absolute_expires_at > ?))';
    where.push(filter.active ? active : `NOT ${active}`);
    params.push(now, now);
  }
  if (page?.after) {
    const [createdAt, id] = decodeCursor(page.after, 'text');
    where.push('(se.created_at, se.id) < (?, ?)');
    params.push(createdAt, id);
  }
  params.push(limit + 1);
  const rows = all<SessionRow>(
    db,
    `SELECT se.id, se.user_id, se.tenant_id, se.created_at, se.last_seen_at, se.idle_expires_at, se.absolute_expires_at, ` +
      `se.ip, se.device_id, se.device_name, se.user_agent, se.revoked_at, se.revoked_by, se.version, se.pending_mutation_id ` +
      `FROM session se ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY se.created_at DESC, se.id DESC LIMIT ?`,
    params,
  );
  return toPage(rows, limit, (row) => encodeCursor(row.created_at, row.id));
}
