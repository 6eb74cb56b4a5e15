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

/**
 * The rules of the password policy that need no list: length, more than a few different
 * characters, not built from the person's email or name. The server adds its list of common and
 * breached passwords; the workstation applies these to a local unlock passphrase.
 */
export function passwordRuleProblem(password: string, person: { email?: string; displayName?: string } = {}): string | null {
  const lengthProblem = passwordLengthProblem(password);
  if (lengthProblem) return lengthProblem;
  const normalized = normalizePassword(password).toLowerCase();
  if (new Set(normalized).size < 4) return 'use more than a few different characters';
  const localPart = person.email?.split('@')[0]?.toLowerCase() ?? '';
  if (localPart.length >= 4 && normalized.includes(localPart)) return 'do not build the password from your email address';
  const name = person.displayName?.toLowerCase().replace(/\s+/g, '') ?? '';
  if (name.length >= 4 && normalized.replace(/\s+/g, '').includes(name)) return 'do not build the password from your name';
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

/** An authenticator enrolment: shown only to the person enrolling, never to an admin. */
export const TotpEnrollmentSchema = z
  .object({
    otpauthUri: z.string().startsWith('otpauth://totp/'),
    secret: z.string().regex(/^[A-Z2-7]+=*$/),
  })
  .strict();
export type TotpEnrollment = z.infer<typeof TotpEnrollmentSchema>;

/**
 * People own their factors: an admin creating or resetting a person gets a one-time link
 * `<server>/enrol#<token>`; the person opens it, gets an authenticator secret, and completes it
 * with their own password and a code. The token is 256 random bits, base64url.
 */
export const EnrolmentTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** Any password the person types; the policy (length included) answers `weak_password`. */
const ChosenPasswordSchema = storableText(4 * PASSWORD_MAX_CODE_POINTS, 1);

/** POST /v1/auth/enrolment: what the link is for, and a fresh authenticator secret. */
export const EnrolmentRequestSchema = z.object({ token: EnrolmentTokenSchema }).strict();
export type EnrolmentRequest = z.infer<typeof EnrolmentRequestSchema>;

export const EnrolmentInfoResponseSchema = z
  .object({
    email: z.string(),
    displayName: z.string(),
    tenantName: z.string(),
    expiresAt: IsoInstant,
    totp: TotpEnrollmentSchema,
  })
  .strict();
export type EnrolmentInfoResponse = z.infer<typeof EnrolmentInfoResponseSchema>;

/** POST /v1/auth/enrolment/complete: answered like POST /v1/auth/totp (SignInResponse). */
export const CompleteEnrolmentRequestSchema = z
  .object({
    token: EnrolmentTokenSchema,
    password: ChosenPasswordSchema,
    code: z.string().regex(/^\d{6}$/),
    deviceId: DeviceIdSchema,
    deviceName: singleLine(200),
  })
  .strict();
export type CompleteEnrolmentRequest = z.infer<typeof CompleteEnrolmentRequestSchema>;

/** POST /v1/auth/password (signed in): the person changes their own password; 204. */
export const ChangePasswordRequestSchema = z
  .object({
    // Any stored password may be the current one; only the upper bound protects the hash function.
    currentPassword: storableText(1024, 1),
    newPassword: ChosenPasswordSchema,
  })
  .strict();
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequestSchema>;
