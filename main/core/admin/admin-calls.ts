import { z } from 'zod';
import { UpdateUserRequestSchema, UserWithMembershipSchema } from '../../../shared/domain/admin';
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

  revokeUserSessions(userId: string) {
    return this.request({ method: 'DELETE', path: this.tenantPath('/sessions'), query: { userId }, schema: z.unknown() });
  }
}
