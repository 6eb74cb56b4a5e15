import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { RequiredPermission } from '../../shared/permissions';
import { can, type Ability } from '../../shared/rbac';
import { appendAudit, type AuditActor } from '../audit/audit-log';
import { authenticate, type AuthContext } from '../auth/authenticate';
import type { SignInDeps } from '../auth/sign-in';
import { apiError } from '../errors';
import type { RateLimiter } from './rate-limit';
import { findUnstorableText, parseInput } from './validate';

/**
 * Every endpoint is declared through one of three helpers, so the order of checks is the same
 * everywhere: authenticate -> per-user rate limit -> parse path -> tenant + RBAC (shared
 * evaluator) -> parse query and body -> handler. Handlers only ever see parsed input.
 */
export interface AppDeps extends SignInDeps {
  userRateLimiter: RateLimiter;
  routes: RouteInfo[];
}

export interface RouteInfo {
  method: HttpMethod;
  url: string;
  kind: 'public' | 'session' | 'tenant';
  permission: RequiredPermission | null;
  writes: boolean;
  /** The input schemas, for tooling and tests that walk every endpoint. */
  schemas: { params?: z.ZodType; query?: z.ZodType; body?: z.ZodType };
}

type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface RequestMeta {
  ip: string;
  userAgent: string | null;
  clientTime: Date | null;
}

interface BaseContext<P, Q, B> {
  request: FastifyRequest;
  reply: FastifyReply;
  params: P;
  query: Q;
  body: B;
  now: Date;
  meta: RequestMeta;
}

export type PublicContext<P, Q, B> = BaseContext<P, Q, B>;

export interface SessionContext<P, Q, B> extends BaseContext<P, Q, B> {
  auth: AuthContext;
  actor: AuditActor;
}

export interface TenantContext<P, Q, B> extends SessionContext<P, Q, B> {
  /** The tenant named in the URL. */
  tenantId: string;
  /** The caller's rights in that tenant (only global rules when it is not their session's). */
  ability: Ability;
}

interface Spec<P, Q, B, C> {
  method: HttpMethod;
  url: string;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Status of a successful answer (200 unless said otherwise). */
  status?: number;
  handler(context: C): Promise<unknown>;
}

export interface TenantSpec<P, Q, B> extends Spec<P, Q, B, TenantContext<P, Q, B>> {
  permission: RequiredPermission;
}

const None = z.object({}).strict();

function requestMeta(request: FastifyRequest): RequestMeta {
  const clientTimeHeader = request.headers['x-client-time'];
  const clientTime = typeof clientTimeHeader === 'string' && z.iso.datetime({ offset: true }).safeParse(clientTimeHeader).success ? new Date(clientTimeHeader) : null;
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 500) : null, clientTime };
}

/** Parses one part of the request; only an absent part (no body, no query) counts as `{}`. */
function parsePart<T>(schema: z.ZodType<T> | undefined, value: unknown, fallback: z.ZodType): T {
  if (findUnstorableText(value)) throw apiError('invalid_request', { issues: [{ path: '', message: 'contains characters that cannot be stored (NUL, broken or invisible format characters)' }] });
  return parseInput((schema ?? fallback) as z.ZodType<T>, value === undefined ? {} : value);
}

function register<P, Q, B>(app: FastifyInstance, deps: AppDeps, spec: Spec<P, Q, B, never>, info: Pick<RouteInfo, 'kind' | 'permission'>, handle: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>) {
  const schemas = { params: spec.params, query: spec.query, body: spec.body };
  deps.routes.push({ method: spec.method, url: spec.url, writes: spec.method !== 'GET', schemas, ...info });
  app.route({
    method: spec.method,
    url: spec.url,
    handler: async (request, reply) => {
      const result = await handle(request, reply);
      if (reply.sent) return reply;
      reply.status(spec.status ?? 200);
      return result === undefined ? reply.send() : result;
    },
  });
}

export function publicRoute<P, Q, B>(app: FastifyInstance, deps: AppDeps, spec: Spec<P, Q, B, PublicContext<P, Q, B>>): void {
  register(app, deps, spec as Spec<P, Q, B, never>, { kind: 'public', permission: null }, async (request, reply) => {
    const params = parsePart(spec.params, request.params, None);
    const query = parsePart(spec.query, request.query, None);
    const body = spec.body ? parsePart(spec.body, request.body, None) : (undefined as B);
    return spec.handler({ request, reply, params, query, body, now: deps.clock.now(), meta: requestMeta(request) });
  });
}

async function authenticated(deps: AppDeps, request: FastifyRequest): Promise<{ auth: AuthContext; actor: AuditActor; meta: RequestMeta; now: Date }> {
  const now = deps.clock.now();
  const meta = requestMeta(request);
  const auth = await authenticate(deps.db, request.headers.authorization, now);
  const wait = deps.userRateLimiter.hit(auth.principal.user.id);
  if (wait !== null) throw apiError('rate_limited', { retryAfter: wait });
  const actor: AuditActor = { userId: auth.principal.user.id, sessionId: auth.session.id, ip: meta.ip, deviceId: auth.session.device_id, clientTime: meta.clientTime };
  return { auth, actor, meta, now };
}

export function sessionRoute<P, Q, B>(app: FastifyInstance, deps: AppDeps, spec: Spec<P, Q, B, SessionContext<P, Q, B>>): void {
  register(app, deps, spec as Spec<P, Q, B, never>, { kind: 'session', permission: null }, async (request, reply) => {
    const { auth, actor, meta, now } = await authenticated(deps, request);
    const params = parsePart(spec.params, request.params, None);
    const query = parsePart(spec.query, request.query, None);
    const body = spec.body ? parsePart(spec.body, request.body, None) : (undefined as B);
    return spec.handler({ request, reply, params, query, body, now, meta, auth, actor });
  });
}

const TenantParam = z.object({ tenantId: z.guid() });
const SupportReason = z.string().trim().min(3).max(500);

/** The caller's rights in the URL's tenant: their own ability there, or only its global rules elsewhere. */
export function abilityInTenant(auth: AuthContext, tenantId: string): Ability {
  const own = auth.principal.ability;
  if (own.tenantId === tenantId) return own;
  return { userId: own.userId, tenantId, areas: [], rules: own.rules.filter((rule) => rule.access === 'global') };
}

export function tenantRoute<P extends { tenantId: string }, Q, B>(app: FastifyInstance, deps: AppDeps, spec: TenantSpec<P, Q, B>): void {
  register(app, deps, spec as Spec<P, Q, B, never>, { kind: 'tenant', permission: spec.permission }, async (request, reply) => {
    const { auth, actor, meta, now } = await authenticated(deps, request);
    const params = parsePart(spec.params ?? (TenantParam as unknown as z.ZodType<P>), request.params, TenantParam);
    const tenantId = params.tenantId;
    const ability = abilityInTenant(auth, tenantId);
    const ownTenant = tenantId === auth.session.tenant_id;
    if (!can(ability, spec.permission.action, spec.permission.entity)) {
      // Another tenant's URL answers as if it did not exist.
      throw ownTenant ? apiError('forbidden', { needs: spec.permission }) : apiError('not_found');
    }
    if (!ownTenant && auth.principal.user.global_role === 'support') {
      // DOMAIN.md: support reads across tenants only with a reason, and the reason is audited.
      const reason = SupportReason.safeParse(request.headers['x-plantdesk-reason']);
      if (!reason.success || findUnstorableText(reason.data)) throw apiError('reason_required');
      await deps.db.transaction({ tenantId }, async (tx) => {
        if ((await tx.query('SELECT 1 FROM tenants WHERE id = $1', [tenantId])).length === 0) throw apiError('not_found');
        await appendAudit(
          tx,
          tenantId,
          actor,
          { action: 'support.access', entity: spec.permission.entity, entityId: null, reason: reason.data, diff: { request: { before: null, after: `${spec.method} ${spec.url}` } } },
          now,
        );
      });
    }
    const query = parsePart(spec.query, request.query, None);
    const body = spec.body ? parsePart(spec.body, request.body, None) : (undefined as B);
    return spec.handler({ request, reply, params, query, body, now, meta, auth, actor, tenantId, ability });
  });
}
