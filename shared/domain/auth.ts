import { z } from 'zod';
import { ServerKeySchema, SignedGrantSchema } from '../grant';
import { EmailSchema, Id, IsoInstant, singleLine, storableText } from './common';
import { MembershipSummarySchema, SessionRowSchema, UserRowSchema } from './tenancy';

/** Sign-in API (API.md): password step, then TOTP step, then a session and a signed grant. */

export const PASSWORD_MIN_CODE_POINTS = 12;
export const PASSWORD_MAX_CODE_POINTS = 128;

/** Passwords are compared after NFKC so the same characters typed on any keyboard match. */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/** The length rule of the policy; the server also refuses common and breached passwords. */
export function passwordLengthProblem(password: string): string | null {
  const length = [...normalizePassword(password)].length;
  if (length < PASSWORD_MIN_CODE_POINTS) return `use at least ${PASSWORD_MIN_CODE_POINTS} characters`;
  if (length > PASSWORD_MAX_CODE_POINTS) return `use at most ${PASSWORD_MAX_CODE_POINTS} characters`;
  return null;
}

/** A new password (user creation, reset). Policy beyond length is checked on the server. */
export const NewPasswordSchema = storableText(4 * PASSWORD_MAX_CODE_POINTS).superRefine((value, context) => {
  const problem = passwordLengthProblem(value);
  if (problem) context.addIssue({ code: 'custom', message: problem });
});

export const DeviceIdSchema = singleLine(200);

export const LoginRequestSchema = z
  .object({
    email: EmailSchema,
    // Sign-in accepts any stored password; only the upper bound protects the hash function.
    password: storableText(1024, 1),
    deviceId: DeviceIdSchema,
    deviceName: singleLine(200),
    /** Which organisation to open when the user belongs to several; defaults to the first. */
    tenantId: Id.optional(),
  })
  .strict();
export type LoginRequest = z.input<typeof LoginRequestSchema>;

export const LoginChallengeSchema = z.object({ challengeId: z.string().min(1) }).strict();
export type LoginChallenge = z.infer<typeof LoginChallengeSchema>;

export const TotpRequestSchema = z
  .object({
    challengeId: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    code: z.string().regex(/^\d{6}$/),
  })
  .strict();
export type TotpRequest = z.infer<typeof TotpRequestSchema>;

export const SignInResponseSchema = z
  .object({
    token: z.string().min(1),
    user: UserRowSchema,
    memberships: z.array(MembershipSummarySchema),
    grant: SignedGrantSchema,
    serverKey: ServerKeySchema,
  })
  .strict();
export type SignInResponse = z.infer<typeof SignInResponseSchema>;

/** GET /v1/auth/session: who the token belongs to, with a freshly signed grant. */
export const SessionInfoResponseSchema = z
  .object({
    session: SessionRowSchema,
    user: UserRowSchema,
    memberships: z.array(MembershipSummarySchema),
    grant: SignedGrantSchema,
    serverTime: IsoInstant,
  })
  .strict();
export type SessionInfoResponse = z.infer<typeof SessionInfoResponseSchema>;

/** What an admin receives once when creating a user: the authenticator enrolment. */
export const TotpEnrollmentSchema = z
  .object({
    otpauthUri: z.string().startsWith('otpauth://totp/'),
    secret: z.string().regex(/^[A-Z2-7]+=*$/),
  })
  .strict();
export type TotpEnrollment = z.infer<typeof TotpEnrollmentSchema>;
