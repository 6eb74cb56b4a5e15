import { randomUUID } from 'node:crypto';
import { defaultModuleFlags, type ModuleFlags, type OrgRolePreset } from '../../shared/rbac';
import type { Database, Tx } from '../db/database';
import { apiError } from '../errors';
import { insertMembership, type MembershipRecord } from '../store/memberships';
import { appendChange } from '../feed/change-log';
import { getTenant, insertTenant, toSettingsRow } from '../store/tenants';
import { insertUser, type UserRecord } from '../store/users';
import type { SecretBox } from '../crypto/secret-box';
import { newTotpSecret } from '../crypto/totp';

/** Creating tenants and members: shared by the admin API, the demo seed and test fixtures. */

export async function createTenant(db: Database, tenant: { name: string; region?: string; now: Date; id?: string }): Promise<string> {
  const id = tenant.id ?? randomUUID();
  await db.transaction({ tenantId: id }, async (tx) => {
    await insertTenant(tx, { id, name: tenant.name, region: tenant.region, now: tenant.now });
    // The tenant's row opens its feed, so every workstation's cache knows the organisation's
    // name and settings from its first sync, not only after a settings change.
    const created = await getTenant(tx, id);
    await appendChange(tx, id, { entity: 'tenant_settings', entityId: id, op: 'upsert', row: toSettingsRow(created!), scope: {} });
  });
  return id;
}

export interface NewMember {
  email: string;
  displayName: string;
  /**
   * Null for everyone the admin API creates: the person sets their own password and
   * authenticator through an enrolment link. Only the demo seed and test fixtures, which must
   * hand out working credentials, pass a hash (and then get a TOTP secret back).
   */
  passwordHash: string | null;
  role: OrgRolePreset | { customRoleId: string };
  areas?: string[];
  moduleFlags?: ModuleFlags;
  now: Date;
}

/**
 * A new identity homed in the bound tenant and its membership; with a password hash also a
 * fresh TOTP secret (see NewMember.passwordHash). An email already used anywhere is refused.
 */
export async function createMember(
  tx: Tx,
  tenantId: string,
  member: NewMember & { passwordHash: string },
  secretBox: SecretBox,
): Promise<{ user: UserRecord; membership: MembershipRecord; totpSecret: string }>;
export async function createMember(tx: Tx, tenantId: string, member: NewMember, secretBox: SecretBox): Promise<{ user: UserRecord; membership: MembershipRecord; totpSecret: string | null }>;
export async function createMember(
  tx: Tx,
  tenantId: string,
  member: NewMember,
  secretBox: SecretBox,
): Promise<{ user: UserRecord; membership: MembershipRecord; totpSecret: string | null }> {
  const totpSecret = member.passwordHash === null ? null : newTotpSecret();
  const id = randomUUID();
  let user: UserRecord;
  try {
    user = await insertUser(tx, {
      id,
      homeTenantId: tenantId,
      email: member.email,
      displayName: member.displayName,
      passwordHash: member.passwordHash,
      sealedTotpSecret: totpSecret === null ? null : secretBox.seal(totpSecret, id),
      now: member.now,
    });
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw apiError('email_taken');
    throw error;
  }
  const preset = typeof member.role === 'string' ? member.role : null;
  const membership = await insertMembership(tx, {
    tenantId,
    userId: user.id,
    orgRole: preset ?? 'custom',
    customRoleId: preset ? null : (member.role as { customRoleId: string }).customRoleId,
    areas: member.areas ?? [],
    // A custom role starts with every module on: its own grants are the limit.
    moduleFlags: member.moduleFlags ?? defaultModuleFlags(preset ?? 'admin'),
    now: member.now,
  });
  return { user, membership, totpSecret };
}
