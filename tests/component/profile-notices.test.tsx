import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/app/App';
import { useAuthUi } from '../../renderer/src/features/auth/hooks/auth-ui';
import { useLocaleStore } from '../../renderer/src/i18n/i18n';
import type { PlantdeskApi, ProfileNotice, SessionStatus } from '../../shared/contract';

// The sign-in screen says, in the person's language, which damaged profile file was set aside
// and where it is kept.

function installApi(handlers: Record<string, () => unknown>) {
  const domain = (name: string) =>
    new Proxy({}, { get: (_target, method: string) => async () => {
      const handler = handlers[`${name}.${method}`];
      return handler ? { ok: true, value: handler() } : { ok: false, error: { code: 'core_unavailable', message: 'not stubbed' } };
    } });
  const api = new Proxy({} as Record<string, unknown>, { get: (_target, name: string) => (name === 'onEvent' ? () => () => {} : domain(name)) });
  Object.defineProperty(window, 'plantdesk', { value: api as unknown as PlantdeskApi, configurable: true });
}

const signedOut: SessionStatus = { state: 'signed_out', online: false, user: null, tenantId: null, tenantName: null, server: null, grantNotAfter: null, lockReason: null, needsOnlineSignIn: false };
const keptAs = '/home/ana/.config/Plantdesk/accounts.json.damaged-2026-12-06T05-04-11-000Z';
const accountsSetAside: ProfileNotice = {
  code: 'accounts_set_aside',
  at: '2026-12-06T05:04:11.000Z',
  keptAs,
  server: null,
  keyId: null,
  keyFingerprint: null,
  message: 'core sentence (the window words its own)',
};

function start(notices: ProfileNotice[]) {
  installApi({
    'app.info': () => ({ name: 'Plantdesk', version: '2.0.0', platform: 'linux', arch: 'x64', nodeVersion: '20', electronVersion: null, coreHost: 'worker' }),
    'session.status': () => signedOut,
    'session.accounts': () => [],
    'app.notices': () => notices,
  });
  render(<App />);
}

beforeEach(() => {
  localStorage.clear();
  useAuthUi.setState({ target: null, preferSignIn: false });
  useLocaleStore.setState({ locale: 'en' });
});
afterEach(() => {
  cleanup();
  Reflect.deleteProperty(window, 'plantdesk');
});

describe('profile notices on the sign-in screen', () => {
  it('say the list of accounts was set aside, where it is kept, and that nothing was lost', async () => {
    start([accountsSetAside]);
    const notice = await screen.findByTestId('profile-notices');
    expect(notice.getAttribute('role')).toBe('status');
    expect(within(notice).getByText(`The list of accounts on this workstation was damaged and was set aside (kept as ${keptAs}). Sign in again to use your local copy; nothing in it was lost.`)).toBeTruthy();
    expect(screen.getByLabelText('Password')).toBeTruthy();
  });

  it('are worded in German when the person reads German', async () => {
    useLocaleStore.setState({ locale: 'de' });
    start([accountsSetAside]);
    const notice = await screen.findByTestId('profile-notices');
    expect(notice.textContent).toContain(`Die Liste der Konten auf diesem Arbeitsplatz war beschädigt und wurde beiseitegelegt (aufbewahrt als ${keptAs})`);
  });

  it('are not shown when nothing was set aside', async () => {
    start([]);
    expect(await screen.findByLabelText('Password')).toBeTruthy();
    expect(screen.queryByTestId('profile-notices')).toBeNull();
  });
});
