import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { contentTypes, type PreparedStream } from './protocol';

/**
 * A local stand-in for the PowerSync service: it serves one prepared first sync on
 * POST /sync/stream and accepts any token (nothing here is authenticated, it listens on
 * 127.0.0.1 only). After checkpoint_complete the response stays open, as the service's does,
 * until the client disconnects.
 */
export interface StreamServer {
  endpoint: string;
  /** How many /sync/stream requests arrived: more than one means the client had to retry. */
  streamRequests(): number;
  close(): Promise<void>;
}

export interface StreamServerOptions {
  /** For tests: end the connection abruptly after this many data lines, with no checkpoint_complete. */
  cutAfterLines?: number;
}

async function drain(request: IncomingMessage): Promise<void> {
  for await (const _chunk of request) {
    // The request body names the client's buckets; a first sync has none to resume.
  }
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function serveStream(prepared: PreparedStream, response: ServerResponse, options: StreamServerOptions): Promise<void> {
  if (prepared.gzipPath) {
    response.writeHead(200, { 'content-type': contentTypes[prepared.format], 'content-encoding': 'gzip', 'cache-control': 'no-cache' });
    await pipeline(createReadStream(prepared.gzipPath), response, { end: false });
    return;
  }
  response.writeHead(200, { 'content-type': contentTypes[prepared.format], 'cache-control': 'no-cache' });
  response.write(prepared.checkpointLine);
  const cut = options.cutAfterLines;
  const cutAt = cut === undefined ? undefined : (prepared.lineEnds[Math.min(cut, prepared.lineEnds.length) - 1] ?? 0);
  if (cutAt === undefined || cutAt > 0) {
    const data = createReadStream(prepared.dataPath, cutAt === undefined ? {} : { end: cutAt - 1 });
    await pipeline(data, response, { end: false });
  }
  if (cutAt !== undefined) {
    response.socket?.destroy();
    return;
  }
  response.write(prepared.completeLine);
}

export async function startStreamServer(prepared: PreparedStream, options: StreamServerOptions = {}): Promise<StreamServer> {
  let streamRequests = 0;
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (!request.headers.authorization?.startsWith('Token ')) {
      json(response, 401, { error: 'expected "Authorization: Token ..."' });
      return;
    }
    void drain(request).then(async () => {
      if (request.method === 'POST' && url.pathname === '/sync/stream') {
        streamRequests += 1;
        // Only the first connection is the measured first sync: a retry must show as a failure.
        if (streamRequests > 1) return json(response, 503, { error: 'the first sync was already served' });
        await serveStream(prepared, response, options);
      } else if (request.method === 'GET' && url.pathname === '/write-checkpoint2.json') {
        json(response, 200, { data: { write_checkpoint: '0' } });
      } else {
        json(response, 404, { error: `no route ${request.method} ${url.pathname}` });
      }
    }).catch((error: unknown) => {
      // A client that disconnects mid-stream ends the pipeline; nothing is left to answer.
      if (!response.headersSent) json(response, 500, { error: String(error) });
      else response.destroy();
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    streamRequests: () => streamRequests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A well-formed, unsigned JWT with a far expiry: the local server accepts any token. */
export function localToken(): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'bench', exp: Math.floor(Date.now() / 1000) + 86_400 })}.`;
}
