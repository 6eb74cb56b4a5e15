import type { AuthContext } from '../auth/authenticate';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { HeadQuerySchema, MAX_PUSH_BYTES, PullQuerySchema, PushRequestSchema, SYNC_SCHEMA_VERSION, type PullResponse, type PushResponse } from '../../shared/sync-protocol';
import { apiError } from '../errors';
import { sessionRoute, type AppDeps } from '../http/route';
import { getTenant } from '../store/tenants';
import { HeadWatch } from '../sync/head-watch';
import { headSeq, pullChanges } from '../sync/pull';
import { pushMutations } from '../sync/push';

/**
 * The sync endpoints (SYNC.md, API.md). All three act in the session's own tenant with the
 * caller's current rights, loaded by authentication for this request.
 */

/** 409 reset: the client keeps its outbox, rebuilds its cache from seq 0, then pushes again. */
export async function sendReset(reply: FastifyReply, details: Record<string, unknown>): Promise<void> {
  await reply.status(409).send({ error: apiError('reset', details).toBody() });
}

/**
 * The tenant a feed request (pull, snapshot) reads: the session's own, which the request must
 * name (another tenant's feed answers as if it did not exist). Null: the client speaks another
 * schema version and is answered 409 reset.
 */
export function feedTenant(auth: AuthContext, query: { tenant: string; schemaVersion?: number }): string | null {
  if (query.tenant !== auth.session.tenant_id) throw apiError('not_found');
  return query.schemaVersion !== undefined && query.schemaVersion !== SYNC_SCHEMA_VERSION ? null : auth.session.tenant_id;
}

export const sendSchemaReset = (reply: FastifyReply) => sendReset(reply, { reason: 'schema_changed', schemaVersion: SYNC_SCHEMA_VERSION });

export function registerSyncRoutes(app: FastifyInstance, deps: AppDeps): void {
  // A full batch (MAX_PUSH_MUTATIONS with their bodies) is far above the server-wide body limit.
  app.addHook('onRoute', (route) => {
    if (route.url === '/v1/sync/push') route.bodyLimit = MAX_PUSH_BYTES;
  });
  const headWatch = new HeadWatch(deps.db);
  app.addHook('preClose', (done) => {
    headWatch.close();
    done();
  });

  sessionRoute(app, deps, {
    method: 'POST',
    url: '/v1/sync/push',
    body: PushRequestSchema,
    handler: async ({ auth, actor, body }): Promise<PushResponse> => {
      const tenantId = auth.session.tenant_id;
      const { appliedHead, ...response } = await pushMutations(deps.db, deps.clock, { tenantId, userId: auth.principal.user.id, ability: auth.principal.ability, actor }, body);
      if (appliedHead !== null) headWatch.notify(tenantId, appliedHead);
      return response;
    },
  });

  sessionRoute(app, deps, {
    method: 'GET',
    url: '/v1/sync/pull',
    query: PullQuerySchema,
    handler: async ({ auth, query, reply }): Promise<PullResponse | void> => {
      const tenantId = feedTenant(auth, query);
      if (tenantId === null) return sendSchemaReset(reply);
      const page = await deps.db.transaction({ tenantId }, async (tx) => {
        const head = await headSeq(tx, tenantId);
        // A cursor beyond the head was not made by this feed (a restored server): start over.
        if (query.since > head) return null;
        const tenant = await getTenant(tx, tenantId);
        if (!tenant) throw apiError('not_found');
        return pullChanges(tx, tenant, auth.principal.ability, query.since, query.limit, head);
      });
      if (!page) return sendReset(reply, { reason: 'cursor_ahead_of_server', schemaVersion: SYNC_SCHEMA_VERSION });
      return { ...page, policyVersion: auth.principal.policyVersion, schemaVersion: SYNC_SCHEMA_VERSION };
    },
  });

  sessionRoute(app, deps, {
    method: 'GET',
    url: '/v1/sync/head',
    query: HeadQuerySchema,
    handler: async ({ auth, query, reply }) => {
      const tenantId = auth.session.tenant_id;
      const readHead = () => deps.db.transaction({ tenantId }, (tx) => headSeq(tx, tenantId));
      let seq = await readHead();
      if (query.wait && query.since !== undefined && seq <= query.since) {
        const closed = new AbortController();
        reply.raw.once('close', () => closed.abort());
        seq = (await headWatch.waitBeyond(tenantId, query.since, query.wait * 1000, closed.signal)) ?? (await readHead());
      }
      return { seq, policyVersion: auth.principal.policyVersion };
    },
  });
}
