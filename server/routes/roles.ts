import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CreateRoleRequestSchema, UpdateRoleRequestSchema } from '../../shared/domain/admin';
import { PageQuery } from '../../shared/domain/common';
import { normalizeRules, rowFilterFor, subjectOf } from '../../shared/rbac';
import { requireResultInScope, requireRowRight, requireWithinCeiling } from '../admin/admin-rights';
import { appendAudit } from '../audit/audit-log';
import { fieldDiff } from '../audit/diff';
import { apiError } from '../errors';
import { timeIdCursor } from '../http/list-query';
import { tenantRoute, type AppDeps, type TenantContext } from '../http/route';
import { appendChange } from '../feed/change-log';
import { getRole, insertRole, toRoleRow, updateRole, type RoleRecord } from '../store/roles';
import { encodeCursor, iso } from '../store/rows';

const TenantParams = z.object({ tenantId: z.guid() }).strict();
const RoleParams = z.object({ tenantId: z.guid(), roleId: z.guid() }).strict();

function roleView(role: RoleRecord) {
  return { name: role.name, grants: role.grants };
}

/** A role is a tenant-wide row: only org (or global) scope reaches it (shared/rbac.ts). */
const roleSubject = (tenantId: string) => subjectOf('role', { tenant_id: tenantId });

/** Nobody changes the rights of a role they hold themselves: that would set their own ceiling. */
function requireNotHolder(context: Pick<TenantContext<unknown, unknown, unknown>, 'auth' | 'ability'>, roleId: string) {
  const { principal } = context.auth;
  if (principal.tenant.id === context.ability.tenantId && principal.membership?.custom_role_id === roleId) throw apiError('self_change');
}

function isDuplicateName(error: unknown) {
  return (error as { code?: string }).code === '23505';
}

export function registerRoleRoutes(app: FastifyInstance, deps: AppDeps): void {
  tenantRoute(app, deps, {
    method: 'GET',
    url: '/v1/tenants/:tenantId/roles',
    permission: { action: 'read', entity: 'role' },
    params: TenantParams,
    query: PageQuery.strict(),
    handler: async ({ tenantId, ability, query }) => {
      // Own or area access to roles reaches no role (they have neither owner nor area).
      if (rowFilterFor(ability, 'read', 'role').kind !== 'all') return { items: [], next: null };
      const limit = query.limit ?? 100;
      const cursor = timeIdCursor(query.after);
      const rows = await deps.db.transaction({ tenantId }, (tx) =>
        cursor
          ? tx.query<RoleRecord & Record<string, unknown>>('SELECT * FROM roles WHERE tenant_id = $1 AND (created_at, id) > ($2::timestamptz, $3::uuid) ORDER BY created_at, id LIMIT $4', [tenantId, cursor[0], cursor[1], limit + 1])
          : tx.query<RoleRecord & Record<string, unknown>>('SELECT * FROM roles WHERE tenant_id = $1 ORDER BY created_at, id LIMIT $2', [tenantId, limit + 1]),
      );
      const items = rows.slice(0, limit).map(toRoleRow);
      const last = rows.length > limit ? rows[limit - 1] : null;
      return { items, next: last ? encodeCursor([iso(last.created_at), last.id]) : null };
    },
  });

  tenantRoute(app, deps, {
    method: 'POST',
    url: '/v1/tenants/:tenantId/roles',
    permission: { action: 'manage', entity: 'role' },
    params: TenantParams,
    body: CreateRoleRequestSchema,
    status: 201,
    handler: async ({ tenantId, ability, body, actor, now }) =>
      deps.db.transaction({ tenantId }, async (tx) => {
        requireResultInScope(ability, 'manage', 'role', roleSubject(tenantId));
        requireWithinCeiling(ability, body.grants);
        let role: RoleRecord;
        try {
          role = await insertRole(tx, { id: randomUUID(), tenantId, name: body.name, grants: normalizeRules(body.grants), now });
        } catch (error) {
          if (isDuplicateName(error)) throw apiError('conflict', { reason: 'a role with this name exists' });
          throw error;
        }
        await appendAudit(tx, tenantId, actor, { action: 'role.created', entity: 'role', entityId: role.id, diff: fieldDiff(null, roleView(role)), reason: body.reason ?? null }, now);
        await appendChange(tx, tenantId, { entity: 'role', entityId: role.id, op: 'upsert', row: toRoleRow(role), scope: {} });
        return toRoleRow(role);
      }),
  });

  tenantRoute(app, deps, {
    method: 'PATCH',
    url: '/v1/tenants/:tenantId/roles/:roleId',
    permission: { action: 'manage', entity: 'role' },
    params: RoleParams,
    body: UpdateRoleRequestSchema,
    handler: async ({ tenantId, ability, auth, params, body, actor, now }) =>
      deps.db.transaction({ tenantId }, async (tx) => {
        if (body.grants !== undefined) requireNotHolder({ auth, ability }, params.roleId);
        const before = await getRole(tx, params.roleId);
        if (!before) throw apiError('not_found');
        requireRowRight(ability, 'manage', 'role', roleSubject(tenantId));
        // Nobody edits a role carrying rights beyond their own, nor gives it such rights.
        requireWithinCeiling(ability, before.grants);
        if (body.grants) requireWithinCeiling(ability, body.grants);
        let after: RoleRecord;
        try {
          after = await updateRole(tx, before.id, { name: body.name, grants: body.grants && normalizeRules(body.grants) }, now);
        } catch (error) {
          if (isDuplicateName(error)) throw apiError('conflict', { reason: 'a role with this name exists' });
          throw error;
        }
        // What members holding this role may see changed: their pull re-scopes (SYNC.md policyVersion).
        if (body.grants) await tx.query('UPDATE memberships SET policy_version = policy_version + 1 WHERE tenant_id = $1 AND custom_role_id = $2', [tenantId, after.id]);
        await appendAudit(tx, tenantId, actor, { action: 'role.updated', entity: 'role', entityId: after.id, diff: fieldDiff(roleView(before), roleView(after)), reason: body.reason ?? null }, now);
        await appendChange(tx, tenantId, { entity: 'role', entityId: after.id, op: 'upsert', row: toRoleRow(after), scope: {} });
        return toRoleRow(after);
      }),
  });
}
