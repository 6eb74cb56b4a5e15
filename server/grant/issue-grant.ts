import { randomUUID } from 'node:crypto';
import type { Grant, SignedGrant } from '../../shared/grant';
import type { Ability, ModuleFlags } from '../../shared/rbac';
import type { GrantSigner } from './signing-key';

/**
 * Whom a grant is for, with their rights now: what sign-in's principal carries, named here so
 * that issuing a grant depends on nothing of how a person signs in.
 */
export interface GrantSubject {
  user: { id: string; email: string; display_name: string; global_role: Grant['user']['globalRole'] };
  tenant: { id: string; name: string; offline_grant_hours: number };
  membership: { org_role: Grant['roles']['org']; custom_role_id: string | null; module_flags: ModuleFlags } | null;
  ability: Pick<Ability, 'rules' | 'areas'>;
  policyVersion: number;
}

/**
 * The offline grant for one session on one device: the principal's current rights, valid
 * until now + the tenant's offline hours, signed over its canonical JSON.
 */
export function issueGrant(signer: GrantSigner, principal: GrantSubject, session: { id: string; deviceId: string }, now: Date): SignedGrant {
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
