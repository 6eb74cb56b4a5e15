import { can } from '../../../shared/rbac';
import { countLogEntries, countShiftLogs, getShiftLog, listLogEntries, listShiftLogs, type SignatureWait } from '../store/queries/shift-logs';
import { withShiftOfEntries } from '../store/queries/entry-shifts';
import { handoversOfShiftLog } from '../store/queries/handovers';
import { entriesPerDay } from '../store/queries/entry-stats';
import { listAreas } from '../store/queries/areas';
import { acknowledgeHandover, amendLogEntry, changeShiftLogStatus, createComment, createLogEntry } from '../sync/local-writes';
import type { CallContext, CallHandlers, ChannelsOf } from './call-context';
import { signShiftLog } from './signing';

/**
 * Shift logs and what hangs off them: reading (scoped by the grant in SQL), and the local
 * writes, each queued for sync and followed by a sync soon.
 */
export function shiftLogCalls(ctx: CallContext): CallHandlers<ChannelsOf<'shiftLogs' | 'logEntries' | 'comments' | 'handovers' | 'areas'>> {
  const { db, writer } = ctx;
  const listScopes = () => ({ shiftLog: ctx.readScope('shift_log'), logEntry: ctx.readScope('log_entry') });
  const logListScopes = () => ({ ...listScopes(), signoff: ctx.readScope('signoff') });

  /**
   * Whose signature a "waiting for my sign-off" list waits for, and where they may sign: each
   * area asked of the evaluator exactly as a sign-off asks it (sync/local-writes.ts).
   */
  function signatureWait(wanted: boolean | undefined): SignatureWait | null {
    if (!wanted) return null;
    const { ability } = ctx.session.requireOpen();
    const signableAreaIds = listAreas(db())
      .map((area) => area.id)
      .filter((areaId) => can(ability, 'sign', 'shift_log', { tenantId: ability.tenantId, areaId, ownerId: null }));
    return { userId: ability.userId, signableAreaIds };
  }

  /** After a local write: sync soon, and answer what was queued. */
  function queued<R, T>(ref: R, answer: (ref: R) => T): T {
    ctx.sync.afterWrite();
    return answer(ref);
  }
  const plainRef = (ref: { id: string; seq: number }) => ({ mutationId: ref.id, seq: ref.seq });

  return {
    'areas.list': async () => listAreas(db()),
    'shiftLogs.list': async ({ filter, page, sort, waitingForMySignature }) =>
      listShiftLogs(db(), logListScopes(), filter, page, { sort, waiting: signatureWait(waitingForMySignature) }),
    'shiftLogs.totals': async ({ filter, waitingForMySignature }) => countShiftLogs(db(), logListScopes(), filter, signatureWait(waitingForMySignature)),
    'shiftLogs.entries': async ({ filter, page, sort }) => withShiftOfEntries(db(), listLogEntries(db(), listScopes(), filter, page, sort)),
    'shiftLogs.entryTotals': async ({ filter }) => countLogEntries(db(), listScopes(), filter),
    'shiftLogs.stats': async ({ filter }) => entriesPerDay(db(), listScopes(), filter),
    'shiftLogs.get': async ({ id }) => {
      const detail = getShiftLog(db(), { ...listScopes(), comment: ctx.readScope('comment'), signoff: ctx.readScope('signoff') }, id);
      // Handovers travel beside what is signed (the content hash covers the log, not them).
      return detail && { ...detail, handovers: handoversOfShiftLog(db(), ctx.readScope('handover'), id) };
    },
    'logEntries.create': async (request) => queued(createLogEntry(db(), writer(), request), (ref) => ({ entryId: ref.entryId, mutationId: ref.id, seq: ref.seq })),
    'logEntries.amend': async (request) => queued(amendLogEntry(db(), writer(), request), (ref) => ({ amendmentId: ref.amendmentId, mutationId: ref.id, seq: ref.seq })),
    'comments.create': async (request) => queued(createComment(db(), writer(), request), (ref) => ({ commentId: ref.commentId, mutationId: ref.id, seq: ref.seq })),
    'shiftLogs.submit': async ({ shiftLogId }) => queued(changeShiftLogStatus(db(), writer(), { name: 'shiftLog.submit', shiftLogId }), plainRef),
    'shiftLogs.reopen': async ({ shiftLogId, reason }) => queued(changeShiftLogStatus(db(), writer(), { name: 'shiftLog.reopen', shiftLogId, reason }), plainRef),
    'handovers.acknowledge': async (request) => queued(acknowledgeHandover(db(), writer(), request), plainRef),
    'shiftLogs.signOff': async ({ shiftLogId, meaning, password }) => {
      const signed = await signShiftLog(ctx, { shiftLogId, meaning, password, conflictId: null });
      return { signoffId: signed.signoffId, mutationId: signed.id, contentHash: signed.contentHash };
    },
  };
}
