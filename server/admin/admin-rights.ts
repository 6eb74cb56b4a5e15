import type { Action, Entity } from '../../shared/permissions';
import { can, effectiveRules, rulesBeyond, type Ability, type GlobalRole, type ModuleFlags, type PermissionRule, type RowFilter, type Subject } from '../../shared/rbac';
import type { Tx } from '../db/database';
import { apiError } from '../errors';
import type { MembershipRecord } from '../store/memberships';
import { getRole } from '../store/roles';

/**
 * The checks every admin write makes beyond "may this caller do this kind of thing at all"
 * (which the route does), always through the shared evaluator (shared/rbac.ts):
 * 1. nobody changes their own access or sign-in (`self_change`);
 * 2. the subject row is in the actor's scope for the action (else 403 when they may at least
 *    read it, 404 when they may not, so ids out of reach tell nothing);
 * 3. the privilege ceiling: the person or role acted on holds, before and after, no rule
 *    beyond the actor's own (`privilege_ceiling`, listing those rules).
 */

export function requireNotSelf(ability: Ability, userId: string): void {
  if (ability.userId === userId) throw apiError('self_change');
}

export function requireRowRight(ability: Ability, action: Action, entity: Entity, subject: Subject): void {
  if (can(ability, action, entity, subject)) return;
  if (can(ability, 'read', entity, subject)) throw apiError('forbidden', { needs: { action, entity } });
  throw apiError('not_found');
}

/** For a row the write would bring about (a new member, new areas): out of scope is a 403. */
export function requireResultInScope(ability: Ability, action: Action, entity: Entity, subject: Subject, message?: string): void {
  if (!can(ability, action, entity, subject)) throw apiError('forbidden', { needs: { action, entity } }, message);
}

export function requireWithinCeiling(ability: Ability, rules: readonly PermissionRule[]): void {
  const beyond = rulesBeyond(ability.rules, rules);
  if (beyond.length > 0) throw apiError('privilege_ceiling', { beyond });
}

export interface AccessAssignment {
  org_role: MembershipRecord['org_role'];
  custom_role_id: string | null;
  module_flags: ModuleFlags;
}

/** What a person holds in the bound tenant with this membership (or none) and global role. */
export async function rulesOfAssignment(tx: Tx, membership: AccessAssignment | null, globalRole: GlobalRole): Promise<PermissionRule[]> {
  const customRole = membership?.custom_role_id ? await getRole(tx, membership.custom_role_id) : null;
  return effectiveRules({
    orgRole: membership ? membership.org_role : null,
    customRules: customRole?.grants ?? [],
    moduleFlags: membership?.module_flags ?? { shift_logs: false, handovers: false, audit: false, users: false, exports: false },
    globalRole,
  });
}

/**
 * A list narrowed to the members in the reader's scope (RowFilter 'some'): their own rows
 * and/or those of members whose areas all lie in the reader's (the evaluator's area scope).
 * `columns` name the SQL expressions holding the person's id and their membership's areas.
 */
export function memberScopeCondition(filter: Extract<RowFilter, { kind: 'some' }>, columns: { userId: string; areas: string }): { sql: string; values: unknown[] } {
  const parts: string[] = [];
  const values: unknown[] = [];
  if (filter.ownerId !== null) {
    parts.push(`${columns.userId} = ?`);
    values.push(filter.ownerId);
  }
  if (filter.areaIds !== null) {
    parts.push(`(jsonb_array_length(${columns.areas}) > 0 AND ${columns.areas} <@ ?::jsonb)`);
    values.push(JSON.stringify(filter.areaIds));
  }
  return { sql: parts.length === 0 ? 'false' : `(${parts.join(' OR ')})`, values };
}
