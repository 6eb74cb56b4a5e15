import { z } from 'zod';
import { SessionsPageSchema, UpdateUserRequestSchema, UserEnrolmentResponseSchema, UserWithMembershipSchema } from '../../../shared/domain/admin';
import type { CallRequest } from '../../../shared/contract';
import { SsoConnectionTestRequestSchema, SsoConnectionTestSchema, SsoSettingsRowSchema, type SsoSettingsPatch } from '../../../shared/domain/sso';
import { onlineRequest } from '../session/online-request';
import type { ServerClient, RequestOptions } from '../net/server-client';
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

  private request<S extends z.ZodType>(options: Omit<RequestOptions<S>, 'token'>): Promise<z.output<S>> {
    return onlineRequest(this.session, this.clientFor, options);
  }

  private tenantPath(suffix: string): string {
    return `/tenants/${encodeURIComponent(this.session.requireOpen().account.tenantId)}${suffix}`;
  }

  updateUser(userId: string, patch: z.input<typeof UpdateUserRequestSchema>) {
    return this.request({ method: 'PATCH', path: this.tenantPath(`/users/${encodeURIComponent(userId)}`), body: patch, schema: UserWithMembershipSchema });
  }

  async createUser(person: CallRequest<'users.create'>) {
    const answer = await this.request({ method: 'POST', path: this.tenantPath('/users'), body: person, schema: UserEnrolmentResponseSchema });
    return { userId: answer.user.id, enrolment: answer.enrolment };
  }

  async resetSignIn(userId: string, reason?: string) {
    const answer = await this.request({ method: 'POST', path: this.tenantPath(`/users/${encodeURIComponent(userId)}/reset`), body: reason ? { reason } : {}, schema: UserEnrolmentResponseSchema });
    return { enrolment: answer.enrolment };
  }

  unlockUser(userId: string, reason?: string) {
    return this.request({ method: 'POST', path: this.tenantPath(`/users/${encodeURIComponent(userId)}/unlock`), body: reason ? { reason } : {}, schema: z.unknown() });
  }

  ssoSettings() {
    return this.request({ method: 'GET', path: this.tenantPath('/sso'), schema: SsoSettingsRowSchema });
  }

  updateSsoSettings(patch: SsoSettingsPatch) {
    return this.request({ method: 'PATCH', path: this.tenantPath('/sso'), body: patch, schema: SsoSettingsRowSchema });
  }

  testSsoConnection(request: z.input<typeof SsoConnectionTestRequestSchema>) {
    return this.request({ method: 'POST', path: this.tenantPath('/sso/test'), body: request, schema: SsoConnectionTestSchema });
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
