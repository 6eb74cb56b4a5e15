import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { BOOTSTRAP_MEDIA_TYPE, BootstrapQuerySchema } from '../../shared/bootstrap-protocol';
import { SYNC_SCHEMA_VERSION } from '../../shared/sync-protocol';
import type { Clock } from '../clock';
import { apiError } from '../errors';
import { RateLimiter, type RateLimit } from '../http/rate-limit';
import { sessionRoute, type AppDeps } from '../http/route';
import { encodeSnapshotFrame } from '../sync/bootstrap/frames';
import type { SnapshotCache } from '../sync/bootstrap/snapshot-cache';
import { feedTenant, sendSchemaReset } from './sync';

/**
 * GET /v1/sync/bootstrap (SYNC.md "First sync", shared/bootstrap-protocol.ts): the caller's
 * snapshot as frames, new or resumed. A snapshot costs the database a full read, so it has its
 * own per-user limit on top of the general one; a resume reads only the kept frames and counts
 * against a looser one.
 */
export interface BootstrapLimits {
  snapshotsPerUser: RateLimit;
  resumesPerUser: RateLimit;
}

export const defaultBootstrapLimits: BootstrapLimits = {
  snapshotsPerUser: { limit: 6, windowMs: 10 * 60_000 },
  resumesPerUser: { limit: 60, windowMs: 10 * 60_000 },
};

async function* prepend(first: Buffer, rest: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
  yield first;
  yield* rest;
}

export function registerBootstrapRoute(app: FastifyInstance, deps: AppDeps, snapshots: SnapshotCache, limits: BootstrapLimits, clock: Clock): void {
  const snapshotLimiter = new RateLimiter(limits.snapshotsPerUser, clock);
  const resumeLimiter = new RateLimiter(limits.resumesPerUser, clock);

  sessionRoute(app, deps, {
    method: 'GET',
    url: '/v1/sync/bootstrap',
    query: BootstrapQuerySchema,
    handler: async ({ auth, query, reply }) => {
      const tenantId = feedTenant(auth, query);
      if (tenantId === null) return sendSchemaReset(reply);
      const resuming = query.snapshot !== undefined;
      const wait = (resuming ? resumeLimiter : snapshotLimiter).hit(auth.principal.user.id);
      if (wait !== null) throw apiError('rate_limited', { retryAfter: wait });
      const ability = auth.principal.ability;
      const snapshot = query.snapshot !== undefined ? await snapshots.resume(query.snapshot, tenantId, ability) : await snapshots.acquire(tenantId, ability);
      const plan = await snapshot.planned();
      const from = query.from ?? 1;
      if (snapshot.state === 'complete' && from > snapshot.file.frames) {
        throw apiError('invalid_request', { issues: [{ path: 'from', message: 'beyond the last frame of the snapshot' }] });
      }
      const head = encodeSnapshotFrame({
        kind: 'snapshot',
        snapshotId: snapshot.id,
        seq: plan.seq,
        policyVersion: auth.principal.policyVersion,
        schemaVersion: SYNC_SCHEMA_VERSION,
        tables: plan.tables,
        frames: snapshot.state === 'complete' ? snapshot.file.frames : null,
        bytes: 0,
      });
      reply.header('content-type', BOOTSTRAP_MEDIA_TYPE).header('cache-control', 'no-store');
      // Byte-mode stream: it pulls the next frame only when the socket took the last one.
      return Readable.from(prepend(head, snapshots.frames(snapshot, from)), { objectMode: false });
    },
  });
}
