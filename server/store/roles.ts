import type { RoleRow } from '../../shared/domain/tenancy';
import type { PermissionRule } from '../../shared/rbac';
import type { Tx } from '../db/database';
import { iso, json } from './rows';

export interface RoleRecord {
  tenant_id: string;
  id: string;
  name: string;
  grants: PermissionRule[];
  version: number;
  created_at: Date;
  updated_at: Date;
}

type RoleQueryRow = RoleRecord & Record<string, unknown>;

export async function getRole(tx: Tx, id: string): Promise<RoleRecord | null> {
  const rows = await tx.query<RoleQueryRow>('SELECT * FROM roles WHERE id = $1', [id]);
  return rows[0] ?? null;
}

export async function insertRole(tx: Tx, role: { id: string; tenantId: string; name: string; grants: PermissionRule[]; now: Date }): Promise<RoleRecord> {
  const rows = await tx.query<RoleQueryRow>(
    'INSERT INTO roles (tenant_id, id, name, grants, created_at, updated_at) VALUES ($1, $2, $3, $4::jsonb, $5, $5) RETURNING *',
    [role.tenantId, role.id, role.name, json(role.grants), role.now],
  );
  return rows[0];
}

export async function updateRole(tx: Tx, id: string, changes: { name?: string; grants?: PermissionRule[] }, now: Date): Promise<RoleRecord> {
  const rows = await tx.query<RoleQueryRow>(
    `UPDATE roles SET name = coalesce($2, name), grants = coalesce($3::jsonb, grants), updated_at = $4, version = version + 1
     WHERE id = $1 RETURNING *`,
    [id, changes.name ?? null, changes.grants === undefined ? null : json(changes.grants), now],
  );
  // Everyone holding the role sees a new policy version, so their clients re-scope.
  await tx.query('UPDATE memberships SET policy_version = policy_version + 1, updated_at = $2 WHERE custom_role_id = $1', [id, now]);
  return rows[0];
}

export function toRoleRow(role: RoleRecord): RoleRow {
  return {
    tenant_id: role.tenant_id,
    id: role.id,
    name: role.name,
    grants: role.grants as RoleRow['grants'],
    version: role.version,
    created_at: iso(role.created_at),
    updated_at: iso(role.updated_at),
  };
}
