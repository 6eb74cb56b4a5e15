import { randomUUID } from 'node:crypto';
import type { SignInResponse } from '../../shared/domain/auth';
import { appendAudit } from '../audit/audit-log';
import type { Tx } from '../db/database';
import { issueGrant } from '../grant/issue-grant';
import type { GrantSigner } from '../grant/signing-key';
import { listMembershipsOfUser, toMembershipSummary } from '../store/memberships';
import { insertSession } from '../store/sessions';
import { toUserRow, type UserRecord } from '../store/users';
import { publishSessions } from '../feed/session-feed';
import { loadPrincipal } from './principal';
import { newOpaqueToken, tokenHash } from './tokens';

/**
 * The end of every sign-in, whichever way the person proved both factors (password + code, or
 * completing an enrolment link): a new session row, its `session.created` audit event, the
 * user's memberships and a signed offline grant. One function, so both ways answer alike.
 *
 * The transaction must be bound to { userId, tenantId } of the session being opened.
 */
export async function issueSession(
  tx: Tx,
  signer: GrantSigner,
  input: { user: UserRecord; tenantId: string; deviceId: string; deviceName: string; ip: string; userAgent: string | null; now: Date },
): Promise<SignInResponse | null> {
  const { user, tenantId, now } = input;
  const principal = await loadPrincipal(tx, user.id, tenantId);
  if (!principal) return null;
  const token = newOpaqueToken();
  const session = await insertSession(tx, {
    id: randomUUID(),
    tenantId,
    userId: user.id,
    tokenHash: tokenHash(token),
    now,
    ip: input.ip,
    deviceId: input.deviceId,
    deviceName: input.deviceName,
    userAgent: input.userAgent,
  });
  await publishSessions(tx, [session]);
  await appendAudit(
    tx,
    tenantId,
    { userId: user.id, sessionId: session.id, ip: input.ip, deviceId: input.deviceId },
    {
      action: 'session.created',
      entity: 'session',
      entityId: session.id,
      diff: { device_id: { before: null, after: session.device_id }, device_name: { before: null, after: session.device_name } },
    },
    now,
  );
  const memberships = await listMembershipsOfUser(tx, user.id);
  return {
    token,
    user: toUserRow(user),
    memberships: memberships.map(toMembershipSummary),
    grant: issueGrant(signer, principal, { id: session.id, deviceId: session.device_id }, now),
    serverKey: signer.serverKey,
  };
}
