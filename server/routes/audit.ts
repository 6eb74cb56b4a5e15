import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AuditQuerySchema } from '../../shared/domain/audit';
import { rowFilterFor, scopesFor } from '../../shared/rbac';
import { listAuditEvents, verifyTenantChain } from '../audit/audit-query';
import { apiError } from '../errors';
import { tenantRoute, type AppDeps } from '../http/route';

const TenantParams = z.object({ tenantId: z.guid() }).strict();

export function registerAuditRoutes(app: FastifyInstance, deps: AppDeps): void {
  tenantRoute(app, deps, {
    method: 'GET',
    url: '/v1/tenants/:tenantId/audit',
    permission: { action: 'read', entity: 'audit_event' },
    params: TenantParams,
    query: AuditQuerySchema,
    handler: async ({ tenantId, ability, query }) => {
      const after = query.after === undefined ? undefined : Number(query.after);
      if (after !== undefined && !(Number.isSafeInteger(after) && after >= 0)) {
        throw apiError('invalid_request', { issues: [{ path: 'after', message: 'not a cursor from this list' }] });
      }
      const filter = rowFilterFor(ability, 'read', 'audit_event');
      const actorOnly = filter.kind === 'some' ? (filter.ownerId ?? ability.userId) : undefined;
      return deps.db.transaction({ tenantId }, (tx) => listAuditEvents(tx, tenantId, { ...query, after, actorOnly }));
    },
  });

  tenantRoute(app, deps, {
    method: 'GET',
    url: '/v1/tenants/:tenantId/audit/verify',
    permission: { action: 'read', entity: 'audit_event' },
    params: TenantParams,
    handler: async ({ tenantId, ability }) => {
      // Verifying needs every event of the tenant, so only org-wide (or global) readers may.
      const scopes = scopesFor(ability, 'read', 'audit_event');
      if (!scopes.includes('org') && !scopes.includes('global')) throw apiError('forbidden', { needs: { action: 'read', entity: 'audit_event', access: 'org' } });
      return verifyTenantChain(deps.db, tenantId);
    },
  });
}
