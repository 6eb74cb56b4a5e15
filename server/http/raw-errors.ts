import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { errorMessages, type ErrorCode } from '../../shared/errors';
import { sendError, statusOf } from './errors';
import { apiError } from '../errors';
import { securityHeaders } from './security-headers';

/**
 * Answers that Node's HTTP layer would otherwise write itself, before any route or hook runs:
 * a request it cannot parse (oversized headers, broken framing, an unknown HTTP version), an
 * Expect header it cannot meet, a request without Host, one that arrives during shutdown. Each
 * gets the API's error shape and the security headers, like every other answer.
 */

/** The typed code for a parser or connection error (llhttp codes, Node's timeout). */
function codeOfClientError(error: { code?: string }): ErrorCode {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return 'headers_too_large';
    case 'HPE_INVALID_VERSION':
      return 'http_version_not_supported';
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_REQUEST_HEADERS_TIMEOUT':
      return 'request_timeout';
    default:
      return 'malformed_http';
  }
}

const errorBody = (code: ErrorCode) => JSON.stringify({ error: { code, message: errorMessages[code] } });

function responseHeaders(body: string): Record<string, string> {
  return {
    ...securityHeaders,
    'x-request-id': randomUUID(),
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  };
}

/** A complete HTTP/1.1 error response as bytes for the socket (there is no response object yet). */
export function rawErrorResponse(code: ErrorCode): string {
  const status = statusOf(code);
  const body = errorBody(code);
  const lines = Object.entries(responseHeaders(body)).map(([name, value]) => `${name}: ${value}`);
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** Fastify's clientErrorHandler: what Node's 'clientError' event would answer, in our shape. */
export function answerClientError(this: FastifyInstance | undefined, error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has no one to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  this?.log.debug({ code: error.code }, 'refused a request the HTTP parser could not take');
  // Never write into a response already under way on this connection (a pipelined request).
  const current = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !current?.headersSent) {
    socket.once('finish', () => socket.destroy());
    socket.end(rawErrorResponse(codeOfClientError(error)));
    return;
  }
  socket.destroy(error);
}

/** Node's 'checkExpectation' (an Expect other than 100-continue): 417 in our shape. */
function refuseExpectation(_request: IncomingMessage, response: ServerResponse): void {
  const body = errorBody('expectation_failed');
  response.writeHead(statusOf('expectation_failed'), responseHeaders(body));
  response.end(body);
}

/**
 * Installs the answers Node or Fastify would write in their own format: call before routes.
 * Needs the server built with `http: { requireHostHeader: false }` and `return503OnClosing:
 * false`, so that those two cases reach these hooks instead.
 */
export function installRawErrorAnswers(app: FastifyInstance): void {
  app.server.on('checkExpectation', refuseExpectation);
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (request, reply) => {
    if (closing) {
      reply.header('connection', 'close');
      return sendError(reply, apiError('not_ready', undefined, 'The server is shutting down. Try again in a moment.'));
    }
    // RFC 9112 3.2: an HTTP/1.1 request without Host is refused with 400.
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
      reply.header('connection', 'close');
      return sendError(reply, apiError('malformed_http', { issues: [{ path: 'host', message: 'an HTTP/1.1 request needs a Host header' }] }));
    }
  });
}
