import type { DbContext, Tx } from '../db/database';
import { listMembershipsOfUser, type MembershipRecord } from './memberships';

/**
 * A person's identity (email, password, authenticator) is global, so a change to it concerns
 * every tenant they belong to: each one's admins must see it in their own trail. Runs `work`
 * once per membership with the transaction bound to that tenant (and the person), then puts
 * the caller's binding back.
 */
export async function forEachTenantOfPerson(
  tx: Tx,
  userId: string,
  binding: DbContext,
  work: (membership: MembershipRecord & { tenant_name: string }) => Promise<void>,
): Promise<void> {
  await tx.bind({ ...binding, userId });
  for (const membership of await listMembershipsOfUser(tx, userId)) {
    await tx.bind({ ...binding, userId, tenantId: membership.tenant_id });
    await work(membership);
  }
  // Only on success: a failure rolls the whole transaction back anyway.
  await tx.bind(binding);
}

/** The tenants the person belongs to besides `tenantId` (seen through the person's binding). */
export async function otherTenantsOfPerson(tx: Tx, userId: string, tenantId: string, binding: DbContext): Promise<string[]> {
  await tx.bind({ ...binding, userId });
  const rows = await tx.query<{ tenant_id: string }>('SELECT tenant_id FROM memberships WHERE user_id = $1 AND tenant_id <> $2 ORDER BY tenant_id', [userId, tenantId]);
  await tx.bind(binding);
  return rows.map((row) => row.tenant_id);
}
