import http from 'node:http';

/**
 * An HTTP proxy on 127.0.0.1 that can replace the body of the next answers to one path, to
 * test how a client treats a malformed or hostile answer. Everything else passes unchanged.
 */
export interface TamperingProxy {
  url: string;
  /** The next `count` answers whose path starts with `pathPrefix` get `rewrite(body)` instead (and `status`, if given). */
  tamperNext(pathPrefix: string, count: number, rewrite: (body: string) => string, status?: number): void;
  /** The request lines seen, in order. */
  requests: string[];
  close(): Promise<void>;
}

export async function startTamperingProxy(targetPort: number): Promise<TamperingProxy> {
  const plans: { pathPrefix: string; rewrite: (body: string) => string; status?: number }[] = [];
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    const upstream = http.request(
      { host: '127.0.0.1', port: targetPort, method: request.method, path: request.url, headers: request.headers },
      (answer) => {
        const index = plans.findIndex((plan) => request.url?.startsWith(plan.pathPrefix));
        if (index < 0) {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
          return;
        }
        const [plan] = plans.splice(index, 1);
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const body = Buffer.from(plan.rewrite(Buffer.concat(chunks).toString('utf8')), 'utf8');
          const headers = { ...answer.headers, 'content-length': String(body.length) };
          delete headers['transfer-encoding'];
          response.writeHead(plan.status ?? answer.statusCode ?? 502, headers);
          response.end(body);
        });
      },
    );
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    tamperNext(pathPrefix, count, rewrite, status) {
      for (let i = 0; i < count; i++) plans.push({ pathPrefix, rewrite, status });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
