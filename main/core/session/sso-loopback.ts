import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PlantdeskError } from '../../../shared/errors';

/**
 * The loopback redirect of a native app's sign-in (RFC 8252 7.3): an HTTP listener on
 * 127.0.0.1, on a port the system picks, for one authorization response. It answers only the
 * expected path (else 404) with the expected `state` (else 400); neither completes the sign-in,
 * so another program on this machine that guesses the port cannot end or steer it. It closes
 * itself after the answer, on cancel, and when the time limit passes.
 */

/** The redirect path registered with providers for the desktop client. */
export const LOOPBACK_CALLBACK_PATH = '/callback';

/** How long the browser part may take before the listener gives up (RFC 8252 leaves it to the app). */
export const SSO_BROWSER_TIMEOUT_MS = 5 * 60_000;

export interface AuthorizationResponse {
  code: string;
  /** The response's `iss` (RFC 9207), where the provider sends one. */
  iss: string | null;
}

export interface LoopbackListener {
  redirectUri: string;
  port: number;
  /** The code, or sso_refused (the provider answered an error), sso_cancelled or sso_timed_out. */
  response: Promise<AuthorizationResponse>;
  cancel(): void;
  /** Resolves once the port is released. */
  closed: Promise<void>;
}

// The page the browser shows: no code, no state, nothing from the request echoed back.
const page = (title: string, text: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>` +
  `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;line-height:1.5"><h1>${title}</h1><p>${text}</p></body></html>`;
const signedInPage = page('Plantdesk', 'You are signed in. Return to Plantdesk; you can close this tab.');
const refusedPage = page('Plantdesk', 'The sign-in did not complete. Return to Plantdesk to try again; you can close this tab.');

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

function answer(res: ServerResponse, status: number, body: string, html = false): void {
  res.writeHead(status, {
    'Content-Type': html ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    // The page loads nothing and is framed by nothing; the code in its address is sent to no one.
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    Connection: 'close',
  });
  res.end(body);
}

export async function startLoopbackListener(options: { state: string; timeoutMs?: number }): Promise<LoopbackListener> {
  const server = createServer();
  let settle: { resolve: (value: AuthorizationResponse) => void; reject: (error: Error) => void } | null = null;
  const response = new Promise<AuthorizationResponse>((resolve, reject) => (settle = { resolve, reject }));
  // A rejection nobody awaits yet (cancel before the caller listens) must not crash the process.
  response.catch(() => undefined);
  let closedResolve: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (closedResolve = resolve));
  let finished = false;

  const finish = (outcome: { ok: AuthorizationResponse } | { error: PlantdeskError }) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    if ('ok' in outcome) settle!.resolve(outcome.ok);
    else settle!.reject(outcome.error);
    server.close(() => closedResolve());
    // Keep-alive sockets would hold the port open past close().
    server.closeIdleConnections();
  };

  const timer = setTimeout(() => finish({ error: new PlantdeskError('sso_timed_out') }), options.timeoutMs ?? SSO_BROWSER_TIMEOUT_MS);

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (finished) return answer(res, 410, 'This sign-in has ended.');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== LOOPBACK_CALLBACK_PATH) return answer(res, 404, 'Not found.');
    if (req.method !== 'GET') return answer(res, 405, 'Method not allowed.');
    const state = url.searchParams.get('state');
    if (state === null || !sameText(state, options.state)) return answer(res, 400, 'This answer is not for the sign-in Plantdesk is waiting for.');
    const code = url.searchParams.get('code');
    const iss = url.searchParams.get('iss');
    if (url.searchParams.has('error') || !code) {
      answer(res, 200, refusedPage, true);
      // The provider's error code says why (access_denied...); its free-text description is not kept.
      const reason = (url.searchParams.get('error') ?? 'no_code').replace(/[^a-z_]/g, '').slice(0, 64);
      finish({ error: new PlantdeskError('sso_refused', undefined, { reason }) });
      return;
    }
    // Answered first: close() lets this response finish, and the Connection: close ends its socket.
    answer(res, 200, signedInPage, true);
    finish({ ok: { code, iss } });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    server.listen(0, '127.0.0.1', () => {
      server.removeAllListeners('error');
      // Past listening, a socket error ends this sign-in instead of the process.
      server.on('error', () => finish({ error: new PlantdeskError('sso_cancelled') }));
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    redirectUri: `http://127.0.0.1:${port}${LOOPBACK_CALLBACK_PATH}`,
    port,
    response,
    cancel: () => finish({ error: new PlantdeskError('sso_cancelled') }),
    closed,
  };
}
