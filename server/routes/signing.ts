import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { SigningTicketRequestSchema, type SigningTicketResponse } from '../../shared/domain/signing';
import { can, subjectOf } from '../../shared/rbac';
import { appendAudit } from '../audit/audit-log';
import { verifyPassword } from '../auth/passwords';
import { refundAttempt, reserveAttempt, throttleKeys } from '../auth/throttle';
import { apiError } from '../errors';
import { tenantRoute, type AppDeps } from '../http/route';
import { serverContentHash, signableLog } from '../signing/server-content-hash';
import { issueSigningTicket } from '../signing/signing-tickets';

const Params = z.object({ tenantId: z.guid(), shiftLogId: z.guid() }).strict();

/**
 * The online half of a Part 11 signature: the signer re-enters the password and the server
 * checks it itself, and that the log's content is the one being signed, before it vouches for
 * the signature with a ticket (server/signing/signing-tickets.ts). Wrong passwords count
 * against the account like failed sign-ins.
 */
export function registerSigningRoutes(app: FastifyInstance, deps: AppDeps): void {
  tenantRoute(app, deps, {
    method: 'POST',
    url: '/v1/tenants/:tenantId/shift-logs/:shiftLogId/signing-tickets',
    permission: { action: 'sign', entity: 'shift_log' },
    params: Params,
    body: SigningTicketRequestSchema,
    status: 201,
    handler: async ({ tenantId, ability, params, body, auth, actor, meta, now }): Promise<SigningTicketResponse> => {
      // A signature is made in one's own organisation, under one's own session.
      if (tenantId !== auth.session.tenant_id) throw apiError('not_found');
      const user = auth.principal.user;
      const keys = throttleKeys(meta.ip, user.email);
      // The log and the right to sign it first: a log one may not sign answers as if it did not exist.
      const gate = await deps.db.transaction({ tenantId, userId: user.id, loginEmail: user.email }, async (tx) => {
        const [log] = await tx.query<{ row: Record<string, unknown> }>('SELECT to_jsonb(t) AS row FROM shift_logs t WHERE t.tenant_id = $1 AND t.id = $2', [tenantId, params.shiftLogId]);
        if (!log || !can(ability, 'sign', 'shift_log', subjectOf('shift_log', log.row, tenantId))) return { kind: 'not_found' as const };
        const attempt = await reserveAttempt(tx, keys, now, deps.throttle);
        return 'wait' in attempt ? { kind: 'throttled' as const, wait: attempt.wait } : { kind: 'check' as const, reservation: attempt.reservation };
      });
      if (gate.kind === 'not_found') throw apiError('not_found');
      if (gate.kind === 'throttled') throw apiError('throttled', { retryAfter: gate.wait });
      const passwordOk = user.password_hash !== null && (await verifyPassword(body.password, user.password_hash));
      if (!passwordOk) {
        // Recorded (the attempt stays charged to the account and address), then refused.
        await deps.db.transaction({ tenantId, userId: user.id }, (tx) =>
          appendAudit(tx, tenantId, actor, { action: 'shift_log.signing_password_failed', entity: 'shift_log', entityId: params.shiftLogId }, now),
        );
        throw apiError('invalid_credentials', undefined, 'That password is not right, so the signature was not made. Check it and try again; repeated failures lock the account.');
      }
      const outcome = await deps.db.transaction({ tenantId, userId: user.id, loginEmail: user.email }, async (tx) => {
        // The right password gets its own attempt back (committed even when the content changed);
        // earlier failures stay counted.
        await refundAttempt(tx, gate.reservation);
        const [log] = await tx.query<{ row: Record<string, unknown> }>('SELECT to_jsonb(t) AS row FROM shift_logs t WHERE t.tenant_id = $1 AND t.id = $2 FOR SHARE', [tenantId, params.shiftLogId]);
        if (!log) return { kind: 'not_found' as const };
        const contentHash = await serverContentHash(tx, tenantId, signableLog(log.row));
        if (contentHash !== body.contentHash) return { kind: 'content_changed' as const };
        const issued = await issueSigningTicket(
          tx,
          { tenantId, userId: user.id, sessionId: auth.session.id, shiftLogId: params.shiftLogId, contentHash, meaning: body.meaning },
          now,
        );
        await appendAudit(
          tx,
          tenantId,
          actor,
          { action: 'shift_log.signing_password_verified', entity: 'shift_log', entityId: params.shiftLogId, diff: { meaning: { before: null, after: body.meaning }, content_hash: { before: null, after: contentHash } } },
          now,
        );
        return { kind: 'issued' as const, answer: { ticket: issued.ticket, expiresAt: issued.expiresAt.toISOString() } };
      });
      if (outcome.kind !== 'issued') throw apiError(outcome.kind);
      return outcome.answer;
    },
  });
}
