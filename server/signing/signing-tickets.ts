import type { Tx } from '../db/database';
import { newOpaqueToken, tokenHash } from '../auth/tokens';

/**
 * Signing tickets: the server's own evidence that a signer re-entered their password online
 * (21 CFR Part 11 §11.200: a signature's components are checked at signing). One is issued
 * after the server verified the password, for one signer, session, shift log, meaning and
 * content hash; the sign-off that carries it within a few minutes is recorded as
 * "password_online", once. Only the ticket's hash is stored.
 */
export const SIGNING_TICKET_TTL_MS = 5 * 60_000;

export interface SigningBinding {
  tenantId: string;
  userId: string;
  sessionId: string;
  shiftLogId: string;
  contentHash: string;
  meaning: string;
}

export async function issueSigningTicket(tx: Tx, binding: SigningBinding, now: Date): Promise<{ ticket: string; expiresAt: Date }> {
  const ticket = newOpaqueToken();
  const expiresAt = new Date(now.getTime() + SIGNING_TICKET_TTL_MS);
  await tx.query(
    `INSERT INTO signing_tickets (tenant_id, ticket_hash, user_id, session_id, shift_log_id, content_hash, meaning, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [binding.tenantId, tokenHash(ticket), binding.userId, binding.sessionId, binding.shiftLogId, binding.contentHash, binding.meaning, now, expiresAt],
  );
  // Spent and stale tickets prove nothing any more.
  await tx.query('DELETE FROM signing_tickets WHERE tenant_id = $1 AND expires_at < $2', [binding.tenantId, new Date(now.getTime() - SIGNING_TICKET_TTL_MS)]);
  return { ticket, expiresAt };
}

/**
 * True when the ticket was issued for exactly this signature and is unused and unexpired; it
 * is then spent. Anything else (another log, hash, meaning, session or signer, late, reused)
 * is false, and the signature is recorded as checked on the workstation.
 */
export async function redeemSigningTicket(tx: Tx, ticket: string, binding: SigningBinding, now: Date): Promise<boolean> {
  const rows = await tx.query(
    `UPDATE signing_tickets SET used_at = $8
     WHERE tenant_id = $1 AND ticket_hash = $2 AND user_id = $3 AND session_id = $4 AND shift_log_id = $5
       AND content_hash = $6 AND meaning = $7 AND used_at IS NULL AND expires_at > $8
     RETURNING ticket_hash`,
    [binding.tenantId, tokenHash(ticket), binding.userId, binding.sessionId, binding.shiftLogId, binding.contentHash, binding.meaning, now],
  );
  return rows.length === 1;
}
