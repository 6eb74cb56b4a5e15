import { listUsers } from '../store/queries/people';
import type { CallContext, CallHandlers, ChannelsOf } from './call-context';

/**
 * People and their sessions. The list of people is read from the cache; every change, and the
 * sessions list (its last-seen and expiry times are live), is online-only: offline they answer
 * `needs_connection`.
 */
export function peopleCalls(ctx: CallContext): CallHandlers<ChannelsOf<'users' | 'sessions'>> {
  const { admin } = ctx;
  return {
    'users.list': async ({ filter, sort, page }) => listUsers(ctx.db(), ctx.readScope('user'), filter, page, sort, ctx.readScope('session')),
    'users.update': async ({ userId, patch }) => {
      await admin.updateUser(userId, patch);
      return { ok: true as const };
    },
    'users.create': async (person) => {
      const created = await admin.createUser(person);
      // The new person reaches this cache by the pull feed: fetch it now.
      ctx.sync.soon();
      return created;
    },
    'users.resetSignIn': async ({ userId, reason }) => admin.resetSignIn(userId, reason),
    'users.unlock': async ({ userId, reason }) => {
      await admin.unlockUser(userId, reason);
      return { ok: true as const };
    },
    'users.erase': async ({ userId, reason }) => {
      await admin.eraseUser(userId, reason);
      return { ok: true as const };
    },
    'sessions.list': async ({ filter, page }) => admin.listSessions(filter ?? {}, page),
    'sessions.revoke': async (request) => {
      await ('sessionId' in request ? admin.revokeSession(request.sessionId) : admin.revokeUserSessions(request.userId));
      return { ok: true as const };
    },
  };
}
