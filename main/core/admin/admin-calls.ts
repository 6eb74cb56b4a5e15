import { z } from 'zod';
import { SessionsPageSchema, UpdateUserRequestSchema, UserWithMembershipSchema } from '../../../shared/domain/admin';
import { PlantdeskError } from '../../../shared/errors';
import { ServerClient, type RequestOptions } from '../net/server-client';
import { secretPurposes } from '../secrets/secret-store';
import type { SessionManager } from '../session/session-manager';

/**
 * Admin actions on people and sessions are online-only (SYNC.md): they act on the server's
 * current state at once, so they are never queued. Offline they answer `needs_connection`;
 * a server verdict (revoked session, deactivated admin) is applied like anywhere else.
 */
export class AdminCalls {
  constructor(
    private readonly session: SessionManager,
    private readonly clientFor: (baseUrl: string) => ServerClient,
  ) {}

  private async request<S extends z.ZodType>(options: Omit<RequestOptions<S>, 'token'>): Promise<z.output<S>> {
    const open = this.session.requireOpen();
    const token = await open.secrets.get(secretPurposes.sessionToken);
    if (!token) throw new PlantdeskError('session_expired');
    const client = this.clientFor(open.account.server);
    try {
      const answer = await client.request({ ...options, token: token.toString('utf8') });
      this.session.setOnline(true);
      return answer;
    } catch (error) {
      if (error instanceof PlantdeskError && error.code === 'server_unreachable') {
        this.session.setOnline(false);
        throw new PlantdeskError('needs_connection');
      }
      await this.session.applyVerdict(error);
      throw error;
    } finally {
      client.close();
    }
  }

  private tenantPath(suffix: string): string {
    return `/tenants/${encodeURIComponent(this.session.requireOpen().account.tenantId)}${suffix}`;
  }

  updateUser(userId: string, patch: z.input<typeof UpdateUserRequestSchema>) {
    return this.request({ method: 'PATCH', path: this.tenantPath(`/users/${encodeURIComponent(userId)}`), body: patch, schema: UserWithMembershipSchema });
  }

  eraseUser(userId: string, reason: string) {
    return this.request({ method: 'POST', path: this.tenantPath(`/users/${encodeURIComponent(userId)}/erase`), body: { reason }, schema: z.unknown() });
  }

  revokeSession(sessionId: string) {
    return this.request({ method: 'DELETE', path: this.tenantPath(`/sessions/${encodeURIComponent(sessionId)}`), schema: z.unknown() });
  }

  /**
   * Sessions as the server has them now: sign-ins and last-seen times are not in the pull feed
   * (they change with every request), so the admin view of sessions is online like revoking them.
   * Newest first; the view's sync columns are constant because nothing here is queued.
   */
  async listSessions(filter: { userIds?: readonly string[]; active?: boolean }, page?: { limit?: number; after?: string | null }) {
    const single = filter.userIds?.length === 1 ? filter.userIds[0] : undefined;
    const answer = await this.request({
      method: 'GET',
      path: this.tenantPath('/sessions'),
      query: { userId: single, active: filter.active === undefined ? undefined : String(filter.active), limit: page?.limit, after: page?.after ?? undefined },
      schema: SessionsPageSchema,
    });
    const wanted = filter.userIds?.length ? new Set(filter.userIds) : null;
    const items = answer.items
      .filter((row) => !wanted || wanted.has(row.user_id))
      .map(({ revoke_reason: _reason, current: _current, ...row }) => ({ ...row, version: 1, pending_mutation_id: null }))
      .sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id));
    return { items, next: answer.next };
  }

  revokeUserSessions(userId: string) {
    return this.request({ method: 'DELETE', path: this.tenantPath('/sessions'), query: { userId }, schema: z.unknown() });
  }
}
