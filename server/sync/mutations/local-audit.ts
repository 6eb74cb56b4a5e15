import type { MutationArgs } from '../../../shared/mutations';
import { appendAudit } from '../../audit/audit-log';
import { headSeq } from '../pull';
import type { MutationContext } from './context';

/**
 * A local-only action (sign-in, unlock, lock, sign-out, export, wipe) joins the server's audit
 * trail as an event of the actor; it changes no synced row, so it adds nothing to change_log
 * and answers the current head as its applied seq.
 */
export async function recordLocalAction(context: MutationContext, args: MutationArgs<'audit.local'>): Promise<number> {
  await appendAudit(
    context.tx,
    context.tenantId,
    context.actor,
    {
      action: `local.${args.action}`,
      entity: 'session',
      entityId: context.actor.sessionId,
      diff: { at: { before: null, after: args.at }, details: { before: null, after: args.details } },
    },
    context.now,
  );
  return headSeq(context.tx, context.tenantId);
}
