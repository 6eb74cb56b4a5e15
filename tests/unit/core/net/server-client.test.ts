import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ServerClient } from '../../../../main/core/net/server-client';
import { parseServerUrl } from '../../../../main/core/net/server-url';

const Pong = z.object({ pong: z.literal(true) }).strict();

/** A self-signed certificate for 127.0.0.1, made by openssl for this test run only. */
function makeCertificate() {
  const dir = mkdtempSync(path.join(tmpdir(), 'tls-'));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  ], { stdio: 'ignore' });
  return { key: readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert: readFileSync(path.join(dir, 'cert.pem'), 'utf8') };
}

function handler(request: http.IncomingMessage, response: http.ServerResponse) {
  const send = (status: number, body: string) => {
    response.writeHead(status, { 'Content-Type': 'application/json' });
    response.end(body);
  };
  if (request.url === '/v1/ping') return send(200, JSON.stringify({ pong: true }));
  if (request.url === '/v1/not-json') return send(200, '<html>proxy login</html>');
  if (request.url === '/v1/wrong-shape') return send(200, JSON.stringify({ pong: 'yes' }));
  if (request.url === '/v1/denied') return send(403, JSON.stringify({ error: { code: 'forbidden', message: 'server words' } }));
  if (request.url === '/v1/huge') return send(200, JSON.stringify({ pong: true, pad: 'x'.repeat(5000) }));
  if (request.url === '/v1/echo-auth') return send(200, JSON.stringify({ pong: request.headers.authorization === 'Bearer t0ken' }));
  return send(404, JSON.stringify({ error: { code: 'not_found', message: 'no' } }));
}

async function listen(server: http.Server | https.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('parseServerUrl', () => {
  it.each(['https://plant.example', 'https://plant.example/base/', 'http://127.0.0.1:8787', 'http://localhost:8787'])('accepts %s', (url) => {
    expect(() => parseServerUrl(url)).not.toThrow();
  });

  it.each(['http://plant.example', 'ftp://plant.example', 'https://user:pw@plant.example', 'https://plant.example/?x=1', 'plant.example', ''])(
    'refuses %s with insecure_server_url',
    (url) => {
      expect(() => parseServerUrl(url)).toThrowError(expect.objectContaining({ code: 'insecure_server_url' }));
    },
  );
});

describe('ServerClient over plain http on loopback', () => {
  const server = http.createServer(handler);
  let client: ServerClient;

  beforeAll(async () => {
    client = new ServerClient({ baseUrl: `http://127.0.0.1:${await listen(server)}`, maxResponseBytes: 1000 });
  });
  afterAll(() => {
    client.close();
    server.close();
  });

  it('returns the answer parsed by the schema', async () => {
    await expect(client.request({ path: '/ping', schema: Pong })).resolves.toEqual({ pong: true });
  });

  it('sends the bearer token', async () => {
    await expect(client.request({ path: '/echo-auth', token: 't0ken', schema: Pong })).resolves.toEqual({ pong: true });
  });

  it('turns the server error envelope into its typed code with the app\'s own message', async () => {
    await expect(client.request({ path: '/denied', schema: Pong })).rejects.toMatchObject({ code: 'forbidden', status: 403, message: expect.stringMatching(/role/) });
  });

  it.each([['/not-json'], ['/wrong-shape'], ['/huge']])('refuses %s as invalid_server_response', async (route) => {
    await expect(client.request({ path: route, schema: Pong })).rejects.toMatchObject({ code: 'invalid_server_response' });
  });

  it('reports a closed port as server_unreachable', async () => {
    const closed = http.createServer();
    const port = await listen(closed);
    closed.close();
    const offline = new ServerClient({ baseUrl: `http://127.0.0.1:${port}` });
    await expect(offline.request({ path: '/ping', schema: Pong })).rejects.toMatchObject({ code: 'server_unreachable' });
    offline.close();
  });
});

describe('ServerClient over TLS', () => {
  const certificate = makeCertificate();

  it('talks to a server whose certificate chains to a trusted CA', async () => {
    const server = https.createServer(certificate, handler);
    const client = new ServerClient({ baseUrl: `https://127.0.0.1:${await listen(server)}`, ca: certificate.cert });
    await expect(client.request({ path: '/ping', schema: Pong })).resolves.toEqual({ pong: true });
    client.close();
    server.close();
  });

  it('refuses an untrusted certificate without sending the request', async () => {
    let reached = false;
    const server = https.createServer(certificate, (request, response) => {
      reached = true;
      handler(request, response);
    });
    const client = new ServerClient({ baseUrl: `https://127.0.0.1:${await listen(server)}` });
    await expect(client.request({ path: '/ping', schema: Pong })).rejects.toMatchObject({ code: 'insecure_server_url' });
    expect(reached).toBe(false);
    client.close();
    server.close();
  });

  it('refuses a server that only speaks TLS 1.1', async () => {
    const server = https.createServer({ ...certificate, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }, handler);
    const client = new ServerClient({ baseUrl: `https://127.0.0.1:${await listen(server)}`, ca: certificate.cert });
    await expect(client.request({ path: '/ping', schema: Pong })).rejects.toMatchObject({ code: 'insecure_server_url' });
    client.close();
    server.close();
  });
});
