import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  CreateUserRequestSchema,
  OptionalReasonRequestSchema,
  ReasonRequestSchema,
  ResetUserRequestSchema,
  UpdateUserRequestSchema,
  UsersQuerySchema,
  type CreateUserResponse,
  type ResetUserResponse,
  type RoleChoice,
  type UserWithMembership,
} from '../../shared/domain/admin';
import { singleLine } from '../../shared/domain/common';
import { defaultModuleFlags, memberSubject, rowFilterFor, scopesFor, type Ability } from '../../shared/rbac';
import {
  memberScopeCondition,
  requireNotSelf,
  requireResultInScope,
  requireRowRight,
  requireWithinCeiling,
  rulesOfAssignment,
  type AccessAssignment,
} from '../admin/admin-rights';
import { otherTenantsOfPerson, forEachTenantOfPerson } from '../store/person-tenants';
import { createMember } from '../admin/provisioning';
import { memberDiff, memberView, recordMemberChange } from '../admin/user-view';
import { clearAccountThrottle } from '../auth/throttle';
import type { Tx } from '../db/database';
import { issueEnrolmentLink, mailEnrolmentLink, requestOrigin, type EnrolmentSettings } from '../enrolment/enrolment-links';
import { apiError } from '../errors';
import { timeIdCursor, whereBuilder } from '../http/list-query';
import { tenantRoute, type AppDeps } from '../http/route';
import { existingAreaIds } from '../store/areas';
import { revokeOpenEnrolmentLinks } from '../store/enrolment-links';
import { countOtherActiveAdmins, getMembership, toMembershipRow, updateMembership, type MembershipRecord } from '../store/memberships';
import { getRole } from '../store/roles';
import { encodeCursor, iso } from '../store/rows';
import { revokeUserSessions } from '../store/sessions';
import { publishSessions } from '../feed/session-feed';
import { getTenant } from '../store/tenants';
import { getUser, toUserRow, updateUser, type UserRecord } from '../store/users';

const UserParams = z.object({ tenantId: z.guid(), userId: z.guid() }).strict();
const TenantParams = z.object({ tenantId: z.guid() }).strict();
const StatedReason = singleLine(500, 3);

interface Member {
  user: UserRecord;
  membership: MembershipRecord;
}

/** A member of the bound tenant, locked for update; anyone else (other tenants) is not found. */
async function loadMember(tx: Tx, tenantId: string, userId: string): Promise<Member> {
  const membership = await getMembership(tx, tenantId, userId);
  const user = membership ? await getUser(tx, userId, { forUpdate: true }) : null;
  if (!membership || !user) throw apiError('not_found');
  return { user, membership };
}

/** The person as the subject of admin actions here: owned by them, in their membership's areas. */
const subjectOfMember = (tenantId: string, member: Member) => memberSubject(tenantId, member.user.id, member.membership);

/** What the person holds here now: nobody acts on someone who holds rights beyond their own. */
async function requireMemberWithinCeiling(tx: Tx, ability: Ability, member: Member) {
  requireWithinCeiling(ability, await rulesOfAssignment(tx, member.membership, member.user.global_role));
}

/** Row scope and ceiling for acting on an existing member (`manage` unless said otherwise). */
async function requireMemberRight(tx: Tx, ability: Ability, tenantId: string, member: Member, action: 'manage' | 'update' = 'manage') {
  requireRowRight(ability, action, 'user', subjectOfMember(tenantId, member));
  await requireMemberWithinCeiling(tx, ability, member);
}

/** Identity-wide changes (status, name, erasure) belong to the tenant that owns the identity. */
function requireHomeTenant(member: Member, tenantId: string) {
  if (member.user.home_tenant_id !== tenantId) throw apiError('not_home_tenant');
}

async function requireAnotherAdmin(tx: Tx, tenantId: string, member: Member) {
  if (member.membership.org_role === 'admin' && member.user.status === 'active' && (await countOtherActiveAdmins(tx, tenantId, member.user.id)) === 0) {
    throw apiError('last_admin');
  }
}

async function resolveRole(tx: Tx, role: RoleChoice): Promise<{ org_role: MembershipRecord['org_role']; custom_role_id: string | null }> {
  if (typeof role === 'string') return { org_role: role, custom_role_id: null };
  if (!(await getRole(tx, role.customRoleId))) throw apiError('invalid_request', { issues: [{ path: 'role.customRoleId', message: 'no such role in this organisation' }] });
  return { org_role: 'custom', custom_role_id: role.customRoleId };
}

async function requireAreas(tx: Tx, tenantId: string, areas: readonly string[]) {
  const found = await existingAreaIds(tx, tenantId, areas);
  const missing = areas.filter((id) => !found.has(id));
  if (missing.length > 0) throw apiError('invalid_request', { issues: [{ path: 'areas', message: `unknown areas: ${missing.slice(0, 5).join(', ')}` }] });
}

/**
 * Why a new or changed membership is out of the actor's scope, in their terms: someone who
 * manages by area may only give people areas they cover themselves.
 */
function outOfScope(ability: Ability, entity: 'user' | 'membership'): string | undefined {
  const scopes = scopesFor(ability, 'manage', entity);
  if (!scopes.includes('area') || scopes.includes('org')) return undefined;
  return 'You can only give people areas you cover yourself, and only manage people whose areas you all cover. Ask an admin of the whole organisation.';
}

/**
 * The reason a reset of a shared identity must state: the body's, or the support header's
 * (which the route already checked and audited for support reaching another tenant).
 */
function statedReason(bodyReason: string | undefined, request: FastifyRequest): string | null {
  if (bodyReason !== undefined) return bodyReason;
  const header = StatedReason.safeParse(request.headers['x-plantdesk-reason']?.toString().trim());
  return header.success ? header.data : null;
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
  // Sign-ins already published to workstations carry the device's name: replayed, it is gone too.
  await tx.query(
    `UPDATE change_log SET row = row || '{"device_name": "erased"}'::jsonb
     WHERE tenant_id = $1 AND entity = 'session' AND scope ->> 'user_id' = $2`,
    [tenantId, user.id],
  );
}

function present(member: Member): UserWithMembership {
  return { user: toUserRow(member.user), membership: toMembershipRow(member.membership) };
}

export function registerUserRoutes(app: FastifyInstance, deps: AppDeps, enrolment: EnrolmentSettings): void {
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
      if (filter.kind === 'some') {
        const scope = memberScopeCondition(filter, { userId: 'm.user_id', areas: 'm.areas' });
        add(scope.sql, ...scope.values);
      }
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
      requireRowRight(ability, 'read', 'user', subjectOfMember(tenantId, member));
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
    handler: async ({ tenantId, ability, body, actor, auth, request, now }): Promise<CreateUserResponse> => {
      // The new person, in the areas they are to cover (a fresh id: never the actor's own).
      const newcomer = { tenantId, ownerId: null, areaIds: body.areas ?? [] };
      requireResultInScope(ability, 'manage', 'user', newcomer, outOfScope(ability, 'user'));
      requireResultInScope(ability, 'manage', 'membership', newcomer, outOfScope(ability, 'membership'));
      const created = await deps.db.transaction({ tenantId }, async (tx) => {
        const role = await resolveRole(tx, body.role);
        if (body.areas) await requireAreas(tx, tenantId, body.areas);
        // A custom role starts with every module on (createMember): its own grants are the limit.
        const access: AccessAssignment = { ...role, module_flags: body.moduleFlags ?? defaultModuleFlags(role.org_role === 'custom' ? 'admin' : role.org_role) };
        requireWithinCeiling(ability, await rulesOfAssignment(tx, access, 'none'));
        const { user, membership } = await createMember(
          tx,
          tenantId,
          {
            email: body.email,
            displayName: body.displayName,
            passwordHash: null,
            role: body.role,
            areas: body.areas,
            moduleFlags: access.module_flags,
            now,
          },
          deps.signer.secretBox,
        );
        const link = await issueEnrolmentLink(tx, { tenantId }, { userId: user.id, createdBy: actor.userId, origin: requestOrigin(request), now, ttlMs: enrolment.ttlMs });
        await recordMemberChange(tx, tenantId, actor, { action: 'user.created', user, membership, diff: memberDiff(null, memberView(user, membership)), reason: body.reason }, now);
        return { answer: { ...present({ user, membership }), enrolment: link }, tenantName: (await getTenant(tx, tenantId))?.name ?? '' };
      });
      await mailEnrolment(created.answer, created.tenantName, auth.principal.user.display_name, request);
      return created.answer;
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
      // Nobody widens (or narrows) their own access: another admin has to.
      if (changesAccess) requireNotSelf(ability, params.userId);
      return deps.db.transaction({ tenantId }, async (tx) => {
        const member = await loadMember(tx, tenantId, params.userId);
        await requireMemberRight(tx, ability, tenantId, member);
        if (changesAccess) requireRowRight(ability, 'manage', 'membership', subjectOfMember(tenantId, member));
        const before = memberView(member.user, member.membership);
        let { user, membership } = member;

        if (body.status !== undefined || body.displayName !== undefined) requireHomeTenant(member, tenantId);
        if (body.status === 'active' && user.status === 'erased') throw apiError('conflict', { reason: 'an erased user cannot be reactivated' });
        const demotes = body.role !== undefined && body.role !== 'admin';
        if (body.status === 'deactivated' || demotes) await requireAnotherAdmin(tx, tenantId, member);
        if (body.areas) await requireAreas(tx, tenantId, body.areas);

        const membershipChanges: Parameters<typeof updateMembership>[3] = {};
        if (body.role !== undefined) Object.assign(membershipChanges, await resolveRole(tx, body.role));
        if (body.areas !== undefined) membershipChanges.areas = [...new Set(body.areas)];
        if (body.moduleFlags !== undefined) membershipChanges.module_flags = body.moduleFlags;
        if (changesAccess) {
          // The membership as it would be: still in the actor's scope, and within their rights.
          const after = { ...membership, ...membershipChanges };
          requireResultInScope(ability, 'manage', 'membership', memberSubject(tenantId, user.id, after), outOfScope(ability, 'membership'));
          requireWithinCeiling(ability, await rulesOfAssignment(tx, after, user.global_role));
        }

        const userChanges: Parameters<typeof updateUser>[2] = {};
        if (body.status !== undefined && body.status !== user.status) userChanges.status = body.status;
        if (body.displayName !== undefined) userChanges.display_name = body.displayName;
        if (Object.keys(userChanges).length > 0) user = await updateUser(tx, user.id, userChanges, now);
        if (Object.keys(membershipChanges).length > 0) membership = await updateMembership(tx, tenantId, user.id, membershipChanges, now);

        // A deactivated account keeps no open session anywhere in this tenant.
        if (userChanges.status === 'deactivated') await publishSessions(tx, await revokeUserSessions(tx, tenantId, user.id, actor.userId, 'user_deactivated', now));

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
        await requireMemberRight(tx, ability, tenantId, member);
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
        await requireMemberRight(tx, ability, tenantId, member);
        requireHomeTenant(member, tenantId);
        await requireAnotherAdmin(tx, tenantId, member);
        // The identity is global: erase only when no other organisation still holds a membership.
        if ((await otherTenantsOfPerson(tx, member.user.id, tenantId, { tenantId })).length > 0) {
          throw apiError('conflict', { reason: 'the account is a member of another organisation' });
        }

        const before = memberView(member.user, member.membership);
        const pseudonym = member.user.id.replaceAll('-', '').slice(0, 12);
        const user = await updateUser(
          tx,
          member.user.id,
          { email: `erased-${pseudonym}@erased.invalid`, display_name: `Erased user ${pseudonym.slice(0, 8)}`, status: 'erased', password_hash: null, totp_secret: null, locked_at: null, erased_at: now },
          now,
        );
        await pseudonymizeTraces(tx, tenantId, user);
        await publishSessions(tx, await revokeUserSessions(tx, tenantId, user.id, actor.userId, 'user_erased', now));
        await revokeOpenEnrolmentLinks(tx, user.id, 'user_erased', now);
        const diff = memberDiff(before, memberView(user, member.membership));
        await recordMemberChange(tx, tenantId, actor, { action: 'user.erased', user, membership: member.membership, diff, reason: body.reason }, now);
        return present({ user, membership: member.membership });
      }),
  });

  /**
   * Resetting a person's sign-in ("update" on user): their password and authenticator are
   * cleared, their sessions end everywhere, and they enrol again through a new link. Only for
   * a person who belongs to this tenant alone; anyone else's identity reaches into other
   * tenants, so only global support (or a superadmin) may, with a stated reason, audited in
   * every tenant the person belongs to. One's own password is changed at POST /v1/auth/password.
   */
  tenantRoute(app, deps, {
    method: 'POST',
    url: '/v1/tenants/:tenantId/users/:userId/reset',
    permission: { action: 'update', entity: 'user' },
    params: UserParams,
    body: ResetUserRequestSchema,
    handler: async ({ tenantId, ability, params, body, actor, auth, request, now }): Promise<ResetUserResponse> => {
      requireNotSelf(ability, params.userId);
      const reset = await deps.db.transaction({ tenantId }, async (tx) => {
        const member = await loadMember(tx, tenantId, params.userId);
        await requireMemberRight(tx, ability, tenantId, member, 'update');
        if (member.user.status !== 'active') throw apiError('conflict', { reason: `the account is ${member.user.status}` });
        const shared = member.user.home_tenant_id !== tenantId || (await otherTenantsOfPerson(tx, member.user.id, tenantId, { tenantId })).length > 0;
        const reason = statedReason(body.reason, request);
        if (shared) {
          if (auth.principal.user.global_role === 'none') throw apiError('shared_identity');
          if (reason === null) throw apiError('reason_required');
        }
        const hadFactors = { password: member.user.password_hash !== null, totp: member.user.totp_secret !== null };
        const user = await updateUser(tx, member.user.id, { password_hash: null, totp_secret: null, totp_last_step: null }, now);
        const link = await issueEnrolmentLink(tx, { tenantId }, { userId: user.id, createdBy: actor.userId, origin: requestOrigin(request), now, ttlMs: enrolment.ttlMs });
        const diff = {
          password: { before: hadFactors.password ? '[secret]' : null, after: null },
          totp_secret: { before: hadFactors.totp ? '[secret]' : null, after: null },
        };
        await forEachTenantOfPerson(tx, user.id, { tenantId }, async (membership) => {
          await publishSessions(tx, await revokeUserSessions(tx, membership.tenant_id, user.id, actor.userId, 'sign_in_reset', now));
          await recordMemberChange(tx, membership.tenant_id, actor, { action: 'user.reset', user, membership, diff, reason }, now);
        });
        return { answer: { ...present({ user, membership: member.membership }), enrolment: link }, tenantName: (await getTenant(tx, tenantId))?.name ?? '' };
      });
      await mailEnrolment(reset.answer, reset.tenantName, auth.principal.user.display_name, request);
      return reset.answer;
    },
  });

  /** After the link's transaction committed: by email where SMTP is configured. */
  function mailEnrolment(answer: CreateUserResponse, tenantName: string, createdBy: string, request: FastifyRequest) {
    return mailEnrolmentLink(enrolment, request.log, {
      to: answer.user.email,
      displayName: answer.user.display_name,
      tenantName,
      createdBy,
      link: answer.enrolment.link,
      expiresAt: new Date(answer.enrolment.expiresAt),
    });
  }
}
