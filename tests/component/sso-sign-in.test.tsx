import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/app/App';
import { useAuthUi } from '../../renderer/src/features/auth/hooks/auth-ui';
import { useLocaleStore } from '../../renderer/src/i18n/i18n';
import type { EventName, EventPayload, KnownAccount, PlantdeskApi, SessionStatus } from '../../shared/contract';
import { PlantdeskError } from '../../shared/errors';

// A window.plantdesk whose answers each test sets per channel (a thrown PlantdeskError answers as
// the core would), and whose events a test can send, as the core does while single sign-on waits.
type Handler = (request: never) => unknown;
function installApi(handlers: Record<string, Handler>) {
  const calls: { channel: string; request: unknown }[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
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
  const onEvent = (name: string, listener: (payload: unknown) => void) => {
    const set = listeners.get(name) ?? new Set();
    set.add(listener);
    listeners.set(name, set);
    return () => set.delete(listener);
  };
  const api = new Proxy({} as Record<string, unknown>, { get: (_target, name: string) => (name === 'onEvent' ? onEvent : domain(name)) });
  Object.defineProperty(window, 'plantdesk', { value: api as unknown as PlantdeskApi, configurable: true });
  return {
    callsTo: (channel: string) => calls.filter((call) => call.channel === channel).map((call) => call.request),
    emit: <E extends EventName>(name: E, payload: EventPayload<E>) => act(() => listeners.get(name)?.forEach((listener) => listener(payload))),
  };
}

/** A call that answers when the test says so, like a single sign-on waiting for the browser. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const server = 'https://plant.example';
const email = 'casey@plant.example';
const PASSPHRASE = 'amber-lantern-over-the-kiln-7';
const ssoAccount: KnownAccount = {
  server,
  userId: 'u-2',
  email,
  displayName: 'Casey Contributor',
  tenantId: 't-1',
  tenantName: 'Northfield Plant',
  lastSignInAt: '2026-11-20T08:00:00.000Z',
  signInMethod: 'sso',
};
const signedOut: SessionStatus = { state: 'signed_out', online: false, user: null, tenantId: null, tenantName: null, server: null, grantNotAfter: null, lockReason: null, needsOnlineSignIn: false };
const locked: SessionStatus = {
  state: 'locked',
  online: false,
  user: { id: ssoAccount.userId, email, displayName: ssoAccount.displayName },
  tenantId: ssoAccount.tenantId,
  tenantName: ssoAccount.tenantName,
  server,
  grantNotAfter: null,
  lockReason: 'manual',
  needsOnlineSignIn: false,
};
const unlocked: SessionStatus = { ...locked, state: 'unlocked', online: true, lockReason: null, grantNotAfter: '2026-11-26T08:00:00.000Z' };
const northfield = { tenantId: 't-1', tenantName: 'Northfield Plant', ssoRequired: false, localCopy: false };

const base = (status: SessionStatus, accounts: KnownAccount[] = []) => ({
  'app.info': () => ({ name: 'Plantdesk', version: '2.0.0', platform: 'linux', arch: 'x64', nodeVersion: '20', electronVersion: null, coreHost: 'worker' }),
  'session.status': () => status,
  'session.accounts': () => accounts,
});

async function openSso() {
  fireEvent.click(await screen.findByRole('button', { name: 'Sign in with single sign-on' }));
  fireEvent.change(await screen.findByLabelText('Server address'), { target: { value: server } });
  fireEvent.change(screen.getByLabelText('Work email'), { target: { value: email } });
  fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
}

beforeEach(() => {
  localStorage.clear();
  useAuthUi.setState({ target: null, preferSignIn: false, signInWith: null });
  useLocaleStore.setState({ locale: 'en' });
});

afterEach(() => {
  cleanup();
  Reflect.deleteProperty(window, 'plantdesk');
});

describe('single sign-on on the sign-in screen', () => {
  it('finds the organisation for the email, asks a new passphrase twice with its rules, refuses two that differ, then starts the browser sign-in', async () => {
    const signIn = deferred<SessionStatus>();
    const api = installApi({ ...base(signedOut), 'auth.ssoProviders': () => ({ providers: [northfield] }), 'auth.ssoSignIn': () => signIn.promise });
    render(<App />);
    await openSso();

    expect(await screen.findByTestId('sso-target')).toHaveProperty('textContent', `${email} at Northfield Plant`);
    expect(api.callsTo('auth.ssoProviders')).toEqual([{ server, email }]);
    const passphrase = screen.getByLabelText('Choose a local passphrase');
    expect(passphrase.getAttribute('aria-describedby')).toBeTruthy();
    expect(screen.getByText(/12 to 128 characters, more than a few different ones, not made from your email or name/)).toBeTruthy();
    fireEvent.change(passphrase, { target: { value: PASSPHRASE } });
    fireEvent.change(screen.getByLabelText('Type the passphrase again'), { target: { value: `${PASSPHRASE}!` } });
    fireEvent.click(screen.getByRole('button', { name: 'Continue in your browser' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The two passphrases differ. Type the same passphrase twice.');
    expect(api.callsTo('auth.ssoSignIn')).toEqual([]);

    fireEvent.change(screen.getByLabelText('Type the passphrase again'), { target: { value: PASSPHRASE } });
    fireEvent.click(screen.getByRole('button', { name: 'Continue in your browser' }));
    expect(await screen.findByRole('heading', { name: 'Continue in your browser' })).toBeTruthy();
    expect(api.callsTo('auth.ssoSignIn')).toEqual([{ server, email, tenantId: 't-1', passphrase: PASSPHRASE, flow: 'browser' }]);
    // Nothing leads away from the form while the browser is out.
    expect(screen.queryByRole('button', { name: 'I have an enrolment link' })).toBeNull();
  });

  it('asks the existing passphrase once where this workstation holds the organisation’s data', async () => {
    installApi({ ...base(signedOut), 'auth.ssoProviders': () => ({ providers: [{ ...northfield, localCopy: true }] }) });
    render(<App />);
    await openSso();
    expect(await screen.findByLabelText('Passphrase')).toBeTruthy();
    expect(screen.getByText('The passphrase you chose at your first single sign-on on this workstation.')).toBeTruthy();
    expect(screen.queryByLabelText('Type the passphrase again')).toBeNull();
  });

  it('lets the person choose the organisation when the email signs in to several', async () => {
    const api = installApi({
      ...base(signedOut),
      'auth.ssoProviders': () => ({ providers: [northfield, { tenantId: 't-2', tenantName: 'Southbank Works', ssoRequired: true, localCopy: true }] }),
      'auth.ssoSignIn': () => new Promise(() => {}),
    });
    render(<App />);
    await openSso();
    const organisation = await screen.findByLabelText('Organisation');
    expect(within(organisation).getAllByRole('option').map((option) => option.textContent)).toEqual(['', 'Northfield Plant', 'Southbank Works']);
    expect(screen.queryByLabelText('Passphrase')).toBeNull();
    fireEvent.change(organisation, { target: { value: 't-2' } });
    fireEvent.change(screen.getByLabelText('Passphrase'), { target: { value: PASSPHRASE } });
    fireEvent.click(screen.getByRole('button', { name: 'Continue in your browser' }));
    await waitFor(() => expect(api.callsTo('auth.ssoSignIn')).toEqual([{ server, email, tenantId: 't-2', passphrase: PASSPHRASE, flow: 'browser' }]));
  });

  it('while the browser is out, shows the provider’s address without the request’s codes and the time left; Cancel stops it and returns to the form', async () => {
    const signIn = deferred<SessionStatus>();
    const api = installApi({
      ...base(signedOut),
      'auth.ssoProviders': () => ({ providers: [northfield] }),
      'auth.ssoSignIn': () => signIn.promise,
      'auth.ssoCancel': () => {
        signIn.reject(new PlantdeskError('sso_cancelled'));
        return { cancelled: true };
      },
    });
    render(<App />);
    await openSso();
    fireEvent.change(await screen.findByLabelText('Choose a local passphrase'), { target: { value: PASSPHRASE } });
    fireEvent.change(screen.getByLabelText('Type the passphrase again'), { target: { value: PASSPHRASE } });
    fireEvent.click(screen.getByRole('button', { name: 'Continue in your browser' }));
    expect(await screen.findByText('Opening your browser…')).toBeTruthy();

    const expiresAt = new Date(Date.now() + 4 * 60_000 + 30_000).toISOString();
    api.emit('sso.waiting', { flow: 'browser', authorizationUrl: 'https://login.plant.example/authorize?client_id=plantdesk-desktop&state=secret-state&code_challenge=abc', expiresAt });
    expect(screen.getByTestId('sso-provider-address').textContent).toBe('https://login.plant.example/authorize');
    expect(screen.getByTestId('sso-time-left').textContent).toMatch(/^4:(30|29) min$/);

    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect((await screen.findByRole('alert')).textContent).toContain('The single sign-on was cancelled; nobody was signed in.');
    expect(api.callsTo('auth.ssoCancel')).toEqual([{}]);
    expect((screen.getByLabelText('Choose a local passphrase') as HTMLInputElement).value).toBe(PASSPHRASE);
    expect(screen.getByRole('button', { name: 'Continue in your browser' })).toBeTruthy();
  });

  it.each([
    ['sso_timed_out', /did not come back to Plantdesk within 5 minutes/],
    ['sso_refused', /identity provider did not sign you in/],
    ['sso_no_account', /not a member of this organisation in Plantdesk/],
    ['weak_password', /That passphrase is not accepted: use 12 to 128 characters/],
  ])('says %s in words', async (code, text) => {
    installApi({ ...base(signedOut), 'auth.ssoProviders': () => ({ providers: [northfield] }), 'auth.ssoSignIn': () => Promise.reject(new PlantdeskError(code as never)) });
    render(<App />);
    await openSso();
    fireEvent.change(await screen.findByLabelText('Choose a local passphrase'), { target: { value: PASSPHRASE } });
    fireEvent.change(screen.getByLabelText('Type the passphrase again'), { target: { value: PASSPHRASE } });
    fireEvent.click(screen.getByRole('button', { name: 'Continue in your browser' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(text);
  });

  it('says when single sign-on is not set up for the email', async () => {
    installApi({ ...base(signedOut), 'auth.ssoProviders': () => Promise.reject(new PlantdeskError('sso_not_configured')) });
    render(<App />);
    await openSso();
    expect((await screen.findByRole('alert')).textContent).toMatch(/Single sign-on is not set up for this email or organisation/);
    expect(screen.getByLabelText('Work email')).toBeTruthy();
  });

  it('a wrong existing passphrase says so and offers the way out of a forgotten one', async () => {
    installApi({ ...base(signedOut), 'auth.ssoProviders': () => ({ providers: [{ ...northfield, localCopy: true }] }), 'auth.ssoSignIn': () => Promise.reject(new PlantdeskError('wrong_passphrase')) });
    render(<App />);
    await openSso();
    fireEvent.change(await screen.findByLabelText('Passphrase'), { target: { value: 'not it at all' } });
    fireEvent.click(screen.getByRole('button', { name: 'Continue in your browser' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/That passphrase does not open the local copy/);
    expect(screen.getByTestId('forgotten-passphrase').textContent).toMatch(/sign in with single sign-on again and choose a new passphrase: your data is downloaded again/);
  });

  it('in German', async () => {
    useLocaleStore.setState({ locale: 'de' });
    installApi({ ...base(signedOut), 'auth.ssoProviders': () => ({ providers: [northfield] }) });
    render(<App />);
    fireEvent.click(await screen.findByRole('button', { name: 'Mit Single Sign-on anmelden' }));
    expect(screen.getByLabelText('Geschäftliche E-Mail')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Serveradresse'), { target: { value: server } });
    fireEvent.change(screen.getByLabelText('Geschäftliche E-Mail'), { target: { value: email } });
    fireEvent.click(screen.getByRole('button', { name: 'Weiter' }));
    expect(await screen.findByLabelText('Lokale Passphrase wählen')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Im Browser fortfahren' })).toBeTruthy();
  });
});

describe('the password form where single sign-on is required', () => {
  it('says to use single sign-on and takes the server and email there', async () => {
    installApi({ ...base(signedOut), 'auth.signIn': () => Promise.reject(new PlantdeskError('sso_required')) });
    render(<App />);
    fireEvent.change(await screen.findByLabelText('Server address'), { target: { value: server } });
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: email } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'a password' } });
    fireEvent.change(screen.getByLabelText('Authenticator code'), { target: { value: '123456' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/Your organisation signs in with single sign-on, so passwords are refused/);
    const sso = screen.getByRole('button', { name: 'Sign in with single sign-on' });
    expect(sso.className).toContain('primary');
    fireEvent.click(sso);
    expect((await screen.findByLabelText('Work email')) as HTMLInputElement).toHaveProperty('value', email);
    expect(screen.getByLabelText('Server address')).toHaveProperty('value', server);
  });
});

describe('a single sign-on account on this workstation', () => {
  it('unlocks with its passphrase: the word is passphrase everywhere, and a wrong one is said as such', async () => {
    const api = installApi({ ...base(locked, [ssoAccount]), 'auth.unlock': () => Promise.reject(new PlantdeskError('wrong_passphrase')) });
    render(<App />);
    expect(await screen.findByText('You locked Plantdesk. Enter your passphrase to continue.')).toBeTruthy();
    expect(screen.queryByLabelText('Password')).toBeNull();
    fireEvent.change(screen.getByLabelText('Passphrase'), { target: { value: 'not it at all' } });
    fireEvent.click(screen.getByRole('button', { name: 'Unlock' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/That passphrase does not open the local copy on this workstation/);
    expect(api.callsTo('auth.unlock')).toEqual([{ password: 'not it at all', account: { server, userId: 'u-2', tenantId: 't-1' } }]);
    expect(screen.getByTestId('forgotten-passphrase')).toBeTruthy();
    expect(document.body.textContent).not.toMatch(/password/i);
  });

  it('offers single sign-on instead of the unlock, on the single sign-on form', async () => {
    installApi(base(locked, [ssoAccount]));
    render(<App />);
    fireEvent.click(await screen.findByRole('button', { name: 'Sign in with single sign-on instead' }));
    expect(((await screen.findByLabelText('Work email')) as HTMLInputElement).value).toBe(email);
  });

  it('a forgotten passphrase removes this workstation’s data by the words the core names, then single sign-on starts afresh', async () => {
    let status = locked;
    const api = installApi({
      ...base(locked, [ssoAccount]),
      'session.status': () => status,
      'auth.wipePreview': () => ({ pendingChanges: 2, confirmation: 'DISCARD 2' }),
      'auth.wipe': () => (status = signedOut),
    });
    render(<App />);
    fireEvent.click(await screen.findByRole('button', { name: 'Forgot your passphrase?' }));
    fireEvent.click(screen.getByRole('button', { name: 'Remove this workstation’s data…' }));
    expect(await screen.findByText('2 changes on this workstation have not reached the server and will be lost.')).toBeTruthy();
    const remove = screen.getByRole('button', { name: 'Remove this workstation’s data' });
    expect(remove).toHaveProperty('disabled', true);
    fireEvent.change(screen.getByLabelText('Type “DISCARD 2” to confirm'), { target: { value: 'DISCARD 2' } });
    fireEvent.click(remove);
    expect(await screen.findByText(/This workstation’s data for the account was removed/)).toBeTruthy();
    expect(api.callsTo('auth.wipe')).toEqual([{ confirm: 'DISCARD 2' }]);
    expect(((await screen.findByLabelText('Work email')) as HTMLInputElement).value).toBe(email);
  });

  it('changes its passphrase from the account menu (Passphrase…, not Password…)', async () => {
    const api = installApi({ ...base(unlocked, [ssoAccount]), 'auth.changePassphrase': () => ({ ok: true }) });
    render(<App />);
    fireEvent.click(await screen.findByRole('button', { name: 'Passphrase…' }));
    expect(screen.queryByRole('button', { name: 'Password…' })).toBeNull();
    const dialog = await screen.findByRole('dialog', { name: 'Change your passphrase' });
    fireEvent.change(within(dialog).getByLabelText('Current passphrase'), { target: { value: PASSPHRASE } });
    fireEvent.change(within(dialog).getByLabelText('New passphrase (12 or more characters)'), { target: { value: 'a-new-kiln-lantern-42' } });
    fireEvent.change(within(dialog).getByLabelText('Type the passphrase again'), { target: { value: 'a-new-kiln-lantern-42' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Change passphrase' }));
    expect(await within(dialog).findByTestId('passphrase-changed')).toBeTruthy();
    expect(api.callsTo('auth.changePassphrase')).toEqual([{ currentPassphrase: PASSPHRASE, newPassphrase: 'a-new-kiln-lantern-42' }]);
  });
});
