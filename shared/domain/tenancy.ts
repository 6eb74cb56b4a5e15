import { z } from 'zod';
import { CustomRoleRuleSchema, globalRoles, ModuleFlagsSchema, orgRolePresets } from '../rbac';
import { Id, IsoInstant, singleLine, textLimits } from './common';

/** DOMAIN.md "Tenancy and people": rows as the server stores them (secrets never leave it). */

export const userStatuses = ['active', 'deactivated', 'erased'] as const;
export type UserStatus = (typeof userStatuses)[number];

export const orgRoles = [...orgRolePresets, 'custom'] as const;

export const TenantSettingsRowSchema = z
  .object({
    tenant_id: Id,
    offline_grant_hours: z.number().int(),
    session_idle_minutes: z.number().int(),
    session_absolute_hours: z.number().int(),
    lockout_threshold: z.number().int(),
    retention_days: z.number().int(),
    version: z.number().int(),
    updated_at: IsoInstant,
  })
  .strict();
export type TenantSettingsRow = z.infer<typeof TenantSettingsRowSchema>;

/**
 * Consecutive failed sign-in attempts (passwords and codes together) that lock an account. Below
 * 100 whatever a tenant sets (NIST SP 800-63B 5.2.2); the server caps it there too.
 */
export const LOCKOUT_THRESHOLD_MIN = 1;
export const LOCKOUT_THRESHOLD_MAX = 99;

/** Bounds an admin may set; the server refuses anything outside them. */
export const TenantSettingsPatchSchema = z
  .object({
    offlineGrantHours: z.number().int().min(1).max(24 * 30),
    sessionIdleMinutes: z.number().int().min(1).max(24 * 60),
    sessionAbsoluteHours: z.number().int().min(1).max(24 * 30),
    lockoutThreshold: z.number().int().min(LOCKOUT_THRESHOLD_MIN).max(LOCKOUT_THRESHOLD_MAX),
    retentionDays: z.number().int().min(30).max(365 * 50),
    reason: singleLine(textLimits.adminReason).optional(),
  })
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).some((key) => key !== 'reason'), { message: 'change at least one setting' });
export type TenantSettingsPatch = z.infer<typeof TenantSettingsPatchSchema>;

export const TenantRowSchema = z.object({ id: Id, name: z.string(), region: z.string() }).strict();
export type TenantRow = z.infer<typeof TenantRowSchema>;

/** A user as tenant admins and the user themself see it. */
export const UserRowSchema = z
  .object({
    id: Id,
    email: z.string(),
    display_name: z.string(),
    status: z.enum(userStatuses),
    global_role: z.enum(globalRoles),
    home_tenant_id: Id.nullable(),
    locked: z.boolean(),
    created_at: IsoInstant,
    updated_at: IsoInstant,
  })
  .strict();
export type UserRow = z.infer<typeof UserRowSchema>;

export const MembershipRowSchema = z
  .object({
    tenant_id: Id,
    user_id: Id,
    org_role: z.enum(orgRoles),
    custom_role_id: Id.nullable(),
    areas: z.array(Id),
    module_flags: ModuleFlagsSchema,
    policy_version: z.number().int(),
    created_at: IsoInstant,
    updated_at: IsoInstant,
  })
  .strict();
export type MembershipRow = z.infer<typeof MembershipRowSchema>;

/** One membership as the sign-in answer lists it: the row plus the tenant's name. */
export const MembershipSummarySchema = MembershipRowSchema.extend({ tenant_name: z.string() }).strict();
export type MembershipSummary = z.infer<typeof MembershipSummarySchema>;

export const RoleRowSchema = z
  .object({
    tenant_id: Id,
    id: Id,
    name: z.string(),
    grants: z.array(CustomRoleRuleSchema),
    version: z.number().int(),
    created_at: IsoInstant,
    updated_at: IsoInstant,
  })
  .strict();
export type RoleRow = z.infer<typeof RoleRowSchema>;

export const SessionRowSchema = z
  .object({
    id: Id,
    tenant_id: Id,
    user_id: Id,
    created_at: IsoInstant,
    last_seen_at: IsoInstant,
    idle_expires_at: IsoInstant,
    absolute_expires_at: IsoInstant,
    ip: z.string().nullable(),
    device_id: z.string(),
    device_name: z.string(),
    user_agent: z.string().nullable(),
    revoked_at: IsoInstant.nullable(),
    revoked_by: Id.nullable(),
    revoke_reason: z.string().nullable(),
    current: z.boolean(),
  })
  .strict();
export type SessionRow = z.infer<typeof SessionRowSchema>;
