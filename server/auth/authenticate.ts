import type { Database } from '../db/database';
import { apiError } from '../errors';
import { closeExpiredSession, EXPIRED_REASON, findSessionByTokenHash, isExpired, sessionExpiry, touchSession, type SessionRecord } from '../store/sessions';
import { getTenant } from '../store/tenants';
import { getUser } from '../store/users';
import { loadPrincipal, type Principal } from './principal';
import { TOKEN_PATTERN, tokenHash } from './tokens';

export interface AuthContext {
  principal: Principal;
  session: SessionRecord;
}

export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer ([^\s]+)$/i.exec(header ?? '');
  return match && TOKEN_PATTERN.test(match[1]) ? match[1] : null;
}

/**
 * Resolves a bearer token to the session and the user's current rights, checked in this
 * order: a deactivated or erased user (`user_inactive`, the client must wipe), a revoked
 * session, an expired one (idle or absolute, from the tenant's settings), a lost membership.
 * Every request does this against the database, so revocation holds from the next request.
 * A session found expired is closed as such (committed, then refused), so it stays expired
 * whatever the settings become later.
 */
export async function authenticate(db: Database, authorization: string | undefined, now: Date): Promise<AuthContext> {
  const token = bearerToken(authorization);
  if (!token) throw apiError('unauthenticated');
  const hash = tokenHash(token);
  const outcome = await db.transaction({ sessionHash: hash }, async (tx) => {
    const session = await findSessionByTokenHash(tx, hash);
    if (!session) throw apiError('unauthenticated');
    await tx.bind({ sessionHash: hash, userId: session.user_id, tenantId: session.tenant_id });
    const user = await getUser(tx, session.user_id);
    if (!user || user.status !== 'active') throw apiError('user_inactive');
    if (session.revoked_at) throw apiError(session.revoke_reason === EXPIRED_REASON ? 'session_expired' : 'session_revoked');
    const tenant = await getTenant(tx, session.tenant_id);
    if (!tenant) throw apiError('session_expired');
    const expiry = sessionExpiry(session, tenant);
    if (isExpired(expiry, now)) {
      // Returned, not thrown: the close must commit.
      await closeExpiredSession(tx, session.id, expiry);
      return null;
    }
    const principal = await loadPrincipal(tx, session.user_id, session.tenant_id);
    if (!principal) throw apiError('session_revoked', { reason: 'membership_removed' });
    await touchSession(tx, session.id, now);
    return { principal, session };
  });
  if (!outcome) throw apiError('session_expired');
  return outcome;
}
