import type { SqliteDatabase } from '../open';
import { applyScope, type RowScope } from '../scope';
import { userScopeColumns } from './people';
import { all } from './statements';

/**
 * People's display names by id, for files and sheets that must name authors instead of ids:
 * only those the reader may see (a person outside the scope keeps just their id).
 */
export function displayNamesById(db: SqliteDatabase, scope: RowScope): Map<string, string> {
  const where: string[] = [];
  const params: unknown[] = [];
  applyScope(scope, userScopeColumns, where, params);
  const rows = all<{ id: string; display_name: string }>(db, `SELECT u.id, u.display_name FROM user u ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`, params);
  return new Map(rows.map((row) => [row.id, row.display_name]));
}
