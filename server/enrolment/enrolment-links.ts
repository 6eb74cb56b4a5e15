import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { EnrolmentLink } from '../../shared/domain/admin';
import { newOpaqueToken, tokenHash } from '../auth/tokens';
import type { DbContext, Tx } from '../db/database';
import { insertEnrolmentLink, revokeOpenEnrolmentLinks } from '../store/enrolment-links';
import type { EnrolmentMail, EnrolmentMailer } from './enrolment-mail';

/**
 * One-time enrolment links: what an admin gets instead of a person's password and TOTP secret
 * when creating or resetting them. Shown once (only the token's hash is kept), valid for at
 * most 72 hours, and a newer link for the same person ends the older ones.
 */
export const MAX_ENROLMENT_TTL_HOURS = 72;

export interface EnrolmentSettings {
  ttlMs: number;
  /** Null when no SMTP server is configured: the link is then in the admin's answer only. */
  mailer: EnrolmentMailer | null;
}

export class EnrolmentTtlError extends Error {
  constructor() {
    super(`the enrolment link lifetime must be a whole number of hours from 1 to ${MAX_ENROLMENT_TTL_HOURS}`);
    this.name = 'EnrolmentTtlError';
  }
}

export function enrolmentTtlMs(hours: number = MAX_ENROLMENT_TTL_HOURS): number {
  if (!Number.isInteger(hours) || hours < 1 || hours > MAX_ENROLMENT_TTL_HOURS) throw new EnrolmentTtlError();
  return hours * 3_600_000;
}

/** The server as the client reached it (protocol and host as Fastify reports them). */
export function requestOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

export function enrolmentUrl(origin: string, token: string): string {
  return `${origin}/enrol#${token}`;
}

/**
 * Issues a link for the person in the bound tenant, ending their open links in every tenant.
 * `binding` is the caller's transaction binding, put back afterwards.
 */
export async function issueEnrolmentLink(
  tx: Tx,
  binding: DbContext & { tenantId: string },
  input: { userId: string; createdBy: string | null; origin: string; now: Date; ttlMs: number },
): Promise<EnrolmentLink> {
  await tx.bind({ ...binding, userId: input.userId });
  await revokeOpenEnrolmentLinks(tx, input.userId, 'superseded', input.now);
  await tx.bind(binding);
  const token = newOpaqueToken();
  const expiresAt = new Date(input.now.getTime() + input.ttlMs);
  await insertEnrolmentLink(tx, {
    id: randomUUID(),
    tenantId: binding.tenantId,
    userId: input.userId,
    tokenHash: tokenHash(token),
    createdBy: input.createdBy,
    now: input.now,
    expiresAt,
  });
  return { link: enrolmentUrl(input.origin, token), expiresAt: expiresAt.toISOString() };
}

/**
 * Emails the link where SMTP is configured. Called after the link's transaction committed; a
 * mail server that fails does not undo it (the admin still has the link), and the log gets the
 * error's code only, never the link or the message.
 */
export async function mailEnrolmentLink(settings: EnrolmentSettings, log: FastifyBaseLogger, mail: EnrolmentMail): Promise<void> {
  if (!settings.mailer) return;
  try {
    await settings.mailer.send(mail);
  } catch (error) {
    const { code, responseCode } = error as { code?: unknown; responseCode?: unknown };
    log.warn({ code, responseCode }, 'enrolment mail not sent');
  }
}
