import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { LOOPBACK_CALLBACK_PATH, startLoopbackListener, type LoopbackListener } from '../../../../main/core/session/sso-loopback';

// The loopback redirect of the desktop's single sign-on (RFC 8252 7.3), on a real socket.
const STATE = 'the-state-this-sign-in-made-0123456789';

/** Whether anything still listens on the port: ECONNREFUSED once the listener is gone. */
function connectOutcome(port: number): Promise<'connected' | string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

const get = (listener: LoopbackListener, pathAndQuery: string) => fetch(`http://127.0.0.1:${listener.port}${pathAndQuery}`);

describe('the single sign-on loopback listener', () => {
  it('listens on 127.0.0.1 on a port the system picks, with the registered path', async () => {
    const listener = await startLoopbackListener({ state: STATE });
    expect(listener.redirectUri).toBe(`http://127.0.0.1:${listener.port}${LOOPBACK_CALLBACK_PATH}`);
    expect(listener.port).toBeGreaterThan(0);
    listener.cancel();
    await listener.closed;
  });

  it('answers another path with 404 and a wrong or missing state with 400, without completing', async () => {
    const listener = await startLoopbackListener({ state: STATE });
    let settled = false;
    void listener.response.then(
      () => (settled = true),
      () => (settled = true),
    );
    expect((await get(listener, `/elsewhere?code=abc&state=${STATE}`)).status).toBe(404);
    expect((await get(listener, `${LOOPBACK_CALLBACK_PATH}?code=abc&state=not-the-state`)).status).toBe(400);
    expect((await get(listener, `${LOOPBACK_CALLBACK_PATH}?code=abc`)).status).toBe(400);
    expect((await get(listener, `${LOOPBACK_CALLBACK_PATH}?error=access_denied&state=forged`)).status).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    expect(await connectOutcome(listener.port)).toBe('connected');
    // The right answer still completes it afterwards.
    const page = await get(listener, `${LOOPBACK_CALLBACK_PATH}?code=the-code&state=${STATE}&iss=${encodeURIComponent('https://idp.example')}`);
    expect(page.status).toBe(200);
    await expect(listener.response).resolves.toEqual({ code: 'the-code', iss: 'https://idp.example' });
    await listener.closed;
  });

  it('tells the browser to return to Plantdesk, without the code or state, and is gone after success', async () => {
    const listener = await startLoopbackListener({ state: STATE });
    const page = await get(listener, `${LOOPBACK_CALLBACK_PATH}?code=secret-code-value&state=${STATE}`);
    const html = await page.text();
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(html).toMatch(/Return to Plantdesk/);
    expect(html).not.toContain('secret-code-value');
    expect(html).not.toContain(STATE);
    await expect(listener.response).resolves.toEqual({ code: 'secret-code-value', iss: null });
    await listener.closed;
    expect(await connectOutcome(listener.port)).toBe('ECONNREFUSED');
  });

  it('ends with sso_refused when the provider answers an error for this state, and is gone', async () => {
    const listener = await startLoopbackListener({ state: STATE });
    expect((await get(listener, `${LOOPBACK_CALLBACK_PATH}?error=access_denied&error_description=%3Cscript%3E&state=${STATE}`)).status).toBe(200);
    await expect(listener.response).rejects.toMatchObject({ code: 'sso_refused', details: { reason: 'access_denied' } });
    await listener.closed;
    expect(await connectOutcome(listener.port)).toBe('ECONNREFUSED');
  });

  it('is gone after cancel, which ends the wait with sso_cancelled', async () => {
    const listener = await startLoopbackListener({ state: STATE });
    expect(await connectOutcome(listener.port)).toBe('connected');
    listener.cancel();
    await expect(listener.response).rejects.toMatchObject({ code: 'sso_cancelled' });
    await listener.closed;
    expect(await connectOutcome(listener.port)).toBe('ECONNREFUSED');
  });

  it('is gone after its time limit, which ends the wait with sso_timed_out', async () => {
    const listener = await startLoopbackListener({ state: STATE, timeoutMs: 100 });
    await expect(listener.response).rejects.toMatchObject({ code: 'sso_timed_out' });
    await listener.closed;
    expect(await connectOutcome(listener.port)).toBe('ECONNREFUSED');
  });
});
