import type { Writable } from 'node:stream';
import type { FastifyServerOptions } from 'fastify';

/**
 * Structured JSON logs (pino, through Fastify) with a request id on every line. Request logs
 * carry method, route, status and timing, never headers or bodies; the redaction list is a
 * second guard in case a field with a secret is ever logged by mistake.
 */
export interface LogOptions {
  level?: string;
  /** Where lines go; stderr by default, so stdout keeps only the listening line. */
  stream?: Writable;
}

export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-plantdesk-reason"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  // Enrolment links are credentials until used.
  '*.link',
  '*.code',
  '*.token',
  '*.challengeId',
  '*.totpSecret',
  '*.secret',
  '*.authorization',
];

export function loggerOptions(options: LogOptions | false): FastifyServerOptions['logger'] {
  if (options === false) return false;
  return {
    level: options.level ?? 'info',
    stream: options.stream ?? process.stderr,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    serializers: {
      req(request: { method: string; url: string; routeOptions?: { url?: string }; ip?: string; id?: string }) {
        // The route pattern, not the raw URL: query strings and ids stay out of the logs.
        return { method: request.method, route: request.routeOptions?.url ?? 'unmatched', ip: request.ip };
      },
    },
  } as FastifyServerOptions['logger'];
}
