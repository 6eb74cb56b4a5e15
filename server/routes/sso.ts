import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  SsoConfigQuerySchema,
  SsoConnectionTestRequestSchema,
  SsoDevicePollRequestSchema,
  SsoDeviceStartRequestSchema,
  SsoExchangeRequestSchema,
  SsoSettingsPatchSchema,
  type SsoConfigResponse,
  type SsoSettingsRow,
} from '../../shared/domain/sso';
import { subjectOf } from '../../shared/rbac';
import { requireRowRight } from '../admin/admin-rights';
import { appendAudit } from '../audit/audit-log';
import { fieldDiff } from '../audit/diff';
import { apiError } from '../errors';
import { publicRoute, tenantRoute, type AppDeps } from '../http/route';
import { clientSecretContext } from '../sso/oidc-client';
import { testSsoConnection } from '../sso/connection-test';
import { exchangeSsoCode, pollSsoDeviceSignIn, ssoScopes, startSsoDeviceSignIn } from '../sso/sso-sign-in';
import { findSsoSettingsByDomain, getSsoSettings, saveSsoSettings, toSsoSettingsRow, type SsoSettingsValues } from '../store/sso';
import { getTenant } from '../store/tenants';

const TenantParams = z.object({ tenantId: z.guid() }).strict();
const manageSettings = { action: 'manage', entity: 'tenant_settings' } as const;
const settingsSubject = (tenantId: string) => subjectOf('tenant_settings', { tenant_id: tenantId });

/** The audited view of the settings: the secret only as whether it is set. */
function auditedView(row: SsoSettingsRow): Record<string, unknown> {
  const { version: _version, updatedAt: _updatedAt, tenantId: _tenantId, ...rest } = row;
  return rest;
}

export function registerSsoRoutes(app: FastifyInstance, deps: AppDeps): void {
  // Before sign-in: which provider, client and scopes the app's browser part should use.
  publicRoute(app, deps, {
    method: 'GET',
    url: '/v1/auth/sso/config',
    query: SsoConfigQuerySchema,
    handler: async ({ query }): Promise<SsoConfigResponse> => {
      const found = query.tenant
        ? await deps.db.transaction({ tenantId: query.tenant }, async (tx) => {
            const settings = await getSsoSettings(tx, query.tenant!);
            const tenant = settings?.enabled ? await getTenant(tx, query.tenant!) : null;
            return settings && tenant ? [{ ...settings, tenant_name: tenant.name }] : [];
          })
        : await (async () => {
            const domain = query.email!.slice(query.email!.lastIndexOf('@') + 1);
            return deps.db.transaction({ ssoDomain: domain }, (tx) => findSsoSettingsByDomain(tx, domain));
          })();
      if (found.length === 0) throw apiError('sso_not_configured');
      return {
        providers: found.map((settings) => ({
          tenantId: settings.tenant_id,
          tenantName: settings.tenant_name,
          issuer: settings.issuer,
          clientId: settings.client_id,
          scopes: ssoScopes(settings),
          ssoRequired: settings.sso_required,
        })),
      };
    },
  });

  publicRoute(app, deps, {
    method: 'POST',
    url: '/v1/auth/sso/exchange',
    body: SsoExchangeRequestSchema,
    handler: ({ body, meta }) => exchangeSsoCode(deps, body, meta),
  });

  publicRoute(app, deps, {
    method: 'POST',
    url: '/v1/auth/sso/device',
    body: SsoDeviceStartRequestSchema,
    handler: ({ body, meta }) => startSsoDeviceSignIn(deps, body, meta),
  });

  publicRoute(app, deps, {
    method: 'POST',
    url: '/v1/auth/sso/device/poll',
    body: SsoDevicePollRequestSchema,
    handler: ({ body, meta }) => pollSsoDeviceSignIn(deps, body, meta),
  });

  tenantRoute(app, deps, {
    method: 'GET',
    url: '/v1/tenants/:tenantId/sso',
    permission: manageSettings,
    params: TenantParams,
    handler: async ({ tenantId, ability }) => {
      requireRowRight(ability, 'manage', 'tenant_settings', settingsSubject(tenantId));
      return deps.db.transaction({ tenantId }, async (tx) => toSsoSettingsRow(tenantId, await getSsoSettings(tx, tenantId)));
    },
  });

  tenantRoute(app, deps, {
    method: 'PATCH',
    url: '/v1/tenants/:tenantId/sso',
    permission: manageSettings,
    params: TenantParams,
    body: SsoSettingsPatchSchema,
    handler: async ({ tenantId, ability, body, actor, now }) =>
      deps.db.transaction({ tenantId }, async (tx) => {
        requireRowRight(ability, 'manage', 'tenant_settings', settingsSubject(tenantId));
        const before = await getSsoSettings(tx, tenantId, { forUpdate: true });
        const { reason, clientSecret, ...patch } = body;
        const issuer = patch.issuer ?? before?.issuer;
        const clientId = patch.clientId ?? before?.client_id;
        if (!issuer || !clientId) throw apiError('invalid_request', { issues: [{ path: 'issuer', message: 'the first settings name the issuer and the client id' }] });
        const values: SsoSettingsValues = {
          enabled: patch.enabled ?? before?.enabled ?? false,
          issuer,
          client_id: clientId,
          client_secret_sealed:
            clientSecret === undefined ? (before?.client_secret_sealed ?? null) : clientSecret === null ? null : deps.signer.secretBox.seal(clientSecret, clientSecretContext(tenantId)),
          allowed_domains: patch.allowedDomains ? [...new Set(patch.allowedDomains)] : (before?.allowed_domains ?? []),
          groups_claim: patch.groupsClaim !== undefined ? patch.groupsClaim : (before?.groups_claim ?? null),
          group_roles: patch.groupRoles ?? before?.group_roles ?? {},
          sso_required: patch.ssoRequired ?? before?.sso_required ?? false,
          break_glass_user_ids: patch.breakGlassUserIds ? [...new Set(patch.breakGlassUserIds)] : (before?.break_glass_user_ids ?? []),
          create_members: patch.createMembers ?? before?.create_members ?? false,
          default_role: patch.defaultRole ?? before?.default_role ?? 'viewer',
        };
        if (values.sso_required && !values.enabled) throw apiError('invalid_request', { issues: [{ path: 'ssoRequired', message: 'single sign-on must be enabled to be required' }] });
        // Break-glass accounts must be able to act: active admins of this tenant.
        if (values.break_glass_user_ids.length > 0) {
          const admins = await tx.query<{ user_id: string }>(
            `SELECT m.user_id FROM memberships m JOIN users u ON u.id = m.user_id
             WHERE m.tenant_id = $1 AND m.org_role = 'admin' AND u.status = 'active' AND m.user_id = ANY($2::uuid[])`,
            [tenantId, values.break_glass_user_ids],
          );
          const ok = new Set(admins.map((row) => row.user_id));
          const notAdmins = values.break_glass_user_ids.filter((id) => !ok.has(id));
          if (notAdmins.length > 0) throw apiError('invalid_request', { issues: [{ path: 'breakGlassUserIds', message: 'break-glass accounts must be active admins of this organisation' }], notAdmins });
        }
        const after = await saveSsoSettings(tx, tenantId, values, now);
        const diff = fieldDiff(before ? auditedView(toSsoSettingsRow(tenantId, before)) : null, auditedView(toSsoSettingsRow(tenantId, after)));
        // A replaced secret shows as replaced, never as its value.
        if (clientSecret !== undefined) diff.clientSecret = { before: before?.client_secret_sealed ? '(set)' : null, after: clientSecret === null ? null : '(replaced)' };
        await appendAudit(tx, tenantId, actor, { action: 'sso_settings.updated', entity: 'tenant_settings', entityId: tenantId, diff, reason: reason ?? null }, now);
        return toSsoSettingsRow(tenantId, after);
      }),
  });

  tenantRoute(app, deps, {
    method: 'POST',
    url: '/v1/tenants/:tenantId/sso/test',
    permission: manageSettings,
    params: TenantParams,
    body: SsoConnectionTestRequestSchema,
    handler: async ({ tenantId, ability, body, actor, now }) => {
      requireRowRight(ability, 'manage', 'tenant_settings', settingsSubject(tenantId));
      const saved = await deps.db.transaction({ tenantId }, (tx) => getSsoSettings(tx, tenantId));
      const issuer = body.issuer ?? saved?.issuer;
      const clientId = body.clientId ?? saved?.client_id ?? 'plantdesk-connection-test';
      if (!issuer) throw apiError('sso_not_configured');
      const result = await testSsoConnection(issuer, clientId);
      // The server fetched an address an admin gave it: who asked for which, and what came back, is on record.
      await deps.db.transaction({ tenantId }, (tx) =>
        appendAudit(tx, tenantId, actor, { action: 'sso_settings.tested', entity: 'tenant_settings', entityId: tenantId, diff: { issuer: { before: null, after: issuer }, problems: { before: null, after: result.problems.map((problem) => problem.code) } } }, now),
      );
      return result;
    },
  });
}
