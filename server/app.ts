import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { defaultScryptParams, type ScryptParams } from './auth/passwords';
import { defaultThrottlePolicy, type ThrottlePolicy } from './auth/throttle';
import { systemClock, type Clock } from './clock';
import type { Database } from './db/database';
import { migrate } from './db/migrate';
import { openDatabase, type DatabaseConfig } from './db/open';
import { seedDemo, type DemoCredentials } from './demo/seed-demo';
import { enrolmentTtlMs, type EnrolmentSettings } from './enrolment/enrolment-links';
import { createEnrolmentMailer } from './enrolment/enrolment-mail';
import { loadGrantSigner, type GrantSigner } from './grant/signing-key';
import { frameworkErrorHandler, installErrorHandling, sendError } from './http/errors';
import { apiError } from './errors';
import { RateLimiter, type RateLimit } from './http/rate-limit';
import { answerClientError, installRawErrorAnswers } from './http/raw-errors';
import type { AppDeps, RouteInfo } from './http/route';
import { installSecurityHeaders } from './http/security-headers';
import { checkTrustedProxies } from './http/trusted-proxies';
import { loggerOptions, type LogOptions } from './logging';
import { registerAuditRoutes } from './routes/audit';
import { registerAuthRoutes } from './routes/auth';
import { registerHealthRoutes } from './routes/health';
import { registerRoleRoutes } from './routes/roles';
import { registerSessionRoutes } from './routes/sessions';
import { registerSettingsRoutes } from './routes/settings';
import { registerSigningRoutes } from './routes/signing';
import { registerSsoRoutes } from './routes/sso';
import { registerSyncRoutes } from './routes/sync';
import { defaultBootstrapLimits, registerBootstrapRoute, type BootstrapLimits } from './routes/sync-bootstrap';
import { defaultBootstrapSettings, SnapshotCache, type BootstrapSettings } from './sync/bootstrap/snapshot-cache';
import { registerUserRoutes } from './routes/users';

export interface ServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /**
   * Keys, demo credentials and (for PGlite) the database files live here. Without it and
   * without `database`, the database is in memory and the grant key lasts for this process.
   */
  dataDir?: string;
  /** Defaults to PGlite in `dataDir/pgdata` (or in memory). */
  database?: DatabaseConfig;
  /** An already open database (tests share one between server instances). Not closed by close(). */
  db?: Database;
  clock?: Clock;
  /** PKCS#8 PEM of the Ed25519 grant key; else the data directory's key file. */
  grantSigningKeyPem?: string;
  logger?: LogOptions | false;
  throttle?: Partial<ThrottlePolicy>;
  rateLimits?: { perIp?: RateLimit; perUser?: RateLimit };
  scrypt?: ScryptParams;
  /** Largest accepted request body in bytes. */
  bodyLimit?: number;
  /**
   * Addresses or CIDRs of the proxies in front (the TLS terminator) whose X-Forwarded-For is
   * believed; the client IP is the right-most hop not in this list. Empty: no proxy is trusted.
   */
  trustProxy?: readonly string[];
  /** Hours an enrolment link stays valid: 1 to 72 (the default). */
  enrolmentTtlHours?: number;
  /** Where set (smtp:// or smtps://), enrolment links are also emailed to the person. */
  smtpUrl?: string;
  /** The From of those emails. */
  smtpFrom?: string;
  /**
   * First-sync snapshots (SYNC.md): how long one is served to colleagues of the same scope, how
   * many build at once per tenant, the disk they may take (sealed, under dataDir/bootstrap-cache
   * or a temporary directory), and the per-user limits.
   */
  bootstrap?: Partial<Omit<BootstrapSettings, 'directory'> & BootstrapLimits>;
  /** Seed the demo tenant (refused in production). */
  demo?: { entries?: number } | false;
  production?: boolean;
}

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  app: FastifyInstance;
  db: Database;
  clock: Clock;
  signer: GrantSigner;
  /** Every /v1 route with its kind and RBAC permission (tests walk this list). */
  routes: readonly RouteInfo[];
  /** The first-sync snapshots this instance keeps (tests look inside). */
  snapshots: SnapshotCache;
  /** Set when `demo` seeded (or found) the demo tenant. */
  demo: DemoCredentials | null;
  demoCredentialsPath: string | null;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 8787;
export const defaultRateLimits = {
  perIp: { limit: 600, windowMs: 60_000 },
  perUser: { limit: 1200, windowMs: 60_000 },
} satisfies Record<string, RateLimit>;

export class DemoRefusedError extends Error {
  constructor() {
    super('--demo seeds known passwords and is refused in production (NODE_ENV=production)');
    this.name = 'DemoRefusedError';
  }
}

function buildApp(deps: AppDeps, options: ServerOptions, ipLimiter: RateLimiter, enrolment: EnrolmentSettings, snapshots: SnapshotCache): FastifyInstance {
  const app = Fastify({
    logger: loggerOptions(options.logger ?? false),
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    trustProxy: options.trustProxy && options.trustProxy.length > 0 ? checkTrustedProxies(options.trustProxy) : false,
    genReqId: () => randomUUID(),
    // Request ids are ours; a client-supplied one could forge log correlation.
    requestIdHeader: false,
    forceCloseConnections: true,
    // Answered in the API's shape by installRawErrorAnswers instead of by Node or Fastify.
    return503OnClosing: false,
    http: { requireHostHeader: false },
    clientErrorHandler: answerClientError,
    frameworkErrors: frameworkErrorHandler,
  });
  // JSON only: text/plain bodies get 415 instead of reaching a handler as a string.
  app.removeContentTypeParser('text/plain');
  installSecurityHeaders(app);
  installRawErrorAnswers(app);
  installErrorHandling(app);
  app.addHook('onRequest', async (request, reply) => {
    if (request.url === '/healthz' || request.url === '/readyz') return;
    const wait = ipLimiter.hit(request.ip);
    if (wait !== null) return sendError(reply, apiError('rate_limited', { retryAfter: wait }));
  });
  registerHealthRoutes(app, deps.db);
  registerAuthRoutes(app, deps);
  registerUserRoutes(app, deps, enrolment);
  registerSessionRoutes(app, deps);
  registerAuditRoutes(app, deps);
  registerSettingsRoutes(app, deps);
  registerSsoRoutes(app, deps);
  registerRoleRoutes(app, deps);
  registerSigningRoutes(app, deps);
  registerSyncRoutes(app, deps);
  registerBootstrapRoute(app, deps, snapshots, { ...defaultBootstrapLimits, ...options.bootstrap }, deps.clock);
  return app;
}

/** Opens the database, migrates it, optionally seeds the demo, and listens. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const production = options.production ?? process.env.NODE_ENV === 'production';
  if (options.demo && production) throw new DemoRefusedError();
  const enrolmentTtl = enrolmentTtlMs(options.enrolmentTtlHours);
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  const clock = options.clock ?? systemClock;
  const ownsDb = !options.db;
  const db = options.db ?? (await openDatabase(options.database ?? { kind: 'pglite', dataDir: dataDir && join(dataDir, 'pgdata') }));
  try {
    await migrate(db);
    const signer = loadGrantSigner({ dataDir, pem: options.grantSigningKeyPem ?? process.env.PLANTDESK_GRANT_SIGNING_KEY });
    const rateLimits = { ...defaultRateLimits, ...options.rateLimits };
    const deps: AppDeps = {
      db,
      clock,
      signer,
      throttle: { ...defaultThrottlePolicy, ...options.throttle },
      scrypt: options.scrypt ?? defaultScryptParams,
      userRateLimiter: new RateLimiter(rateLimits.perUser, clock),
      routes: [],
    };
    const demoSeed = options.demo ? await seedDemo(db, { clock, entries: options.demo.entries, scrypt: deps.scrypt, secretBox: signer.secretBox }) : null;
    const mailer = options.smtpUrl ? createEnrolmentMailer({ url: options.smtpUrl, from: options.smtpFrom }) : null;
    const snapshots = new SnapshotCache(db, clock, {
      ...defaultBootstrapSettings,
      ...options.bootstrap,
      directory: dataDir ? join(dataDir, 'bootstrap-cache') : join(tmpdir(), 'plantdesk-bootstrap-cache'),
    });
    await snapshots.start();
    const app = buildApp(deps, options, new RateLimiter(rateLimits.perIp, clock), { ttlMs: enrolmentTtl, mailer }, snapshots);
    const host = options.host ?? '127.0.0.1';
    await app.listen({ host, port: options.port ?? DEFAULT_PORT });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : (options.port ?? DEFAULT_PORT);
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const demo = demoSeed ? await demoSeed.publish(url, dataDir) : null;
    return {
      url,
      host,
      port,
      app,
      db,
      clock,
      signer,
      routes: deps.routes,
      snapshots,
      demo: demo?.credentials ?? null,
      demoCredentialsPath: demo?.path ?? null,
      async close() {
        await app.close();
        await snapshots.close();
        mailer?.close();
        if (ownsDb) await db.close();
      },
    };
  } catch (error) {
    if (ownsDb) await db.close().catch(() => undefined);
    throw error;
  }
}
