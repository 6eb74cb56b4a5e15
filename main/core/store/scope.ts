import type { AccessScope } from '../../../shared/permissions';
import { inListSql } from './queries/statements';

/**
 * Which rows of one entity a person may read, as a value the named queries turn into SQL, so
 * the filter runs inside the query and not over its result (SECURITY.md "RBAC").
 *
 * - org: every row of the tenant (one file holds one tenant, so 'global' is the same here).
 * - rows: rows authored by ownUserId, or in one of areaIds (either may be absent).
 * - none: nothing; what a guard answers for an entity the grant does not cover.
 */
export type RowScope =
  | { kind: 'org' }
  | { kind: 'rows'; ownUserId: string | null; areaIds: readonly string[] }
  | { kind: 'none' };

export const orgScope: RowScope = { kind: 'org' };
export const noRows: RowScope = { kind: 'none' };

/**
 * The scope that the access levels a grant gives for (read, entity) add up to. An empty list
 * means no access.
 */
export function rowScopeFor(accesses: readonly AccessScope[], person: { userId: string; areaIds: readonly string[] }): RowScope {
  if (accesses.includes('org') || accesses.includes('global')) return orgScope;
  const own = accesses.includes('own');
  const area = accesses.includes('area');
  if (!own && !area) return noRows;
  return { kind: 'rows', ownUserId: own ? person.userId : null, areaIds: area ? [...person.areaIds] : [] };
}

/** SQL expressions a scope is tested against, per entity. */
export interface ScopeColumns {
  /** The author/owner column (`e.author_id`), or null when "own" has no meaning here. */
  own: string | null;
  /**
   * A boolean SQL expression true when the row lies in one of `count` areas bound as
   * parameters, e.g. `e.area_id IN (?, ?)` (see areaColumnIn).
   */
  inAreas: ((count: number, unindexed: boolean) => string) | null;
}

/** Adds the scope's condition to `where` and its values to `params`. */
export function applyScope(scope: RowScope, columns: ScopeColumns, where: string[], params: unknown[]): void {
  if (scope.kind === 'org') return;
  if (scope.kind === 'none') {
    where.push('0');
    return;
  }
  const own = scope.ownUserId !== null && columns.own !== null;
  const area = scope.areaIds.length > 0 && columns.inAreas !== null;
  // "own OR area" would make SQLite read both index ranges whole and sort them (a multi-index
  // OR); with the terms unindexed (unary +) it walks the list's order index and stops at a page.
  const unindexed = own && area;
  const alternatives: string[] = [];
  if (own) {
    alternatives.push(`${unindexed ? '+' : ''}${columns.own} = ?`);
    params.push(scope.ownUserId);
  }
  if (area && columns.inAreas) {
    alternatives.push(columns.inAreas(scope.areaIds.length, unindexed));
    params.push(...areaParams(scope.areaIds));
  }
  where.push(alternatives.length === 0 ? '0' : `(${alternatives.join(' OR ')})`);
}

/** `col IN (?, ?, ...)` over the scope's areas. */
export const areaColumnIn = (column: string) => (count: number, unindexed: boolean) => inListSql(`${unindexed ? '+' : ''}${column}`, count);

/** The parameters inListSql expects for a list of areas. */
function areaParams(areaIds: readonly string[]): unknown[] {
  const placeholders = inListSql('x', areaIds.length);
  return placeholders.includes('json_each') ? [JSON.stringify(areaIds)] : [...areaIds];
}
