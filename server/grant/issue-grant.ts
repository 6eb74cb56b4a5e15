import { randomUUID } from 'node:crypto';
import type { Grant, SignedGrant } from '../../shared/grant';
import type { Principal } from '../auth/principal';
import type { GrantSigner } from './signing-key';

/**
 * The offline grant for one session on one device: the principal's current rights, valid
 * until now + the tenant's offline hours, signed over its canonical JSON.
 */
export function issueGrant(signer: GrantSigner, principal: Principal, session: { id: string; deviceId: string }, now: Date): SignedGrant {
  const grant: Grant = {
    grantId: randomUUID(),
    version: 1,
    user: {
      id: principal.user.id,
      email: principal.user.email,
      displayName: principal.user.display_name,
      globalRole: principal.user.global_role,
    },
    tenant: { id: principal.tenant.id, name: principal.tenant.name },
    roles: {
      org: principal.membership?.org_role ?? null,
      customRoleId: principal.membership?.custom_role_id ?? null,
      global: principal.user.global_role,
    },
    rules: principal.ability.rules.map((rule) => ({ ...rule })),
    moduleFlags: principal.membership?.module_flags ?? { shift_logs: false, handovers: false, audit: false, users: false, exports: false },
    areas: [...principal.ability.areas],
    policyVersion: principal.policyVersion,
    deviceId: session.deviceId,
    sessionId: session.id,
    issuedAt: now.toISOString(),
    notAfter: new Date(now.getTime() + principal.tenant.offline_grant_hours * 3_600_000).toISOString(),
  };
  return signer.sign(grant);
}
