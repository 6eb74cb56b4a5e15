import { createServer, connect, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 that can cut connections after a number of bytes from the server,
 * to test a sync interrupted mid-answer. It also records the request lines it forwarded.
 */
export interface CuttingProxy {
  url: string;
  requests: string[];
  /** Cuts each of the next `count` connections after `bytes` bytes of answer. */
  cutNext(count: number, bytes: number): void;
  /** Down: open connections are dropped and new ones refused, as when the network goes away. */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

export async function startCuttingProxy(targetPort: number): Promise<CuttingProxy> {
  const cuts: number[] = [];
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  let down = false;
  const server = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const limit = cuts.shift() ?? Infinity;
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    let sent = 0;
    client.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('latin1').split('\r\n')) if (/^(GET|POST|PATCH|DELETE) /.test(line)) requests.push(line);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (sent + chunk.length >= limit) {
        client.write(chunk.subarray(0, Math.max(0, limit - sent)));
        client.destroy();
        upstream.destroy();
        return;
      }
      sent += chunk.length;
      client.write(chunk);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    cutNext(count, bytes) {
      for (let i = 0; i < count; i++) cuts.push(bytes);
    },
    setDown(value) {
      down = value;
      if (value) for (const socket of sockets) socket.destroy();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
