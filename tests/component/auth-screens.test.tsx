import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../renderer/src/app/App';
import { useAuthUi } from '../../renderer/src/features/auth/hooks/auth-ui';
import { useLocaleStore } from '../../renderer/src/i18n/i18n';
import type { KnownAccount, PlantdeskApi, SessionStatus } from '../../shared/contract';
import { PlantdeskError } from '../../shared/errors';

// A window.plantdesk whose answers each test sets per channel; a handler that throws a
// PlantdeskError answers as the core would, with the typed error. Unstubbed channels answer
// core_unavailable (screens of other features inside the frame then show their error state).
type Handler = (request: never) => unknown;
function installApi(handlers: Record<string, Handler>) {
  const calls: { channel: string; request: unknown }[] = [];
  const domain = (name: string) =>
    new Proxy(
      {},
      {
        get: (_target, method: string) => async (request: unknown) => {
          const channel = `${name}.${method}`;
          calls.push({ channel, request });
          const handler = handlers[channel];
          if (!handler) return { ok: false, error: { code: 'core_unavailable', message: 'not stubbed' } };
          try {
            return { ok: true, value: await handler(request as never) };
          } catch (error) {
            return { ok: false, error: (error as PlantdeskError).toBody() };
          }
        },
      },
    );
  const api = new Proxy({} as Record<string, unknown>, { get: (_target, name: string) => (name === 'onEvent' ? () => () => {} : domain(name)) });
  Object.defineProperty(window, 'plantdesk', { value: api as unknown as PlantdeskApi, configurable: true });
  return { calls, callsTo: (channel: string) => calls.filter((call) => call.channel === channel).map((call) => call.request) };
}

const server = 'https://plant.example';
const account: KnownAccount = {
  server,
  userId: 'u-1',
  email: 'ana@plant.example',
  displayName: 'Ana Admin',
  tenantId: 't-1',
  tenantName: 'Northfield Plant',
  lastSignInAt: '2026-11-20T08:00:00.000Z',
};
const second: KnownAccount = { ...account, tenantId: 't-2', tenantName: 'Southbank Works', lastSignInAt: '2026-11-19T08:00:00.000Z' };

const signedOut: SessionStatus = { state: 'signed_out', online: false, user: null, tenantId: null, tenantName: null, server: null, grantNotAfter: null, lockReason: null, needsOnlineSignIn: false };
const locked = (overrides: Partial<SessionStatus> = {}): SessionStatus => ({
  state: 'locked',
  online: false,
  user: { id: account.userId, email: account.email, displayName: account.displayName },
  tenantId: account.tenantId,
  tenantName: account.tenantName,
  server,
  grantNotAfter: null,
  lockReason: 'idle',
  needsOnlineSignIn: false,
  ...overrides,
});
const unlocked: SessionStatus = { ...locked(), state: 'unlocked', online: true, lockReason: null, grantNotAfter: '2026-11-26T08:00:00.000Z' };

const base = (status: SessionStatus, accounts: KnownAccount[] = [account]) => ({
  'app.info': () => ({ name: 'Plantdesk', version: '2.0.0', platform: 'linux', arch: 'x64', nodeVersion: '20', electronVersion: null, coreHost: 'worker' }),
  'session.status': () => status,
  'session.accounts': () => accounts,
});

async function fillSignIn(values: { password?: string; code?: string } = {}) {
  fireEvent.change(await screen.findByLabelText('Password'), { target: { value: values.password ?? 'correct horse battery' } });
  fireEvent.change(screen.getByLabelText('Authenticator code'), { target: { value: values.code ?? '123456' } });
}

const submitSignIn = () => fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));

beforeEach(() => {
  localStorage.clear();
  useAuthUi.setState({ target: null, preferSignIn: false });
  useLocaleStore.setState({ locale: 'en' });
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  Reflect.deleteProperty(window, 'plantdesk');
});

describe('the sign-in screen', () => {
  it('offers labelled fields with the last used server prefilled and a numeric code field', async () => {
    installApi(base(signedOut, [account, { ...second, server: 'https://old.example', lastSignInAt: '2025-01-01T00:00:00.000Z' }]));
    render(<App />);
    expect(await screen.findByDisplayValue(server)).toBe(screen.getByLabelText('Server address'));
    expect((screen.getByLabelText('Email') as HTMLInputElement).value).toBe('');
    const code = screen.getByLabelText('Authenticator code') as HTMLInputElement;
    expect(code.inputMode).toBe('numeric');
    fireEvent.change(code, { target: { value: '12a3 4567' } });
    expect(code.value).toBe('123456');
  });

  it('sends server, email, password, code and the chosen organisation, and opens the frame', async () => {
    let status = signedOut;
    const api = installApi({
      ...base(signedOut, [account, second]),
      'session.status': () => status,
      'auth.signIn': () => (status = unlocked),
    });
    render(<App />);
    fireEvent.change(await screen.findByLabelText('Email'), { target: { value: account.email } });
    await fillSignIn();
    fireEvent.change(screen.getByLabelText('Organisation'), { target: { value: 't-2' } });
    submitSignIn();
    expect(await screen.findByRole('navigation', { name: 'Modules' })).toBeTruthy();
    expect(api.callsTo('auth.signIn')).toEqual([{ server, email: account.email, password: 'correct horse battery', totpCode: '123456', tenantId: 't-2' }]);
  });

  const expectedMessages: [string, RegExp][] = [
    ['invalid_credentials', /email or password is not right/],
    ['invalid_code', /authenticator code is not right or was already used/],
    ['server_key_changed', /signing key is not the one this workstation trusted/],
    ['keychain_unavailable', /system keychain is locked or not running/],
    ['insecure_server_url', /only connects over https/],
    ['server_unreachable', /server cannot be reached/],
    ['grant_expired', /worked offline longer than your organisation allows/],
    ['user_inactive', /account is deactivated/],
    ['no_membership', /no access to that organisation/],
    ['locked', /locked after too many failed sign-ins/],
    ['throttled', /Too many failed sign-ins/],
    ['rate_limited', /Too many attempts in a short time/],
    ['store_too_new', /written by a newer version/],
  ];

  it.each(expectedMessages)('explains %s in its own words', async (code, message) => {
    installApi({ ...base(signedOut, []), 'auth.signIn': () => Promise.reject(new PlantdeskError(code)) });
    render(<App />);
    fireEvent.change(await screen.findByLabelText('Server address'), { target: { value: server } });
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: account.email } });
    await fillSignIn();
    submitSignIn();
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(message);
    expect(alert.closest('[data-error-code]')?.getAttribute('data-error-code')).toBe(code);
    // The code was spent or wrong: the field is empty for the next one.
    expect((screen.getByLabelText('Authenticator code') as HTMLInputElement).value).toBe('');
  });

  it('counts down a throttled wait and keeps the button disabled until it ends', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'], shouldAdvanceTime: true });
    installApi({ ...base(signedOut), 'auth.signIn': () => Promise.reject(new PlantdeskError('throttled', undefined, { retryAfter: 3 })) });
    render(<App />);
    fireEvent.change(await screen.findByLabelText('Email'), { target: { value: account.email } });
    await fillSignIn();
    submitSignIn();
    expect((await screen.findByTestId('retry-countdown')).textContent).toBe('You can try again in 3 s.');
    const button = screen.getByRole('button', { name: 'Sign in' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    await act(async () => void vi.advanceTimersByTime(1_000));
    expect(screen.getByTestId('retry-countdown').textContent).toBe('You can try again in 2 s.');
    await act(async () => void vi.advanceTimersByTime(2_000));
    expect(screen.queryByTestId('retry-countdown')).toBeNull();
    expect(button.disabled).toBe(false);
  });

  it('shows the rate limit countdown from retryAfter too', async () => {
    installApi({ ...base(signedOut), 'auth.signIn': () => Promise.reject(new PlantdeskError('rate_limited', undefined, { retryAfter: 42 })) });
    render(<App />);
    fireEvent.change(await screen.findByLabelText('Email'), { target: { value: account.email } });
    await fillSignIn();
    submitSignIn();
    expect((await screen.findByTestId('retry-countdown')).textContent).toBe('You can try again in 42 s.');
    expect((screen.getByRole('button', { name: 'Sign in' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('asks for the previous password when the server password changed, and sends it with the next attempt', async () => {
    const api = installApi({
      ...base(signedOut),
      'auth.signIn': (request: { previousPassword?: string }) =>
        request.previousPassword ? unlocked : Promise.reject(new PlantdeskError('previous_password_needed')),
    });
    render(<App />);
    fireEvent.change(await screen.findByLabelText('Email'), { target: { value: account.email } });
    await fillSignIn({ password: 'new password 2026' });
    expect(screen.queryByLabelText('Previous password')).toBeNull();
    submitSignIn();
    expect((await screen.findByRole('alert')).textContent).toMatch(/still locked with the previous one/);
    fireEvent.change(screen.getByLabelText('Previous password'), { target: { value: 'old password 2025' } });
    await fillSignIn({ password: 'new password 2026', code: '654321' });
    submitSignIn();
    await waitFor(() => expect(api.callsTo('auth.signIn')).toHaveLength(2));
    expect(api.callsTo('auth.signIn')[1]).toMatchObject({ password: 'new password 2026', previousPassword: 'old password 2025', totpCode: '654321' });
  });

  it('offers an offline unlock of a known account when the server cannot be reached', async () => {
    const api = installApi({
      ...base(signedOut),
      'auth.signIn': () => Promise.reject(new PlantdeskError('server_unreachable')),
      'auth.unlock': () => ({ ...unlocked, online: false }),
    });
    render(<App />);
    fireEvent.change(await screen.findByLabelText('Email'), { target: { value: account.email } });
    await fillSignIn();
    submitSignIn();
    expect((await screen.findByText(/You can unlock Northfield Plant offline/)).textContent).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Unlock offline instead' }));
    fireEvent.change(await screen.findByLabelText('Password'), { target: { value: 'correct horse battery' } });
    fireEvent.click(screen.getByRole('button', { name: 'Unlock' }));
    expect(await screen.findByTestId('connection')).toHaveProperty('textContent', expect.stringMatching(/Offline/));
    expect(api.callsTo('auth.unlock')).toEqual([{ password: 'correct horse battery', account: { server, userId: 'u-1', tenantId: 't-1' } }]);
  });

  it('offers a single sign-on account its offline unlock with the passphrase, not a password', async () => {
    installApi({
      ...base(signedOut, [{ ...account, signInMethod: 'sso' }]),
      'auth.signIn': () => Promise.reject(new PlantdeskError('server_unreachable')),
    });
    render(<App />);
    fireEvent.change(await screen.findByLabelText('Email'), { target: { value: account.email } });
    await fillSignIn();
    submitSignIn();
    expect((await screen.findByText(/You can unlock Northfield Plant offline/)).textContent).toBe('The server cannot be reached. You can unlock Northfield Plant offline with your passphrase.');
  });

  it('shows German labels when the locale is German', async () => {
    useLocaleStore.setState({ locale: 'de' });
    installApi(base(signedOut));
    render(<App />);
    expect(await screen.findByLabelText('Serveradresse')).toBeTruthy();
    expect(screen.getByLabelText('Authenticator-Code')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Anmelden' })).toBeTruthy();
  });
});

describe('the unlock screen', () => {
  it('names the account, organisation and offline window, explains an idle lock, and unlocks offline with the password', async () => {
    localStorage.setItem(`plantdesk.grantNotAfter:${server}|u-1|t-1`, '2026-11-26T08:00:00.000Z');
    let status = locked();
    const api = installApi({ ...base(locked()), 'session.status': () => status, 'auth.unlock': () => (status = { ...unlocked, online: false }) });
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Unlock' })).toBeTruthy();
    expect(screen.getByText(/Locked after a period without activity/)).toBeTruthy();
    expect(screen.getByText('Northfield Plant')).toBeTruthy();
    expect(screen.getByText('Ana Admin')).toBeTruthy();
    // Never the workstation's zone: before the account has seen its site's zone, UTC, named.
    expect(screen.getByTestId('offline-until').textContent).toMatch(/Nov 26, 2026, 8:00 AM UTC$/);
    expect(screen.queryByLabelText('Authenticator code')).toBeNull();
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'correct horse battery' } });
    fireEvent.click(screen.getByRole('button', { name: 'Unlock' }));
    expect(await screen.findByRole('navigation', { name: 'Modules' })).toBeTruthy();
    expect(api.callsTo('auth.unlock')).toEqual([{ password: 'correct horse battery', account: { server, userId: 'u-1', tenantId: 't-1' } }]);
  });

  it('takes the offline window from the account the core remembers, without any earlier unlock in this window', async () => {
    installApi(base(locked({ lockReason: 'manual' }), [{ ...account, grantNotAfter: '2026-11-27T08:00:00.000Z' }]));
    render(<App />);
    await waitFor(() => expect(screen.getByTestId('offline-until').textContent).toMatch(/Nov 27, 2026/));
  });

  it('shows the offline window on the site clock the account last saw, whatever the workstation zone', async () => {
    installApi(base(locked({ lockReason: 'manual' }), [{ ...account, grantNotAfter: '2026-11-27T08:00:00.000Z', timeZone: 'America/Chicago' }]));
    render(<App />);
    await waitFor(() => expect(screen.getByTestId('offline-until').textContent).toBe('Nov 27, 2026, 2:00 AM CST'));
  });

  it('says when the offline window is not known yet', async () => {
    installApi(base(locked({ lockReason: 'manual' })));
    render(<App />);
    expect((await screen.findByTestId('offline-until')).textContent).toBe('Shown after the next unlock');
    expect(screen.getByText(/You locked Plantdesk/)).toBeTruthy();
  });

  it('shows a wrong password in its own words and keeps the form', async () => {
    installApi({ ...base(locked()), 'auth.unlock': () => Promise.reject(new PlantdeskError('wrong_password')) });
    render(<App />);
    fireEvent.change(await screen.findByLabelText('Password'), { target: { value: 'wrong' } });
    fireEvent.click(screen.getByRole('button', { name: 'Unlock' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/does not open the local copy/);
    expect(screen.getByRole('heading', { name: 'Unlock' })).toBeTruthy();
  });

  it('asks for an online sign-in, account prefilled, when the server ended the session', async () => {
    installApi(base(locked({ lockReason: 'session_ended', needsOnlineSignIn: true })));
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy();
    expect(screen.getByTestId('needs-online-sign-in').textContent).toMatch(/Your session was ended on the server/);
    expect((screen.getByLabelText('Server address') as HTMLInputElement).value).toBe(server);
    expect((screen.getByLabelText('Email') as HTMLInputElement).value).toBe(account.email);
    expect((screen.getByLabelText('Organisation') as HTMLSelectElement).value).toBe('t-1');
    expect(screen.queryByRole('button', { name: 'Unlock' })).toBeNull();
  });

  it('asks for an online sign-in when the offline window has run out', async () => {
    installApi(base(locked({ lockReason: 'grant_expired' })));
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy();
    expect(screen.getByTestId('needs-online-sign-in').textContent).toMatch(/worked offline for as long as your organisation allows/);
  });

  it('switches to the online sign-in when an unlock meets a revoked session', async () => {
    installApi({ ...base(locked()), 'auth.unlock': () => Promise.reject(new PlantdeskError('session_revoked')) });
    render(<App />);
    fireEvent.change(await screen.findByLabelText('Password'), { target: { value: 'correct horse battery' } });
    fireEvent.click(screen.getByRole('button', { name: 'Unlock' }));
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy();
    const notice = screen.getByTestId('needs-online-sign-in');
    expect(within(notice).getByRole('alert').textContent).toMatch(/session was ended on the server/);
    expect((screen.getByLabelText('Email') as HTMLInputElement).value).toBe(account.email);
  });

  it('lets the person choose the online sign-in and come back to the offline unlock', async () => {
    installApi(base(locked({ lockReason: 'manual' })));
    render(<App />);
    fireEvent.click(await screen.findByRole('button', { name: 'Sign in online instead' }));
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Unlock offline instead' }));
    expect(await screen.findByRole('heading', { name: 'Unlock' })).toBeTruthy();
  });
});
