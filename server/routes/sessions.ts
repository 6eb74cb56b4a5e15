import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { RevokeUserSessionsQuerySchema, SessionsQuerySchema } from '../../shared/domain/admin';
import { memberSubject, rowFilterFor } from '../../shared/rbac';
import { memberScopeCondition, requireRowRight } from '../admin/admin-rights';
import { appendAudit } from '../audit/audit-log';
import { apiError } from '../errors';
import { timeIdCursor, whereBuilder } from '../http/list-query';
import { tenantRoute, type AppDeps } from '../http/route';
import { getMembership } from '../store/memberships';
import { encodeCursor, iso } from '../store/rows';
import { getSession, revokeSession, revokeUserSessions, toSessionRow, type SessionRecord } from '../store/sessions';
import { publishSessions } from '../feed/session-feed';
import { getTenant } from '../store/tenants';

const TenantParams = z.object({ tenantId: z.guid() }).strict();
const SessionParams = z.object({ tenantId: z.guid(), sessionId: z.guid() }).strict();

export function registerSessionRoutes(app: FastifyInstance, deps: AppDeps): void {
  tenantRoute(app, deps, {
    method: 'GET',
    url: '/v1/tenants/:tenantId/sessions',
    permission: { action: 'read', entity: 'session' },
    params: TenantParams,
    query: SessionsQuerySchema,
    handler: async ({ tenantId, ability, query, auth }) => {
      const filter = rowFilterFor(ability, 'read', 'session');
      const limit = query.limit ?? 100;
      const cursor = timeIdCursor(query.after);
      const { conditions, params, add } = whereBuilder('s.tenant_id = $1', tenantId);
      if (filter.kind === 'some') {
        // A session is in scope as its person is (their own; or every area of theirs is the reader's).
        const scope = memberScopeCondition(filter, { userId: 's.user_id', areas: 'm.areas' });
        add(scope.sql, ...scope.values);
      }
      if (query.userId) add('s.user_id = ?', query.userId);
      if (query.active === 'true') conditions.push('s.revoked_at IS NULL');
      if (query.active === 'false') conditions.push('s.revoked_at IS NOT NULL');
      if (cursor) add('(s.created_at, s.id) > (?::timestamptz, ?::uuid)', cursor[0], cursor[1]);
      params.push(limit + 1);
      const { rows, tenant } = await deps.db.transaction({ tenantId }, async (tx) => ({
        rows: await tx.query<SessionRecord & Record<string, unknown>>(
          `SELECT s.* FROM sessions s LEFT JOIN memberships m ON m.tenant_id = s.tenant_id AND m.user_id = s.user_id
           WHERE ${conditions.join(' AND ')} ORDER BY s.created_at, s.id LIMIT $${params.length}`,
          params,
        ),
        tenant: await getTenant(tx, tenantId),
      }));
      if (!tenant) throw apiError('not_found');
      const items = rows.slice(0, limit).map((row) => toSessionRow(row, tenant, auth.session.id));
      const last = rows.length > limit ? rows[limit - 1] : null;
      return { items, next: last ? encodeCursor([iso(last.created_at), last.id]) : null };
    },
  });

  tenantRoute(app, deps, {
    method: 'DELETE',
    url: '/v1/tenants/:tenantId/sessions/:sessionId',
    permission: { action: 'revoke', entity: 'session' },
    params: SessionParams,
    handler: async ({ tenantId, ability, params, actor, now, auth }) =>
      deps.db.transaction({ tenantId }, async (tx) => {
        const session = await getSession(tx, params.sessionId);
        if (!session || session.tenant_id !== tenantId) throw apiError('not_found');
        requireRowRight(ability, 'revoke', 'session', memberSubject(tenantId, session.user_id, await getMembership(tx, tenantId, session.user_id)));
        const revoked = await revokeSession(tx, session.id, actor.userId, 'revoked_by_admin', now);
        if (revoked) await publishSessions(tx, [revoked]);
        // Every accepted write is audited, even one that finds the session already ended (empty diff).
        const current = revoked ?? session;
        await appendAudit(tx, tenantId, actor, {
          action: 'session.revoked',
          entity: 'session',
          entityId: session.id,
          diff: revoked ? { revoked_at: { before: null, after: iso(now) } } : {},
        }, now);
        const tenant = await getTenant(tx, tenantId);
        return toSessionRow(current, tenant!, auth.session.id);
      }),
  });

  tenantRoute(app, deps, {
    method: 'DELETE',
    url: '/v1/tenants/:tenantId/sessions',
    permission: { action: 'revoke', entity: 'session' },
    params: TenantParams,
    query: RevokeUserSessionsQuerySchema,
    handler: async ({ tenantId, ability, query, actor, now }) =>
      deps.db.transaction({ tenantId }, async (tx) => {
        const membership = await getMembership(tx, tenantId, query.userId);
        if (!membership) throw apiError('not_found');
        requireRowRight(ability, 'revoke', 'session', memberSubject(tenantId, query.userId, membership));
        const ended = await revokeUserSessions(tx, tenantId, query.userId, actor.userId, 'revoked_by_admin', now);
        await publishSessions(tx, ended);
        const revoked = ended.length;
        await appendAudit(tx, tenantId, actor, {
          action: 'session.revoked_all',
          entity: 'user',
          entityId: query.userId,
          diff: { open_sessions: { before: revoked, after: 0 } },
        }, now);
        return { revoked };
      }),
  });
}
