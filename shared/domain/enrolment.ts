import { z } from 'zod';
import { DeviceIdSchema, NewPasswordSchema } from './auth';
import { IsoInstant, singleLine, storableText } from './common';

/**
 * People own their factors (SECURITY.md): an admin who creates or resets a person gets a
 * one-time enrolment link, never a password or an authenticator secret. The person opens it
 * (in the app or `plantdesk login --enrol`), chooses a password and enrols an authenticator;
 * the server then signs them in exactly as a password sign-in does.
 */

/** The token part of an enrolment link: 256 random bits, base64url. */
export const EnrolmentTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** What an admin is shown once: the link and until when it works. */
export const EnrolmentLinkSchema = z.object({ link: z.string().url(), expiresAt: IsoInstant }).strict();
export type EnrolmentLink = z.infer<typeof EnrolmentLinkSchema>;

/** POST /v1/auth/enrolment */
export const EnrolmentStartRequestSchema = z.object({ token: EnrolmentTokenSchema }).strict();
export const EnrolmentStartResponseSchema = z
  .object({
    email: z.string(),
    displayName: z.string(),
    tenantName: z.string(),
    expiresAt: IsoInstant,
    totp: z.object({ secret: z.string().regex(/^[A-Z2-7]+=*$/), otpauthUri: z.string().startsWith('otpauth://totp/') }).strict(),
  })
  .strict();
export type EnrolmentStartResponse = z.infer<typeof EnrolmentStartResponseSchema>;

/** POST /v1/auth/enrolment/complete: answered like POST /v1/auth/totp (SignInResponseSchema). */
export const EnrolmentCompleteRequestSchema = z
  .object({
    token: EnrolmentTokenSchema,
    password: NewPasswordSchema,
    code: z.string().regex(/^\d{6}$/),
    deviceId: DeviceIdSchema,
    deviceName: singleLine(200),
  })
  .strict();

/** POST /v1/auth/password: a person changes their own password. */
export const PasswordChangeRequestSchema = z
  .object({
    currentPassword: storableText(1024, 1),
    newPassword: NewPasswordSchema,
  })
  .strict();

/**
 * `https://plant.example/enrol#<token>`: the server's address (with any path prefix) and the
 * token, which sits in the fragment so it never reaches a proxy's or server's access log.
 */
export function parseEnrolmentLink(link: string): { server: string; token: string } | null {
  let url: URL;
  try {
    url = new URL(link.trim());
  } catch {
    return null;
  }
  const token = url.hash.replace(/^#/, '');
  if (!/\/enrol\/?$/.test(url.pathname) || !EnrolmentTokenSchema.safeParse(token).success) return null;
  const prefix = url.pathname.replace(/\/enrol\/?$/, '');
  return { server: `${url.origin}${prefix}`, token };
}
