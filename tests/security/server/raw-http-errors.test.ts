import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseFingerprint, startTestServer, type TestServer } from '../../support/server';

/**
 * What the HTTP layer answers before any route runs (oversized headers, broken framing, an
 * unknown version, an Expect it cannot meet, no Host) has the API's error shape and the
 * security headers, like every other answer. Sent over a raw socket: fetch would refuse to
 * send most of these.
 */
interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function sendRaw(port: number, request: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error('no answer within 10 s')), 10_000);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...headerLines] = head.split('\r\n');
      const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
    socket.write(request);
  });
}

const securityHeaders = {
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

describe('answers the HTTP layer writes itself', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ backend: 'pglite' });
  });
  afterAll(() => t?.stop());

  const cases: [string, string, number, string][] = [
    ['a 20 KB header', `GET /v1/keys/grant HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'headers_too_large'],
    ['a 20 KB request line', `GET /v1/${'a'.repeat(20_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`, 431, 'headers_too_large'],
    ['a malformed request line', 'GARBAGE\r\n\r\n', 400, 'malformed_http'],
    ['an unknown HTTP version', 'GET /v1/keys/grant HTTP/3.1\r\nHost: localhost\r\n\r\n', 505, 'http_version_not_supported'],
    ['a control character in a header name', 'GET /v1/keys/grant HTTP/1.1\r\nHost: localhost\r\nX-A\u0001: b\r\n\r\n', 400, 'malformed_http'],
    ['Content-Length and Transfer-Encoding together', 'POST /v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400, 'malformed_http'],
    ['a broken chunk', 'POST /v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n', 400, 'malformed_http'],
    ['a non-numeric Content-Length', 'POST /v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Length: abc\r\n\r\n{}', 400, 'malformed_http'],
    ['no Host header', 'GET /v1/keys/grant HTTP/1.1\r\n\r\n', 400, 'malformed_http'],
    ['an Expect header other than 100-continue', 'POST /v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nExpect: teapot\r\nContent-Length: 2\r\n\r\n{}', 417, 'expectation_failed'],
  ];

  for (const [label, request, status, code] of cases) {
    it(`answers ${label} with ${status} ${code}, a JSON error body and the security headers, and writes nothing`, async () => {
      const before = await databaseFingerprint(t.db);
      const answer = await sendRaw(t.server.port, request);
      expect(answer.status).toBe(status);
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      const body = JSON.parse(answer.body);
      expect(Object.keys(body)).toEqual(['error']);
      expect(body.error).toMatchObject({ code, message: expect.stringMatching(/\w+ \w+/) });
      for (const [header, value] of Object.entries(securityHeaders)) expect(answer.headers[header], header).toBe(value);
      expect(answer.headers['content-security-policy']).toContain("default-src 'none'");
      expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(await databaseFingerprint(t.db)).toBe(before);
    });
  }

  it('still answers a well-formed request on a raw socket normally', async () => {
    const answer = await sendRaw(t.server.port, 'GET /v1/keys/grant HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(answer.status).toBe(200);
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
  });
});
