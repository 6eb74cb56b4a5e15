import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database';
import { migrationsCurrent } from '../db/migrate';
import { sendError } from '../http/errors';
import { apiError } from '../errors';

/** Probes for the hosting platform, outside /v1 and without a token. */
export function registerHealthRoutes(app: FastifyInstance, db: Database): void {
  // The process is up and serving HTTP.
  app.get('/healthz', async () => ({ status: 'ok' }));

  // The database answers and carries every migration this build ships.
  app.get('/readyz', async (request, reply) => {
    try {
      if (await migrationsCurrent(db)) return { status: 'ready' };
      return sendError(reply, apiError('not_ready', { reason: 'migrations_pending' }));
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check failed');
      return sendError(reply, apiError('not_ready', { reason: 'database_unreachable' }));
    }
  });
}
