import { listAuditEvents } from '../store/queries/audit';
import { verifyLocalAuditChain } from '../store/queries/audit-chain';
import type { CallContext, CallHandlers, ChannelsOf } from './call-context';

/** The audit trail as downloaded to this workstation, and the check of its hash chain. */
export function auditCalls(ctx: CallContext): CallHandlers<ChannelsOf<'audit'>> {
  return {
    'audit.list': async ({ filter, page }) =>
      listAuditEvents(ctx.db(), ctx.readScope('audit_event'), filter, page, {
        shiftLog: ctx.readScope('shift_log'),
        logEntry: ctx.readScope('log_entry'),
        user: ctx.readScope('user'),
        session: ctx.readScope('session'),
        role: ctx.readScope('role'),
      }),
    'audit.verify': async () => {
      const scope = ctx.readScope('audit_event');
      // Only an org-wide reader downloads every link; a partial trail can be checked link by link only.
      return { ...(await verifyLocalAuditChain(ctx.db())), complete: scope.kind === 'org' };
    },
  };
}
