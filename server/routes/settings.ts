import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { TenantSettingsPatchSchema } from '../../shared/domain/tenancy';
import { subjectOf } from '../../shared/rbac';
import { requireRowRight } from '../admin/admin-rights';
import { appendAudit } from '../audit/audit-log';
import { fieldDiff } from '../audit/diff';
import { apiError } from '../errors';
import { tenantRoute, type AppDeps } from '../http/route';
import { appendChange } from '../feed/change-log';
import { closeExpiredSessions } from '../store/sessions';
import { getTenant, toSettingsRow, updateTenantSettings } from '../store/tenants';

const TenantParams = z.object({ tenantId: z.guid() }).strict();

/** The settings are the tenant's own row: only org (or global) scope reaches them. */
const settingsSubject = (tenantId: string) => subjectOf('tenant_settings', { tenant_id: tenantId });

export function registerSettingsRoutes(app: FastifyInstance, deps: AppDeps): void {
  tenantRoute(app, deps, {
    method: 'GET',
    url: '/v1/tenants/:tenantId/settings',
    permission: { action: 'read', entity: 'tenant_settings' },
    params: TenantParams,
    handler: async ({ tenantId, ability }) => {
      requireRowRight(ability, 'read', 'tenant_settings', settingsSubject(tenantId));
      const tenant = await deps.db.transaction({ tenantId }, (tx) => getTenant(tx, tenantId));
      if (!tenant) throw apiError('not_found');
      return toSettingsRow(tenant);
    },
  });

  tenantRoute(app, deps, {
    method: 'PATCH',
    url: '/v1/tenants/:tenantId/settings',
    permission: { action: 'update', entity: 'tenant_settings' },
    params: TenantParams,
    body: TenantSettingsPatchSchema,
    handler: async ({ tenantId, ability, body, actor, now }) =>
      deps.db.transaction({ tenantId }, async (tx) => {
        requireRowRight(ability, 'update', 'tenant_settings', settingsSubject(tenantId));
        const before = await getTenant(tx, tenantId);
        if (!before) throw apiError('not_found');
        const { reason, ...changes } = body;
        // Sessions that ended under the old timeouts stay ended under the new ones.
        await closeExpiredSessions(tx, tenantId, before, now);
        const after = await updateTenantSettings(tx, tenantId, changes, now);
        const { version: _before, updated_at: _b, ...beforeRow } = toSettingsRow(before);
        const { version: _after, updated_at: _a, ...afterRow } = toSettingsRow(after);
        await appendAudit(tx, tenantId, actor, { action: 'tenant_settings.updated', entity: 'tenant_settings', entityId: tenantId, diff: fieldDiff(beforeRow, afterRow), reason: reason ?? null }, now);
        await appendChange(tx, tenantId, { entity: 'tenant_settings', entityId: tenantId, op: 'upsert', row: toSettingsRow(after), scope: {} });
        return toSettingsRow(after);
      }),
  });
}
