import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  CreateUserRequestSchema,
  OptionalReasonRequestSchema,
  ReasonRequestSchema,
  UpdateUserRequestSchema,
  UsersQuerySchema,
  type CreateUserResponse,
  type RoleChoice,
  type UserWithMembership,
} from '../../shared/domain/admin';
import { NewPasswordSchema } from '../../shared/domain/auth';
import { singleLine } from '../../shared/domain/common';
import { can, rowFilterFor, subjectOf, type Ability } from '../../shared/rbac';
import { createMember } from '../admin/provisioning';
import { memberDiff, memberView, recordMemberChange } from '../admin/user-view';
import { hashPassword, passwordPolicyProblem } from '../auth/passwords';
import { clearAccountThrottle } from '../auth/throttle';
import { newTotpSecret, totpEnrollmentUri } from '../auth/totp';
import type { Tx } from '../db/database';
import { httpError } from '../http/errors';
import { timeIdCursor, whereBuilder } from '../http/list-query';
import { tenantRoute, type AppDeps } from '../http/route';
import { existingAreaIds } from '../store/areas';
import { countOtherActiveAdmins, getMembership, toMembershipRow, updateMembership, type MembershipRecord } from '../store/memberships';
import { getRole } from '../store/roles';
import { encodeCursor, iso } from '../store/rows';
import { revokeUserSessions } from '../store/sessions';
import { getUser, toUserRow, updateUser, type UserRecord } from '../store/users';

const UserParams = z.object({ tenantId: z.guid(), userId: z.guid() }).strict();
const TenantParams = z.object({ tenantId: z.guid() }).strict();
const PasswordResetSchema = z.object({ password: NewPasswordSchema, reason: singleLine(500).optional() }).strict();

interface Member {
  user: UserRecord;
  membership: MembershipRecord;
}

/** A member of the bound tenant, locked for update; anyone else (other tenants) is not found. */
async function loadMember(tx: Tx, tenantId: string, userId: string): Promise<Member> {
  const membership = await getMembership(tx, tenantId, userId);
  const user = membership ? await getUser(tx, userId, { forUpdate: true }) : null;
  if (!membership || !user) throw httpError('not_found');
  return { user, membership };
}

function requireRowRight(ability: Ability, action: 'read' | 'manage', member: Member, tenantId: string) {
  if (!can(ability, action, 'user', subjectOf('user', { tenant_id: tenantId, id: member.user.id }))) throw httpError('not_found');
}

/** Identity-wide changes (status, name, erasure) belong to the tenant that owns the identity. */
function requireHomeTenant(member: Member, tenantId: string) {
  if (member.user.home_tenant_id !== tenantId) throw httpError('not_home_tenant');
}

async function requireAnotherAdmin(tx: Tx, tenantId: string, member: Member) {
  if (member.membership.org_role === 'admin' && member.user.status === 'active' && (await countOtherActiveAdmins(tx, tenantId, member.user.id)) === 0) {
    throw httpError('last_admin');
  }
}

async function resolveRole(tx: Tx, role: RoleChoice): Promise<{ org_role: MembershipRecord['org_role']; custom_role_id: string | null }> {
  if (typeof role === 'string') return { org_role: role, custom_role_id: null };
  if (!(await getRole(tx, role.customRoleId))) throw httpError('invalid_request', { issues: [{ path: 'role.customRoleId', message: 'no such role in this organisation' }] });
  return { org_role: 'custom', custom_role_id: role.customRoleId };
}

async function requireAreas(tx: Tx, tenantId: string, areas: readonly string[]) {
  const found = await existingAreaIds(tx, tenantId, areas);
  const missing = areas.filter((id) => !found.has(id));
  if (missing.length > 0) throw httpError('invalid_request', { issues: [{ path: 'areas', message: `unknown areas: ${missing.slice(0, 5).join(', ')}` }] });
}

function weakPassword(password: string, person: { email?: string; displayName?: string }) {
  const problem = passwordPolicyProblem(password, person);
  if (problem) throw httpError('weak_password', { problem });
}

/**
 * Where else the person's name, email or network traces sit outside the audit trail (which
 * only ever holds masks): printed names on sign-offs, earlier change-log rows that clients
 * replay, and the IP, user agent and device name of their sessions.
 */
async function pseudonymizeTraces(tx: Tx, tenantId: string, user: UserRecord): Promise<void> {
  await tx.query('UPDATE signoffs SET printed_name = $3 WHERE tenant_id = $1 AND signer_id = $2', [tenantId, user.id, user.display_name]);
  await tx.query(
    `UPDATE change_log SET row = $3::jsonb WHERE tenant_id = $1 AND entity = 'user' AND entity_id = $2`,
    [tenantId, user.id, JSON.stringify(toUserRow(user))],
  );
  await tx.query(
    `UPDATE change_log SET row = jsonb_set(row, '{printed_name}', to_jsonb($3::text))
     WHERE tenant_id = $1 AND entity = 'signoff' AND row ->> 'signer_id' = $2`,
    [tenantId, user.id, user.display_name],
  );
  await tx.query("UPDATE sessions SET ip = NULL, user_agent = NULL, device_name = 'erased' WHERE tenant_id = $1 AND user_id = $2", [tenantId, user.id]);
}

function present(member: Member): UserWithMembership {
  return { user: toUserRow(member.user), membership: toMembershipRow(member.membership) };
}

export function registerUserRoutes(app: FastifyInstance, deps: AppDeps): void {
  tenantRoute(app, deps, {
    method: 'GET',
    url: '/v1/tenants/:tenantId/users',
    permission: { action: 'read', entity: 'user' },
    params: TenantParams,
    query: UsersQuerySchema,
    handler: async ({ tenantId, ability, query }) => {
      const filter = rowFilterFor(ability, 'read', 'user');
      const limit = query.limit ?? 100;
      const cursor = timeIdCursor(query.after);
      const { conditions, params, add } = whereBuilder('m.tenant_id = $1', tenantId);
      if (filter.kind === 'some') add('m.user_id = ?', filter.ownerId);
      if (query.status) add('u.status = ?', query.status);
      if (cursor) add('(m.created_at, m.user_id) > (?::timestamptz, ?::uuid)', cursor[0], cursor[1]);
      params.push(limit + 1);
      const rows = await deps.db.transaction({ tenantId }, (tx) =>
        tx.query<{ u: UserRecord; m: MembershipRecord }>(
          // The secret columns are left out of the row before it leaves the database.
          `SELECT to_jsonb(u) - 'password_hash' - 'totp_secret' AS u, to_jsonb(m) AS m FROM memberships m JOIN users u ON u.id = m.user_id
           WHERE ${conditions.join(' AND ')} ORDER BY m.created_at, m.user_id LIMIT $${params.length}`,
          params,
        ),
      );
      const items = rows.slice(0, limit).map((row) => present({ user: row.u, membership: row.m }));
      const last = rows.length > limit ? rows[limit - 1] : null;
      return { items, next: last ? encodeCursor([iso(last.m.created_at), last.m.user_id]) : null };
    },
  });

  tenantRoute(app, deps, {
    method: 'GET',
    url: '/v1/tenants/:tenantId/users/:userId',
    permission: { action: 'read', entity: 'user' },
    params: UserParams,
    handler: async ({ tenantId, ability, params }) => {
      const member = await deps.db.transaction({ tenantId }, (tx) => loadMember(tx, tenantId, params.userId));
      requireRowRight(ability, 'read', member, tenantId);
      return present(member);
    },
  });

  tenantRoute(app, deps, {
    method: 'POST',
    url: '/v1/tenants/:tenantId/users',
    permission: { action: 'manage', entity: 'user' },
    params: TenantParams,
    body: CreateUserRequestSchema,
    status: 201,
    handler: async ({ tenantId, ability, body, actor, now }): Promise<CreateUserResponse> => {
      if (!can(ability, 'manage', 'membership')) throw httpError('forbidden', { needs: { action: 'manage', entity: 'membership' } });
      weakPassword(body.password, { email: body.email, displayName: body.displayName });
      // Hash before the transaction: scrypt is slow on purpose and must not hold row locks.
      const passwordHash = await hashPassword(body.password, deps.scrypt);
      return deps.db.transaction({ tenantId }, async (tx) => {
        const role = await resolveRole(tx, body.role);
        if (body.areas) await requireAreas(tx, tenantId, body.areas);
        const created = await createMember(
          tx,
          tenantId,
          {
          email: body.email,
          displayName: body.displayName,
          passwordHash,
          role: role.org_role === 'custom' ? { customRoleId: role.custom_role_id as string } : role.org_role,
          areas: body.areas,
          moduleFlags: body.moduleFlags,
          now,
          },
          deps.signer.secretBox,
        );
        const member = { user: created.user, membership: created.membership };
        await recordMemberChange(tx, tenantId, actor, { action: 'user.created', ...member, diff: memberDiff(null, memberView(member.user, member.membership)), reason: body.reason }, now);
        return { ...present(member), enrollment: { otpauthUri: totpEnrollmentUri(created.totpSecret, created.user.email), secret: created.totpSecret } };
      });
    },
  });

  tenantRoute(app, deps, {
    method: 'PATCH',
    url: '/v1/tenants/:tenantId/users/:userId',
    permission: { action: 'manage', entity: 'user' },
    params: UserParams,
    body: UpdateUserRequestSchema,
    handler: async ({ tenantId, ability, params, body, actor, now }) => {
      const changesAccess = body.role !== undefined || body.areas !== undefined || body.moduleFlags !== undefined;
      if (changesAccess && !can(ability, 'manage', 'membership')) throw httpError('forbidden', { needs: { action: 'manage', entity: 'membership' } });
      return deps.db.transaction({ tenantId }, async (tx) => {
        const member = await loadMember(tx, tenantId, params.userId);
        requireRowRight(ability, 'manage', member, tenantId);
        const before = memberView(member.user, member.membership);
        let { user, membership } = member;

        if (body.status !== undefined || body.displayName !== undefined) requireHomeTenant(member, tenantId);
        if (body.status === 'active' && user.status === 'erased') throw httpError('conflict', { reason: 'an erased user cannot be reactivated' });
        const demotes = body.role !== undefined && body.role !== 'admin';
        if (body.status === 'deactivated' || demotes) await requireAnotherAdmin(tx, tenantId, member);
        if (body.areas) await requireAreas(tx, tenantId, body.areas);

        const userChanges: Parameters<typeof updateUser>[2] = {};
        if (body.status !== undefined && body.status !== user.status) userChanges.status = body.status;
        if (body.displayName !== undefined) userChanges.display_name = body.displayName;
        if (Object.keys(userChanges).length > 0) user = await updateUser(tx, user.id, userChanges, now);

        const membershipChanges: Parameters<typeof updateMembership>[3] = {};
        if (body.role !== undefined) Object.assign(membershipChanges, await resolveRole(tx, body.role));
        if (body.areas !== undefined) membershipChanges.areas = [...new Set(body.areas)];
        if (body.moduleFlags !== undefined) membershipChanges.module_flags = body.moduleFlags;
        if (Object.keys(membershipChanges).length > 0) membership = await updateMembership(tx, tenantId, user.id, membershipChanges, now);

        // A deactivated account keeps no open session anywhere in this tenant.
        if (userChanges.status === 'deactivated') await revokeUserSessions(tx, tenantId, user.id, actor.userId, 'user_deactivated', now);

        const diff = memberDiff(before, memberView(user, membership));
        const action = userChanges.status === 'deactivated' ? 'user.deactivated' : userChanges.status === 'active' ? 'user.reactivated' : 'user.updated';
        await recordMemberChange(tx, tenantId, actor, { action, user, membership, diff, reason: body.reason }, now);
        return present({ user, membership });
      });
    },
  });

  tenantRoute(app, deps, {
    method: 'POST',
    url: '/v1/tenants/:tenantId/users/:userId/unlock',
    permission: { action: 'manage', entity: 'user' },
    params: UserParams,
    body: OptionalReasonRequestSchema,
    handler: async ({ tenantId, ability, params, body, actor, now }) =>
      deps.db.transaction({ tenantId }, async (tx) => {
        const member = await loadMember(tx, tenantId, params.userId);
        requireRowRight(ability, 'manage', member, tenantId);
        const before = memberView(member.user, member.membership);
        const user = await updateUser(tx, member.user.id, { locked_at: null }, now);
        await clearAccountThrottle(tx, user.email);
        const diff = memberDiff(before, memberView(user, member.membership));
        await recordMemberChange(tx, tenantId, actor, { action: 'user.unlocked', user, membership: member.membership, diff, reason: body.reason }, now);
        return present({ user, membership: member.membership });
      }),
  });

  tenantRoute(app, deps, {
    method: 'POST',
    url: '/v1/tenants/:tenantId/users/:userId/erase',
    permission: { action: 'manage', entity: 'user' },
    params: UserParams,
    body: ReasonRequestSchema,
    handler: async ({ tenantId, ability, params, body, actor, now }) =>
      deps.db.transaction({ tenantId }, async (tx) => {
        const member = await loadMember(tx, tenantId, params.userId);
        requireRowRight(ability, 'manage', member, tenantId);
        requireHomeTenant(member, tenantId);
        await requireAnotherAdmin(tx, tenantId, member);
        // The identity is global: erase only when no other organisation still holds a membership.
        // (Binding the target's id widens visibility to their memberships for this one count.)
        await tx.bind({ tenantId, userId: member.user.id });
        const others = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM memberships WHERE user_id = $1 AND tenant_id <> $2', [member.user.id, tenantId]);
        await tx.bind({ tenantId });
        if (others[0].n > 0) throw httpError('conflict', { reason: 'the account is a member of another organisation' });

        const before = memberView(member.user, member.membership);
        const pseudonym = member.user.id.replaceAll('-', '').slice(0, 12);
        const user = await updateUser(
          tx,
          member.user.id,
          { email: `erased-${pseudonym}@erased.invalid`, display_name: `Erased user ${pseudonym.slice(0, 8)}`, status: 'erased', password_hash: null, totp_secret: null, locked_at: null, erased_at: now },
          now,
        );
        await pseudonymizeTraces(tx, tenantId, user);
        await revokeUserSessions(tx, tenantId, user.id, actor.userId, 'user_erased', now);
        const diff = memberDiff(before, memberView(user, member.membership));
        await recordMemberChange(tx, tenantId, actor, { action: 'user.erased', user, membership: member.membership, diff, reason: body.reason }, now);
        return present({ user, membership: member.membership });
      }),
  });

  tenantRoute(app, deps, {
    method: 'POST',
    url: '/v1/tenants/:tenantId/users/:userId/totp',
    permission: { action: 'manage', entity: 'user' },
    params: UserParams,
    body: OptionalReasonRequestSchema,
    handler: async ({ tenantId, ability, params, body, actor, now }) =>
      deps.db.transaction({ tenantId }, async (tx) => {
        const member = await loadMember(tx, tenantId, params.userId);
        requireRowRight(ability, 'manage', member, tenantId);
        requireHomeTenant(member, tenantId);
        if (member.user.status === 'erased') throw httpError('conflict', { reason: 'the account is erased' });
        const secret = newTotpSecret();
        const user = await updateUser(tx, member.user.id, { totp_secret: deps.signer.secretBox.seal(secret, member.user.id), totp_last_step: null }, now);
        await revokeUserSessions(tx, tenantId, user.id, actor.userId, 'totp_reset', now);
        await recordMemberChange(tx, tenantId, actor, { action: 'user.totp_reset', user, membership: member.membership, diff: { totp_secret: { before: '[secret]', after: '[secret]' } }, reason: body.reason }, now);
        return { ...present({ user, membership: member.membership }), enrollment: { otpauthUri: totpEnrollmentUri(secret, user.email), secret } };
      }),
  });

  tenantRoute(app, deps, {
    method: 'POST',
    url: '/v1/tenants/:tenantId/users/:userId/password',
    permission: { action: 'manage', entity: 'user' },
    params: UserParams,
    body: PasswordResetSchema,
    handler: async ({ tenantId, ability, params, body, actor, now }) => {
      const passwordHash = await hashPassword(body.password, deps.scrypt);
      return deps.db.transaction({ tenantId }, async (tx) => {
        const member = await loadMember(tx, tenantId, params.userId);
        requireRowRight(ability, 'manage', member, tenantId);
        requireHomeTenant(member, tenantId);
        if (member.user.status === 'erased') throw httpError('conflict', { reason: 'the account is erased' });
        weakPassword(body.password, { email: member.user.email, displayName: member.user.display_name });
        const user = await updateUser(tx, member.user.id, { password_hash: passwordHash }, now);
        await revokeUserSessions(tx, tenantId, user.id, actor.userId, 'password_reset', now);
        await recordMemberChange(tx, tenantId, actor, { action: 'user.password_reset', user, membership: member.membership, diff: { password: { before: '[secret]', after: '[secret]' } }, reason: body.reason }, now);
        return present({ user, membership: member.membership });
      });
    },
  });
}
