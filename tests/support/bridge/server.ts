import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { channels } from '../../../shared/contract';
import { dispatchCall } from '../../../shared/dispatch';
import { APP_ORIGIN } from '../../../main/electron/app-origin';
import { contentTypeFor, resolveAppAsset } from '../../../main/electron/app-protocol';
import { securityHeaders } from '../../../main/electron/csp';
import type { Core } from '../../../main/core/core';
import { bridgeInitScript } from './init-script';

/**
 * The test bridge (ARCHITECTURE.md): the real core hosted in Node behind 127.0.0.1 and a random
 * token, serving the production-built renderer under the app's own CSP, so Chromium can run the
 * same UI against the same contract where the Electron binary cannot run. Test-only: lint
 * forbids every production folder from importing tests/.
 */
export interface TestBridge {
  url: string;
  token: string;
  /** Install with page.addInitScript({ content: bridge.initScript }). */
  initScript: string;
  close(): Promise<void>;
}

export const BRIDGE_PATH = '/__plantdesk_test_bridge';
const TOKEN_HEADER = 'x-plantdesk-bridge-token';
const MAX_BODY_BYTES = 1024 * 1024;

export async function startTestBridge(options: { core: Core; rendererDir: string }): Promise<TestBridge> {
  const token = randomBytes(32).toString('base64url');
  const expectedToken = Buffer.from(token);
  const eventStreams = new Set<ServerResponse>();

  const unsubscribe = options.core.onEvent((event) => {
    for (const stream of eventStreams) stream.write(`data: ${JSON.stringify(event)}\n\n`);
  });

  function hasToken(request: IncomingMessage): boolean {
    const given = Buffer.from(String(request.headers[TOKEN_HEADER] ?? ''));
    return given.length === expectedToken.length && timingSafeEqual(given, expectedToken);
  }

  async function readJsonBody(request: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) throw new Error('body too large');
      chunks.push(chunk as Buffer);
    }
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  }

  function sendJson(response: ServerResponse, status: number, body: unknown): void {
    response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    response.end(JSON.stringify(body));
  }

  async function serveRenderer(pathname: string, response: ServerResponse): Promise<void> {
    const file = resolveAppAsset(options.rendererDir, `${APP_ORIGIN}${pathname}`);
    try {
      if (!file) throw new Error('outside the renderer folder');
      const body = await readFile(file);
      response.writeHead(200, { 'Content-Type': contentTypeFor(file), ...securityHeaders() });
      response.end(body);
    } catch {
      response.writeHead(404, securityHeaders());
      response.end('Not found');
    }
  }

  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      // A page on another origin must not drive the core through a DNS-rebound name.
      if (request.headers.host !== `127.0.0.1:${(server.address() as AddressInfo).port}`) {
        return sendJson(response, 421, { error: { code: 'wrong_host', message: 'use 127.0.0.1' } });
      }
      if (!url.pathname.startsWith(BRIDGE_PATH)) return serveRenderer(url.pathname, response);
      if (!hasToken(request)) return sendJson(response, 401, { error: { code: 'bad_token', message: 'missing or wrong bridge token' } });

      const route = url.pathname.slice(BRIDGE_PATH.length);
      if (request.method === 'GET' && route === '/events') {
        response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
        response.write(': connected\n\n');
        eventStreams.add(response);
        request.on('close', () => eventStreams.delete(response));
        return;
      }
      if (request.method === 'POST' && route.startsWith('/call/')) {
        let payload: unknown;
        try {
          payload = await readJsonBody(request);
        } catch {
          return sendJson(response, 400, { ok: false, error: { code: 'invalid_request', message: 'The body is not JSON.' } });
        }
        const channel = decodeURIComponent(route.slice('/call/'.length));
        return sendJson(response, 200, await dispatchCall(channel, payload, (checked, req) => options.core.call(checked, req)));
      }
      return sendJson(response, 404, { error: { code: 'not_found', message: 'no such bridge route' } });
    })().catch(() => {
      if (!response.headersSent) sendJson(response, 500, { error: { code: 'internal', message: 'bridge failure' } });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    token,
    initScript: bridgeInitScript({ token, channels, bridgePath: BRIDGE_PATH, tokenHeader: TOKEN_HEADER }),
    async close() {
      unsubscribe();
      for (const stream of eventStreams) stream.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
