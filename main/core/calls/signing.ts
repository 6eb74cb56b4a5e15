import type { SignoffMeaning } from '../../../shared/domain/plant';
import { PlantdeskError } from '../../../shared/errors';
import { getShiftLog } from '../store/queries/shift-logs';
import { resolveSignOffConflict } from '../sync/conflicts';
import { signOffShiftLog } from '../sync/local-writes';
import { gatherSignatureEvidence } from '../sync/sign-off';
import type { CallContext } from './call-context';

export interface SignatureRequest {
  shiftLogId: string;
  meaning: SignoffMeaning;
  password: string;
  /** Set when the signature retries a conflicted one: its conflict closes in the same transaction. */
  conflictId: number | null;
}

/**
 * A signature at this moment: the password checked again (on the workstation, and by the
 * server when it can be reached), over the log as this workstation holds it now. What is
 * signed must be everything of the log the signer can read, so the content hash covers it all.
 */
export async function signShiftLog(ctx: CallContext, request: SignatureRequest) {
  const { session } = ctx;
  await session.verifyPassword(request.password);
  const open = session.requireOpen();
  const scopes = { shiftLog: ctx.readScope('shift_log'), logEntry: ctx.readScope('log_entry'), comment: ctx.readScope('comment'), signoff: ctx.readScope('signoff') };
  const detail = getShiftLog(open.vault.db, scopes, request.shiftLogId);
  if (!detail) throw new PlantdeskError('not_found', 'That shift log is not on this workstation.');
  const evidence = await gatherSignatureEvidence(session, ctx.clientFor, detail, { meaning: request.meaning, password: request.password });
  const sign = () =>
    signOffShiftLog(open.vault.db, ctx.writer(), {
      shiftLogId: request.shiftLogId,
      meaning: request.meaning,
      contentHash: evidence.contentHash,
      signingTicket: evidence.signingTicket,
      printedName: open.account.displayName,
      authMethod: evidence.authMethod,
    });
  const ref = request.conflictId === null ? sign() : resolveSignOffConflict(open.vault.db, ctx.writer(), request.conflictId, sign);
  ctx.sync.afterWrite();
  return { ...ref, contentHash: evidence.contentHash };
}
