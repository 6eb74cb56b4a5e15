import type { FastifyInstance } from 'fastify';
import {
  ChangePasswordRequestSchema,
  CompleteEnrolmentRequestSchema,
  EnrolmentRequestSchema,
  LoginRequestSchema,
  TotpRequestSchema,
  type SessionInfoResponse,
} from '../../shared/domain/auth';
import { appendAudit } from '../audit/audit-log';
import { changeOwnPassword } from '../auth/change-password';
import { startSignIn, completeSignIn } from '../auth/sign-in';
import { completeEnrolment, openEnrolment } from '../enrolment/enrol-person';
import { issueGrant } from '../grant/issue-grant';
import { publicRoute, sessionRoute, type AppDeps } from '../http/route';
import { listMembershipsOfUser, toMembershipSummary } from '../store/memberships';
import { getSession, revokeSession, toSessionRow } from '../store/sessions';
import { publishSessions } from '../feed/session-feed';
import { toUserRow } from '../store/users';

export function registerAuthRoutes(app: FastifyInstance, deps: AppDeps): void {
  publicRoute(app, deps, {
    method: 'POST',
    url: '/v1/auth/login',
    body: LoginRequestSchema,
    handler: ({ body, meta }) => startSignIn(deps, body, meta),
  });

  publicRoute(app, deps, {
    method: 'POST',
    url: '/v1/auth/totp',
    body: TotpRequestSchema,
    handler: ({ body, meta }) => completeSignIn(deps, body, meta),
  });

  // People own their factors: a one-time link from an admin, opened and completed by the person.
  publicRoute(app, deps, {
    method: 'POST',
    url: '/v1/auth/enrolment',
    body: EnrolmentRequestSchema,
    handler: ({ body, meta }) => openEnrolment(deps, body.token, meta),
  });

  publicRoute(app, deps, {
    method: 'POST',
    url: '/v1/auth/enrolment/complete',
    body: CompleteEnrolmentRequestSchema,
    handler: ({ body, meta }) => completeEnrolment(deps, body, meta),
  });

  sessionRoute(app, deps, {
    method: 'POST',
    url: '/v1/auth/password',
    body: ChangePasswordRequestSchema,
    status: 204,
    handler: ({ auth, actor, body, meta, now }) => changeOwnPassword(deps, auth, actor, body, meta, now),
  });

  publicRoute(app, deps, {
    method: 'GET',
    url: '/v1/keys/grant',
    handler: async () => deps.signer.serverKey,
  });

  sessionRoute(app, deps, {
    method: 'POST',
    url: '/v1/auth/logout',
    status: 204,
    handler: async ({ auth, actor, now }) => {
      const tenantId = auth.session.tenant_id;
      await deps.db.transaction({ tenantId }, async (tx) => {
        const ended = await revokeSession(tx, auth.session.id, auth.principal.user.id, 'logout', now);
        if (ended) await publishSessions(tx, [ended]);
        await appendAudit(tx, tenantId, actor, {
          action: 'session.logout',
          entity: 'session',
          entityId: auth.session.id,
          diff: { revoked_at: { before: null, after: now.toISOString() } },
        }, now);
      });
    },
  });

  sessionRoute(app, deps, {
    method: 'GET',
    url: '/v1/auth/session',
    handler: async ({ auth, now }): Promise<SessionInfoResponse> => {
      const { principal } = auth;
      const { session, memberships } = await deps.db.transaction({ tenantId: principal.tenant.id, userId: principal.user.id }, async (tx) => ({
        session: await getSession(tx, auth.session.id),
        memberships: await listMembershipsOfUser(tx, principal.user.id),
      }));
      return {
        session: toSessionRow(session ?? auth.session, principal.tenant, auth.session.id),
        user: toUserRow(principal.user),
        memberships: memberships.map(toMembershipSummary),
        grant: issueGrant(deps.signer, principal, { id: auth.session.id, deviceId: auth.session.device_id }, now),
        serverTime: now.toISOString(),
      };
    },
  });
}
