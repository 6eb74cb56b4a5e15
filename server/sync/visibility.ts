import type { Entity } from '../../shared/permissions';
import { rowFilterFor, type Ability } from '../../shared/rbac';
import { feedEntities } from './cache-rows';

/**
 * Which change-log rows a caller may pull now, as a SQL condition on change_log.entity and
 * change_log.scope, built from the shared evaluator's row filter (read) for each entity.
 */

/** The permission entity that governs reading each feed entity; null = every member reads it. */
const readEntityOf: Record<string, Entity | null> = {
  shift_log: 'shift_log',
  log_entry: 'log_entry',
  // Amendments stand beside their entry and are read with it.
  entry_amendment: 'log_entry',
  comment: 'comment',
  signoff: 'signoff',
  handover: 'handover',
  user: 'user',
  membership: 'membership',
  role: 'role',
  session: 'session',
  // The trail: "own" = events the reader caused, "area" = events about shift data of their areas.
  audit_event: 'audit_event',
  // The plant's structure and the tenant's settings label everything else and hold no shift data.
  area: null,
  equipment: null,
  tenant_settings: null,
};

/** The scope key that names the row's owner ("own" access): the person for identity rows, the actor for events. */
const ownerKeys = ['author_id', 'user_id', 'actor_id'] as const;
const ownerKeyOf = (entity: string): (typeof ownerKeys)[number] =>
  entity === 'user' || entity === 'membership' || entity === 'session' ? 'user_id' : entity === 'audit_event' ? 'actor_id' : 'author_id';

export interface FeedFilter {
  /** Every row visible: the count of visible changes is the seq distance (the feed is gapless). */
  everything: boolean;
  /** `($n ...)` condition over change_log columns, with its parameters from `firstParam`. */
  sql(firstParam: number): { text: string; params: unknown[] };
}

/**
 * What decides which feed rows a caller reads: the entities read in full, by area, by owner,
 * with the areas and the owner they are read by. Two callers with equal scopes read the same rows.
 */
export interface ReadScope {
  all: string[];
  byArea: string[];
  byOwner: Record<OwnerKey, string[]>;
  areas: readonly string[];
  userId: string;
}

export type OwnerKey = (typeof ownerKeys)[number];

export function readScopeFor(ability: Ability): ReadScope {
  const all: string[] = [];
  const byArea: string[] = [];
  const byOwner: Record<OwnerKey, string[]> = { author_id: [], user_id: [], actor_id: [] };
  for (const entity of feedEntities) {
    const governing = readEntityOf[entity];
    if (governing === undefined) continue;
    const filter = governing === null ? ({ kind: 'all' } as const) : rowFilterFor(ability, 'read', governing);
    if (filter.kind === 'all') all.push(entity);
    else if (filter.kind === 'some') {
      if (filter.areaIds !== null) byArea.push(entity);
      if (filter.ownerId !== null) byOwner[ownerKeyOf(entity)].push(entity);
    }
  }
  return { all, byArea, byOwner, areas: ability.areas, userId: ability.userId };
}

/** How a feed entity is read by this scope: in full, by area, by owner (both may hold), or not at all. */
export function entityAccess(scope: ReadScope, entity: string): { all: boolean; byArea: boolean; byOwner: boolean } {
  return {
    all: scope.all.includes(entity),
    byArea: scope.byArea.includes(entity),
    byOwner: ownerKeys.some((key) => scope.byOwner[key].includes(entity)),
  };
}

export function feedFilterFor(ability: Ability): FeedFilter {
  const { all, byArea, byOwner } = readScopeFor(ability);
  return {
    everything: all.length === feedEntities.length,
    sql(firstParam) {
      const p = (offset: number) => `$${firstParam + offset}`;
      const list = (offset: number) => `(SELECT jsonb_array_elements_text(${p(offset)}::jsonb))`;
      // Owner keys are fixed names from ownerKeys, never input.
      const owned = ownerKeys.map((key, index) => `OR (entity IN ${list(4 + index)} AND scope ->> '${key}' = ${p(3)})`).join('\n        ');
      const text = `(entity IN ${list(0)}
        OR (entity IN ${list(1)} AND scope ->> 'area_id' IN ${list(2)})
        ${owned})`;
      return {
        text,
        params: [JSON.stringify(all), JSON.stringify(byArea), JSON.stringify(ability.areas), ability.userId, ...ownerKeys.map((key) => JSON.stringify(byOwner[key]))],
      };
    },
  };
}
