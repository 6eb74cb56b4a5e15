import type { MutationArgs } from '../../../shared/mutations';
import type { MutationContext } from './context';

/**
 * A local-only action (sign-in, unlock, lock, sign-out, export, wipe) joins the server's audit
 * trail as an event of the actor; it changes no synced row, so its only change-log row is the
 * event's own in the pull feed, whose seq it answers as its applied seq.
 */
export async function recordLocalAction(context: MutationContext, args: MutationArgs<'audit.local'>): Promise<number> {
  await context.ledger.appendAudit(
    context.actor,
    {
      action: `local.${args.action}`,
      entity: 'session',
      entityId: context.actor.sessionId,
      diff: { at: { before: null, after: args.at }, details: { before: null, after: args.details } },
    },
    context.now,
  );
  return context.ledger.lastSeq;
}
