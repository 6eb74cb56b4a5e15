import { z } from 'zod';
import { ModuleFlagsSchema, orgRolePresets, RoleGrantSchema } from '../rbac';
import { EmailSchema, Id, IsoInstant, PageQuery, pageOf, singleLine, textLimits } from './common';
import { MembershipRowSchema, orgRoles, RoleRowSchema, SessionRowSchema, UserRowSchema, userStatuses } from './tenancy';

/** Tenant admin API (API.md): users, roles, sessions. Bodies camelCase, rows snake_case. */

const Reason = singleLine(textLimits.adminReason);

/** An org role as a request names it: a preset, or a custom role by id. */
export const RoleChoiceSchema = z.union([
  z.enum(orgRolePresets),
  z.object({ customRoleId: Id }).strict(),
]);
export type RoleChoice = z.infer<typeof RoleChoiceSchema>;

/** Creating a person never sets their password or authenticator: they enrol through a link. */
export const CreateUserRequestSchema = z
  .object({
    email: EmailSchema,
    displayName: singleLine(200),
    role: RoleChoiceSchema,
    areas: z.array(Id).max(500).optional(),
    moduleFlags: ModuleFlagsSchema.optional(),
    reason: Reason.optional(),
  })
  .strict();
export type CreateUserRequest = z.input<typeof CreateUserRequestSchema>;

export const UserWithMembershipSchema = z.object({ user: UserRowSchema, membership: MembershipRowSchema }).strict();
export type UserWithMembership = z.infer<typeof UserWithMembershipSchema>;

/**
 * The one-time link the person enrols with (`<server>/enrol#<token>`), shown to the admin once:
 * the server keeps only a hash of the token.
 */
export const EnrolmentLinkSchema = z.object({ link: z.url(), expiresAt: IsoInstant }).strict();
export type EnrolmentLink = z.infer<typeof EnrolmentLinkSchema>;

/** The answer to creating (201) or resetting (200) a person. */
export const UserEnrolmentResponseSchema = UserWithMembershipSchema.extend({ enrolment: EnrolmentLinkSchema }).strict();
export type UserEnrolmentResponse = z.infer<typeof UserEnrolmentResponseSchema>;

export const CreateUserResponseSchema = UserEnrolmentResponseSchema;
export type CreateUserResponse = UserEnrolmentResponse;

/**
 * POST /tenants/:id/users/:uid/reset: clears the person's password and authenticator, ends their
 * sessions and answers with a new enrolment link (UserEnrolmentResponse).
 */
export const ResetUserRequestSchema = z.object({ reason: Reason.optional() }).strict();
export const ResetUserResponseSchema = UserEnrolmentResponseSchema;
export type ResetUserResponse = UserEnrolmentResponse;

export const UpdateUserRequestSchema = z
  .object({
    status: z.enum(['active', 'deactivated']),
    displayName: singleLine(200),
    role: RoleChoiceSchema,
    areas: z.array(Id).max(500),
    moduleFlags: ModuleFlagsSchema,
    reason: Reason,
  })
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).some((key) => key !== 'reason'), { message: 'change at least one field' });
export type UpdateUserRequest = z.infer<typeof UpdateUserRequestSchema>;

export const ReasonRequestSchema = z.object({ reason: Reason }).strict();
export const OptionalReasonRequestSchema = z.object({ reason: Reason.optional() }).strict();

export const UsersQuerySchema = PageQuery.extend({ status: z.enum(userStatuses).optional() }).strict();
export const UsersPageSchema = pageOf(UserWithMembershipSchema);

export const SessionsQuerySchema = PageQuery.extend({
  userId: Id.optional(),
  active: z.enum(['true', 'false']).optional(),
}).strict();
export const SessionsPageSchema = pageOf(SessionRowSchema);

/** DELETE /tenants/:id/sessions?userId=UID: end every session of one user. */
export const RevokeUserSessionsQuerySchema = z.object({ userId: Id }).strict();
export const RevokedCountSchema = z.object({ revoked: z.number().int() }).strict();

export const CreateRoleRequestSchema = z
  .object({ name: singleLine(100), grants: z.array(RoleGrantSchema).max(500), reason: Reason.optional() })
  .strict();
export const UpdateRoleRequestSchema = z
  .object({ name: singleLine(100), grants: z.array(RoleGrantSchema).max(500), reason: Reason })
  .partial()
  .strict()
  .refine((patch) => patch.name !== undefined || patch.grants !== undefined, { message: 'change the name or the grants' });
export const RolesPageSchema = pageOf(RoleRowSchema);

export { orgRoles };
