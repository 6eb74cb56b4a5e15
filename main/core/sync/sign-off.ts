import { PlantdeskError } from '../../../shared/errors';
import { SigningTicketResponseSchema } from '../../../shared/domain/signing';
import type { SignoffMeaning } from '../../../shared/domain/plant';
import { onlineRequest } from '../session/online-request';
import type { ServerClient } from '../net/server-client';
import type { ShiftLogDetail } from '../store/queries/shift-logs';
import type { SessionManager } from '../session/session-manager';
import { cachedShiftLogContentHash } from './content-hash';

/**
 * The online half of signing: when the server can be reached and the log holds nothing of this
 * workstation's that the server has not seen yet, the password is re-entered to the server too,
 * which answers a signing ticket: its own proof, bound to this signature. Otherwise (offline,
 * or content still pending) the signature goes without one and the server records it as
 * "password checked on the workstation". A log that changed on the server is never signed as
 * this workstation shows it: `content_changed`, so the person syncs and reviews first. A single
 * sign-on account always signs the workstation's way, with its local passphrase.
 */
export interface SignatureEvidence {
  contentHash: string;
  signingTicket: string | null;
  authMethod: 'password_online' | 'password_offline';
}

function holdsUnsyncedContent(detail: ShiftLogDetail): boolean {
  return detail.entries.some((entry) => entry.pending_mutation_id !== null || entry.amendments.some((amendment) => amendment.pending_mutation_id !== null));
}

export async function gatherSignatureEvidence(
  session: SessionManager,
  clientFor: (baseUrl: string) => ServerClient,
  detail: ShiftLogDetail,
  request: { meaning: SignoffMeaning; password: string },
): Promise<SignatureEvidence> {
  const contentHash = await cachedShiftLogContentHash(detail);
  const offline: SignatureEvidence = { contentHash, signingTicket: null, authMethod: 'password_offline' };
  if (!session.status().online || holdsUnsyncedContent(detail)) return offline;
  // A single sign-on account has no server password to re-enter: its local passphrase, checked
  // against the cache, is the signature's second component, online as offline.
  if (session.requireOpen().account.signInMethod === 'sso') return offline;
  const tenantId = session.requireOpen().account.tenantId;
  try {
    const answer = await onlineRequest(session, clientFor, {
      method: 'POST',
      path: `/tenants/${encodeURIComponent(tenantId)}/shift-logs/${encodeURIComponent(detail.shiftLog.id)}/signing-tickets`,
      body: { meaning: request.meaning, contentHash, password: request.password },
      schema: SigningTicketResponseSchema,
    });
    return { contentHash, signingTicket: answer.ticket, authMethod: 'password_online' };
  } catch (error) {
    // The network went away between the check and the call: the offline signature stands.
    if (error instanceof PlantdeskError && error.code === 'needs_connection') return offline;
    throw error;
  }
}
