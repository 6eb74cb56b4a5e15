import type { Tx } from '../db/database';

/** One-time enrolment links (migration 0011): only the token's hash is stored. */
export interface EnrolmentLinkRecord {
  id: string;
  tenant_id: string;
  user_id: string;
  token_hash: string;
  created_by: string | null;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
  revoke_reason: string | null;
  /** Sealed with the server's secret box, bound to the link id. */
  pending_totp_secret: string | null;
  failed_codes: number;
}

type LinkQueryRow = EnrolmentLinkRecord & Record<string, unknown>;

export async function insertEnrolmentLink(
  tx: Tx,
  link: { id: string; tenantId: string; userId: string; tokenHash: string; createdBy: string | null; now: Date; expiresAt: Date },
): Promise<EnrolmentLinkRecord> {
  const rows = await tx.query<LinkQueryRow>(
    `INSERT INTO enrolment_links (id, tenant_id, user_id, token_hash, created_by, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
    [link.id, link.tenantId, link.userId, link.tokenHash, link.createdBy, link.now, link.expiresAt],
  );
  return rows[0];
}

/** Ends every open link of the person that the transaction can see (bind userId to see them all). */
export async function revokeOpenEnrolmentLinks(tx: Tx, userId: string, reason: string, now: Date): Promise<number> {
  const rows = await tx.query<{ id: string }>(
    `UPDATE enrolment_links SET revoked_at = $2, revoke_reason = $3, pending_totp_secret = NULL
     WHERE user_id = $1 AND used_at IS NULL AND revoked_at IS NULL RETURNING id`,
    [userId, now, reason],
  );
  return rows.length;
}

/** The link whose token hashes to this, locked for the rest of the transaction. */
export async function findEnrolmentLinkForUpdate(tx: Tx, tokenHash: string): Promise<EnrolmentLinkRecord | null> {
  const rows = await tx.query<LinkQueryRow>('SELECT * FROM enrolment_links WHERE token_hash = $1 FOR UPDATE', [tokenHash]);
  return rows[0] ?? null;
}

export function isOpen(link: EnrolmentLinkRecord, now: Date): boolean {
  return link.used_at === null && link.revoked_at === null && link.expires_at.getTime() > now.getTime();
}

export async function setPendingTotpSecret(tx: Tx, id: string, sealed: string): Promise<void> {
  await tx.query('UPDATE enrolment_links SET pending_totp_secret = $2 WHERE id = $1', [id, sealed]);
}

/** Counts a wrong code; at `limit` the link is spent. Returns the count. */
export async function chargeWrongCode(tx: Tx, id: string, limit: number, now: Date): Promise<number> {
  const rows = await tx.query<{ failed_codes: number }>(
    `UPDATE enrolment_links SET failed_codes = failed_codes + 1,
       revoked_at = CASE WHEN failed_codes + 1 >= $2 THEN $3::timestamptz ELSE revoked_at END,
       revoke_reason = CASE WHEN failed_codes + 1 >= $2 THEN 'too_many_codes' ELSE revoke_reason END,
       pending_totp_secret = CASE WHEN failed_codes + 1 >= $2 THEN NULL ELSE pending_totp_secret END
     WHERE id = $1 RETURNING failed_codes`,
    [id, limit, now],
  );
  return rows[0].failed_codes;
}

export async function markEnrolmentLinkUsed(tx: Tx, id: string, now: Date): Promise<void> {
  await tx.query('UPDATE enrolment_links SET used_at = $2, pending_totp_secret = NULL WHERE id = $1', [id, now]);
}
