import type { SignoffMeaning } from '../../../shared/domain/plant';
import { PlantdeskError } from '../../../shared/errors';
import { listPendingOutbox, syncCounts } from '../store/queries/outbox';
import { discardConflict, listConflicts, openConflict, retryConflict } from '../sync/conflicts';
import type { CallContext, CallHandlers, ChannelsOf } from './call-context';
import { signShiftLog } from './signing';

/** Sync on demand, what waits to be sent, and the conflicts inbox. */
export function syncCalls(ctx: CallContext): CallHandlers<ChannelsOf<'sync' | 'conflicts'>> {
  const { db } = ctx;
  return {
    'sync.now': async () => ctx.sync.run(),
    'sync.state': async () => ({ ...syncCounts(db()), running: ctx.sync.isRunning, lastError: ctx.sync.lastError }),
    'sync.outbox': async ({ limit }) => listPendingOutbox(db(), limit),
    'conflicts.list': async () => listConflicts(db(), ctx.readScope('user')),
    'conflicts.retry': async ({ id, password }) => {
      const conflict = openConflict(db(), id);
      if (conflict.name === 'shiftLog.signOff') {
        // A signature is made again, at this moment, with the password: never re-queued as it was.
        if (password === undefined || !conflict.signOffReview) throw new PlantdeskError('password_required');
        const { shiftLogId, meaning } = conflict.signOffReview;
        const signed = await signShiftLog(ctx, { shiftLogId, meaning: meaning as SignoffMeaning, password, conflictId: id });
        return { mutationId: signed.id };
      }
      const result = retryConflict(db(), ctx.writer(), id);
      ctx.sync.afterWrite();
      return result;
    },
    'conflicts.discard': async ({ id }) => {
      discardConflict(db(), ctx.writer(), id);
      return { discarded: true as const };
    },
  };
}
