import type { MembershipRow, MembershipSummary } from '../../shared/domain/tenancy';
import type { ModuleFlags } from '../../shared/rbac';
import type { Tx } from '../db/database';
import { iso, json } from './rows';

export interface MembershipRecord {
  tenant_id: string;
  user_id: string;
  org_role: 'viewer' | 'contributor' | 'admin' | 'custom';
  custom_role_id: string | null;
  areas: string[];
  module_flags: ModuleFlags;
  policy_version: number;
  created_at: Date;
  updated_at: Date;
}

type MembershipQueryRow = MembershipRecord & Record<string, unknown>;

export async function getMembership(tx: Tx, tenantId: string, userId: string): Promise<MembershipRecord | null> {
  const rows = await tx.query<MembershipQueryRow>('SELECT * FROM memberships WHERE tenant_id = $1 AND user_id = $2', [tenantId, userId]);
  return rows[0] ?? null;
}

/** Every membership of the user the transaction can see (bind userId to see them all). */
export async function listMembershipsOfUser(tx: Tx, userId: string): Promise<(MembershipRecord & { tenant_name: string })[]> {
  return tx.query<MembershipQueryRow & { tenant_name: string }>(
    `SELECT m.*, t.name AS tenant_name FROM memberships m JOIN tenants t ON t.id = m.tenant_id
     WHERE m.user_id = $1 ORDER BY t.name, t.id`,
    [userId],
  );
}

export async function insertMembership(
  tx: Tx,
  membership: { tenantId: string; userId: string; orgRole: MembershipRecord['org_role']; customRoleId: string | null; areas: string[]; moduleFlags: ModuleFlags; now: Date },
): Promise<MembershipRecord> {
  const rows = await tx.query<MembershipQueryRow>(
    `INSERT INTO memberships (tenant_id, user_id, org_role, custom_role_id, areas, module_flags, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $7) RETURNING *`,
    [membership.tenantId, membership.userId, membership.orgRole, membership.customRoleId, json(membership.areas), json(membership.moduleFlags), membership.now],
  );
  return rows[0];
}

export async function updateMembership(
  tx: Tx,
  tenantId: string,
  userId: string,
  changes: Partial<Pick<MembershipRecord, 'org_role' | 'custom_role_id' | 'areas' | 'module_flags'>>,
  now: Date,
): Promise<MembershipRecord> {
  const columns = ['org_role', 'custom_role_id', 'areas', 'module_flags'] as const;
  const entries = columns.filter((column) => column in changes).map((column) => [column, changes[column]] as const);
  const assignments = entries.map(([column], index) =>
    column === 'areas' || column === 'module_flags' ? `${column} = $${index + 4}::jsonb` : `${column} = $${index + 4}`,
  );
  const values = entries.map(([column, value]) => (column === 'areas' || column === 'module_flags' ? json(value) : value));
  const rows = await tx.query<MembershipQueryRow>(
    `UPDATE memberships SET ${[...assignments, 'updated_at = $3', 'policy_version = policy_version + 1'].join(', ')}
     WHERE tenant_id = $1 AND user_id = $2 RETURNING *`,
    [tenantId, userId, now, ...values],
  );
  return rows[0];
}

/** Admins of the tenant whose account is active, not counting `exceptUserId`. */
export async function countOtherActiveAdmins(tx: Tx, tenantId: string, exceptUserId: string): Promise<number> {
  const rows = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM memberships m JOIN users u ON u.id = m.user_id
     WHERE m.tenant_id = $1 AND m.org_role = 'admin' AND u.status = 'active' AND m.user_id <> $2`,
    [tenantId, exceptUserId],
  );
  return rows[0].n;
}

export function toMembershipRow(membership: MembershipRecord): MembershipRow {
  return {
    tenant_id: membership.tenant_id,
    user_id: membership.user_id,
    org_role: membership.org_role,
    custom_role_id: membership.custom_role_id,
    areas: membership.areas,
    module_flags: membership.module_flags,
    policy_version: membership.policy_version,
    created_at: iso(membership.created_at),
    updated_at: iso(membership.updated_at),
  };
}

export function toMembershipSummary(membership: MembershipRecord & { tenant_name: string }): MembershipSummary {
  return { ...toMembershipRow(membership), tenant_name: membership.tenant_name };
}
