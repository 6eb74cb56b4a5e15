import { generate, generateSecret, generateURI, verify } from 'otplib';

/**
 * TOTP as SECURITY.md fixes it: RFC 6238, HMAC-SHA-1, 6 digits, 30-second steps, at most one
 * step of drift either way, and never the same step twice for a user (the caller stores the
 * accepted step and passes it back as `lastStep`).
 */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
export const TOTP_ISSUER = 'Plantdesk';

/** A new base32 secret of 160 bits (RFC 4226's recommended length). */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The otpauth:// URI an authenticator app scans (or accepts pasted) at enrolment. */
export function totpEnrollmentUri(secret: string, accountLabel: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: accountLabel, secret, algorithm: 'sha1', digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS });
}

export function totpCode(secret: string | Uint8Array, at: Date, digits: 6 | 7 | 8 = TOTP_DIGITS): Promise<string> {
  return generate({ secret, epoch: Math.floor(at.getTime() / 1000), digits, period: TOTP_PERIOD_SECONDS, algorithm: 'sha1' });
}

export type TotpCheck = { ok: true; step: number } | { ok: false };

export async function checkTotp(options: { secret: string; code: string; now: Date; lastStep: number | null }): Promise<TotpCheck> {
  if (!/^\d{6}$/.test(options.code)) return { ok: false };
  const result = await verify({
    secret: options.secret,
    token: options.code,
    epoch: Math.floor(options.now.getTime() / 1000),
    period: TOTP_PERIOD_SECONDS,
    digits: TOTP_DIGITS,
    algorithm: 'sha1',
    // One period either side: the previous, current and next step, nothing further.
    epochTolerance: TOTP_PERIOD_SECONDS,
    ...(options.lastStep === null ? {} : { afterTimeStep: options.lastStep }),
  });
  if (!result.valid) return { ok: false };
  // TOTP results carry the matched step; the shared result type also covers HOTP, hence the check.
  const { timeStep } = result as { timeStep?: number };
  if (typeof timeStep !== 'number') return { ok: false };
  return { ok: true, step: timeStep };
}
