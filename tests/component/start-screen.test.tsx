import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/app/App';
import type { PlantdeskApi } from '../../shared/contract';

// Component tests give the renderer a window.plantdesk whose answers the test controls;
// the real core behind the real transport is covered by the e2e suite.
function installApi(answers: { info: unknown; status: unknown }) {
  const api = {
    app: { info: async () => answers.info },
    session: { status: async () => answers.status, accounts: async () => ({ ok: true, value: [] }) },
    onEvent: () => () => {},
  };
  Object.defineProperty(window, 'plantdesk', { value: api as unknown as PlantdeskApi, configurable: true });
}

afterEach(() => {
  cleanup();
  Reflect.deleteProperty(window, 'plantdesk');
});

const info = { name: 'Plantdesk', version: '2.0.0', platform: 'linux', arch: 'x64', nodeVersion: '20', electronVersion: null, coreHost: 'worker' };
const signedOut = { state: 'signed_out', online: false, user: null, tenantId: null, tenantName: null, server: null, grantNotAfter: null, lockReason: null, needsOnlineSignIn: false };

describe('the first screen (sign-in shell)', () => {
  it('shows a checking state before the core answers', () => {
    installApi({ info: new Promise(() => {}), status: new Promise(() => {}) });
    render(<App />);
    expect(screen.getByTestId('session-state').textContent).toBe('Checking…');
  });

  it('shows the session state, the sign-in form and the app version from the core', async () => {
    installApi({ info: { ok: true, value: info }, status: { ok: true, value: signedOut } });
    render(<App />);
    expect(await screen.findByText('Not signed in')).toBeTruthy();
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeTruthy();
    expect((await screen.findByTestId('app-info')).textContent).toContain('Plantdesk 2.0.0');
  });

  it('shows the typed error message when the core refuses', async () => {
    const refusal = { ok: false, error: { code: 'core_unavailable', message: 'The Plantdesk engine is not running.' } };
    installApi({ info: refusal, status: refusal });
    render(<App />);
    expect((await screen.findByRole('alert', {}, { timeout: 5000 })).textContent).toContain('engine is not running');
  });
});
