import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { applySecurityHeaders } from './security-headers';
import { errorMessages, PlantdeskError, type ErrorBody, type ErrorCode } from '../../shared/errors';
import { apiError } from '../errors';

/**
 * Every HTTP error is `{ "error": { code, message, details? } }` (API.md) with the status this
 * table gives its code. A 500 says only "internal": no stack, no driver message.
 */
const statusByCode: Partial<Record<ErrorCode, number>> = {
  invalid_request: 400,
  malformed_json: 400,
  malformed_http: 400,
  request_timeout: 408,
  expectation_failed: 417,
  headers_too_large: 431,
  http_version_not_supported: 505,
  weak_password: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  challenge_expired: 401,
  invalid_code: 401,
  session_revoked: 401,
  session_expired: 401,
  user_inactive: 401,
  forbidden: 403,
  no_membership: 403,
  not_home_tenant: 403,
  reason_required: 403,
  privilege_ceiling: 403,
  self_change: 403,
  shared_identity: 403,
  enrolment_invalid: 400,
  not_found: 404,
  sso_required: 403,
  sso_not_configured: 404,
  sso_token_invalid: 401,
  sso_replayed: 401,
  sso_email_not_allowed: 403,
  sso_no_account: 403,
  sso_identity_mismatch: 409,
  sso_provider_unreachable: 502,
  sso_device_expired: 400,
  email_taken: 409,
  last_admin: 409,
  conflict: 409,
  bootstrap_gone: 409,
  content_changed: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  locked: 423,
  rate_limited: 429,
  throttled: 429,
  internal: 500,
  not_ready: 503,
};

export function statusOf(code: string): number {
  return statusByCode[code as ErrorCode] ?? 400;
}

export function sendError(reply: FastifyReply, error: PlantdeskError): FastifyReply {
  const retryAfter = (error.details as { retryAfter?: unknown } | undefined)?.retryAfter;
  if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  return reply.status(statusOf(error.code)).send({ error: error.toBody() });
}

/** Fastify's own 4xx (body parsing, content type, size) mapped to our typed codes. */
function fromFrameworkError(error: FastifyError): PlantdeskError | null {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return apiError('payload_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return apiError('unsupported_media_type');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return apiError('malformed_json');
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') return apiError('malformed_json');
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return apiError('invalid_request');
  }
  return null;
}

/**
 * Errors the router raises before any route or hook runs (a URL it cannot decode, a path
 * segment longer than any id): answered in our format, with the security headers.
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  applySecurityHeaders(request, reply);
  if (error.code === 'FST_ERR_BAD_URL' || error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    sendError(reply, apiError('invalid_request', { issues: [{ path: 'url', message: 'not a valid address' }] }));
    return;
  }
  reply.status(500).send({ error: { code: 'internal', message: errorMessages.internal } });
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof PlantdeskError) return sendError(reply, error);
    const mapped = fromFrameworkError(error);
    if (mapped) return sendError(reply, mapped);
    // The log gets the error for the operator; the client gets nothing it could exploit.
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send({ error: { code: 'internal', message: errorMessages.internal } satisfies ErrorBody });
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, apiError('not_found')));
}
