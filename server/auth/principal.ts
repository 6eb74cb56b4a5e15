import { effectiveRules, type Ability, type CustomRoleRuleSchema } from '../../shared/rbac';
import type { z } from 'zod';
import type { Tx } from '../db/database';
import { expandAreas } from '../store/areas';
import { getMembership, type MembershipRecord } from '../store/memberships';
import { getRole, type RoleRecord } from '../store/roles';
import { getTenant, type TenantRecord } from '../store/tenants';
import { getUser, type UserRecord } from '../store/users';

/**
 * Who is acting in which tenant, with what rights right now (never the grant's copy): the
 * user, the tenant, the membership and custom role if any, and the RBAC ability built from
 * them by the shared evaluator.
 */
export interface Principal {
  user: UserRecord;
  tenant: TenantRecord;
  membership: MembershipRecord | null;
  customRole: RoleRecord | null;
  ability: Ability;
  policyVersion: number;
}

/** The transaction must be bound to { tenantId, userId }. */
export async function loadPrincipal(tx: Tx, userId: string, tenantId: string): Promise<Principal | null> {
  const [user, tenant, membership] = [await getUser(tx, userId), await getTenant(tx, tenantId), await getMembership(tx, tenantId, userId)];
  if (!user || !tenant) return null;
  if (!membership && user.global_role === 'none') return null;
  const customRole = membership?.custom_role_id ? await getRole(tx, membership.custom_role_id) : null;
  const areas = membership ? await expandAreas(tx, tenantId, membership.areas) : [];
  const rules = effectiveRules({
    orgRole: membership ? membership.org_role : null,
    customRules: (customRole?.grants ?? []) as z.infer<typeof CustomRoleRuleSchema>[],
    moduleFlags: membership?.module_flags ?? { shift_logs: false, handovers: false, audit: false, users: false, exports: false },
    globalRole: user.global_role,
  });
  return {
    user,
    tenant,
    membership,
    customRole,
    ability: { userId, tenantId, areas, rules },
    policyVersion: membership?.policy_version ?? 0,
  };
}
