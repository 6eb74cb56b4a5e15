import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../renderer/src/app/App';
import { useAuthUi } from '../../renderer/src/features/auth/hooks/auth-ui';
import { activityThrottleMs } from '../../renderer/src/features/auth/hooks/use-activity-reporter';
import { useLocaleStore } from '../../renderer/src/i18n/i18n';
import { useSyncActivity } from '../../renderer/src/lib/sync-activity';
import type { KnownAccount, PlantdeskApi, SessionStatus } from '../../shared/contract';
import type { PermissionRule } from '../../shared/rbac';

// A window.plantdesk with answers per channel and events the test emits; channels nobody
// stubbed answer core_unavailable (the screen inside the frame then shows its error state).
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
          return handler ? { ok: true, value: await handler(request as never) } : { ok: false, error: { code: 'core_unavailable', message: 'not stubbed' } };
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
    emit: (name: string, payload: unknown) => act(() => listeners.get(name)?.forEach((listener) => listener(payload))),
  };
}

const server = 'https://plant.example';
const northfield: KnownAccount = { server, userId: 'u-1', email: 'ana@plant.example', displayName: 'Ana Admin', tenantId: 't-1', tenantName: 'Northfield Plant', lastSignInAt: '2026-11-20T08:00:00.000Z' };
const southbank: KnownAccount = { ...northfield, tenantId: 't-2', tenantName: 'Southbank Works' };
const unlocked = (overrides: Partial<SessionStatus> = {}): SessionStatus => ({
  state: 'unlocked',
  online: true,
  user: { id: 'u-1', email: northfield.email, displayName: 'Ana Admin' },
  tenantId: 't-1',
  tenantName: 'Northfield Plant',
  server,
  grantNotAfter: '2026-11-26T08:00:00.000Z',
  lockReason: null,
  needsOnlineSignIn: false,
  ...overrides,
});

const rule = (action: PermissionRule['action'], entity: PermissionRule['entity']): PermissionRule => ({ action, access: 'org', entity });
const adminRules = [rule('read', 'shift_log'), rule('read', 'user'), rule('read', 'audit_event'), rule('export', 'export')];
const access = (rules: PermissionRule[]) => ({
  userId: 'u-1',
  tenantId: 't-1',
  orgRole: 'admin',
  globalRole: 'none',
  rules,
  moduleFlags: { shift_logs: true, handovers: true, audit: true, users: true, exports: true },
  areas: [],
  notAfter: '2026-11-26T08:00:00.000Z',
});
const syncState = (overrides: Record<string, unknown> = {}) => ({ pending: 0, conflicts: 0, cursor: 10, lastOkAt: '2026-11-23T07:45:00.000Z', running: false, lastError: null, ...overrides });

function frameApi(options: { status?: SessionStatus; rules?: PermissionRule[]; sync?: Record<string, unknown>; accounts?: KnownAccount[]; extra?: Record<string, Handler> } = {}) {
  return installApi({
    'app.info': () => ({ name: 'Plantdesk', version: '2.0.0', platform: 'linux', arch: 'x64', nodeVersion: '20', electronVersion: null, coreHost: 'worker' }),
    'session.status': () => options.status ?? unlocked(),
    'session.accounts': () => options.accounts ?? [northfield],
    'session.access': () => access(options.rules ?? adminRules),
    'session.activity': () => ({ idleLockAt: null }),
    'sync.state': () => syncState(options.sync),
    ...options.extra,
  });
}

const moduleLinks = async () => within(await screen.findByRole('navigation', { name: 'Modules' })).getAllByRole('link');

beforeEach(() => {
  window.location.hash = '#/sync';
  useAuthUi.setState({ target: null, preferSignIn: false });
  useLocaleStore.setState({ locale: 'en' });
  useSyncActivity.setState({ progress: null, progressAt: 0, lastFinished: null });
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  Reflect.deleteProperty(window, 'plantdesk');
});

describe('the app frame', () => {
  it('shows every module to an admin, the current one marked', async () => {
    frameApi();
    render(<App />);
    await waitFor(async () => expect((await moduleLinks()).map((link) => link.textContent)).toEqual(['Shift logs', 'People', 'Audit trail', 'Exports', 'Sync']));
    expect((await moduleLinks()).find((link) => link.getAttribute('aria-current') === 'page')?.textContent).toBe('Sync');
  });

  it('hides the modules the grant does not allow', async () => {
    frameApi({ rules: [rule('read', 'shift_log'), rule('read', 'log_entry')] });
    render(<App />);
    await waitFor(async () => expect((await moduleLinks()).map((link) => link.textContent)).toEqual(['Shift logs', 'Sync']));
  });

  it('shows only sync while the grant is still loading or forbids everything', async () => {
    frameApi({ rules: [] });
    render(<App />);
    await waitFor(async () => expect((await moduleLinks()).map((link) => link.textContent)).toEqual(['Sync']));
  });

  it('says online or offline in words, not colour alone', async () => {
    frameApi({ status: unlocked({ online: false }) });
    render(<App />);
    expect((await screen.findByTestId('connection')).textContent).toMatch(/Offline$/);
  });

  it('shows the signed-in user and organisation, the last sync and the pending count', async () => {
    frameApi({ sync: { pending: 3 } });
    render(<App />);
    expect((await screen.findByTestId('signed-in-user')).textContent).toMatch(/Ana Admin.*Northfield Plant/);
    await waitFor(() => expect(screen.getByTestId('pending-count').textContent).toMatch(/3 changes waiting to send$/));
    expect(screen.getByTestId('last-sync').textContent).toMatch(/^Last sync: \d{1,2}:45/);
    expect(screen.queryByTestId('conflicts-badge')).toBeNull();
  });

  it('links open conflicts to the sync page', async () => {
    frameApi({ sync: { conflicts: 2 } });
    render(<App />);
    const badge = await screen.findByTestId('conflicts-badge');
    expect(badge.textContent).toMatch(/2 conflicts$/);
    expect(badge.getAttribute('href')).toBe('#/sync');
    // A conflict is a change the server has not taken: never "all synced" beside it.
    expect(screen.getByTestId('pending-count').textContent).toMatch(/Nothing waiting to send$/);
    expect(screen.getByTestId('pending-count').textContent).not.toMatch(/All changes synced/);
  });

  it('points to the sync page when the last sync failed for another reason than the connection', async () => {
    frameApi({ sync: { lastError: { code: 'reset', message: 'The local copy must be rebuilt.', at: '2026-11-23T07:50:00.000Z' } } });
    render(<App />);
    const failure = await screen.findByTestId('sync-error');
    expect(failure.textContent).toMatch(/Last sync failed: see Sync$/);
    expect(failure.getAttribute('href')).toBe('#/sync');
  });

  it('does not repeat an unreachable server as a sync failure: the connection indicator says offline', async () => {
    frameApi({ status: unlocked({ online: false }), sync: { lastError: { code: 'server_unreachable', message: 'x', at: '2026-11-23T07:50:00.000Z' } } });
    render(<App />);
    expect((await screen.findByTestId('connection')).textContent).toMatch(/Offline$/);
    await waitFor(() => expect(screen.getByTestId('pending-count')).toBeTruthy());
    expect(screen.queryByTestId('sync-error')).toBeNull();
  });

  it('shows a progress bar with rows done of total while a sync runs, and the last sync after it', async () => {
    let state = syncState({ lastOkAt: null, pending: 1 });
    const api = frameApi({ extra: { 'sync.state': () => state } });
    render(<App />);
    expect((await screen.findByTestId('last-sync')).textContent).toBe('Not synced yet');
    state = syncState({ lastOkAt: null, pending: 1, running: true });
    api.emit('sync.progress', { phase: 'pull', done: 1200, total: 4000 });
    const status = screen.getByTestId('sync-status');
    const bar = await within(status).findByRole('progressbar', { name: 'Sync progress' });
    expect([bar.getAttribute('value'), bar.getAttribute('max')]).toEqual(['1200', '4000']);
    expect(within(status).getByTestId('sync-rows').textContent).toBe('Downloading 1,200 of 4,000');
    api.emit('sync.progress', { phase: 'pull', done: 50, total: null });
    expect(within(status).getByTestId('sync-rows').textContent).toBe('Downloading: 50');
    api.emit('sync.progress', { phase: 'push', done: 2, total: 5 });
    expect(within(status).getByTestId('sync-rows').textContent).toBe('Sending 2 of 5 changes');
    state = syncState({ lastOkAt: '2026-11-23T07:45:00.000Z', pending: 0 });
    api.emit('sync.finished', { ok: true, summary: { pushed: 1, applied: 1, conflicts: 0, rejected: 0, pulled: 4000, cursor: 11 }, error: null });
    await waitFor(() => expect(within(status).queryByRole('progressbar')).toBeNull());
    await waitFor(() => expect(screen.getByTestId('last-sync').textContent).toMatch(/^Last sync: /));
    expect(screen.getByTestId('pending-count').textContent).toMatch(/All changes synced$/);
  });

  // The core's events can be missed: a window that loads or reloads mid-sync, an event stream
  // that connects late. The frame must not spin forever on a sync that has ended.
  it('shows the end of a sync whose finish event it never received', async () => {
    let state = syncState({ lastOkAt: null, running: true });
    frameApi({ extra: { 'sync.state': () => state } });
    render(<App />);
    const status = await screen.findByTestId('sync-status');
    expect(await within(status).findByRole('progressbar', { name: 'Sync progress' })).toBeTruthy();
    state = syncState({ lastOkAt: '2026-11-23T07:45:00.000Z' });
    await waitFor(() => expect(screen.getByTestId('last-sync').textContent).toMatch(/^Last sync: /), { timeout: 5_000 });
  });

  it('a sync it saw start by its progress, and whose finish event was lost, also ends on screen', async () => {
    let state = syncState({ lastOkAt: null });
    const api = frameApi({ extra: { 'sync.state': () => state } });
    render(<App />);
    expect((await screen.findByTestId('last-sync')).textContent).toBe('Not synced yet');
    state = syncState({ lastOkAt: null, running: true });
    api.emit('sync.progress', { phase: 'download', done: 10, total: 100 });
    const status = screen.getByTestId('sync-status');
    expect(await within(status).findByRole('progressbar', { name: 'Sync progress' })).toBeTruthy();
    state = syncState({ lastOkAt: '2026-11-23T07:45:00.000Z' });
    await waitFor(() => expect(screen.getByTestId('last-sync').textContent).toMatch(/^Last sync: /), { timeout: 5_000 });
  });

  it('locks with the lock button', async () => {
    const api = frameApi({ extra: { 'auth.lock': () => ({ ...unlocked(), state: 'locked', lockReason: 'manual' }) } });
    render(<App />);
    fireEvent.click(await screen.findByRole('button', { name: 'Lock' }));
    expect(await screen.findByRole('heading', { name: 'Unlock' })).toBeTruthy();
    expect(api.callsTo('auth.lock')).toHaveLength(1);
  });

  it('signs out to the sign-in form', async () => {
    const api = frameApi({ extra: { 'auth.signOut': () => ({ ...unlocked(), state: 'signed_out', user: null, tenantId: null, tenantName: null, server: null, grantNotAfter: null }) } });
    render(<App />);
    fireEvent.click(await screen.findByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy();
    expect(api.callsTo('auth.signOut')).toHaveLength(1);
  });

  it('switches organisation: locks, then offers the unlock of the chosen account', async () => {
    const api = frameApi({
      accounts: [northfield, southbank],
      extra: { 'auth.lock': () => ({ ...unlocked(), state: 'locked', lockReason: 'manual' }) },
    });
    render(<App />);
    const switcher = (await screen.findByLabelText('Switch organisation')) as HTMLSelectElement;
    await waitFor(() => expect(within(switcher).getAllByRole('option').map((option) => option.textContent)).toEqual(['Northfield Plant (current)', 'Southbank Works · ana@plant.example']));
    fireEvent.change(switcher, { target: { value: `${server}|u-1|t-2` } });
    expect(await screen.findByRole('heading', { name: 'Unlock' })).toBeTruthy();
    expect(screen.getByText('Southbank Works')).toBeTruthy();
    expect(api.callsTo('auth.lock')).toHaveLength(1);
  });

  it('reports input to the core at most once per throttle window', async () => {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    const api = frameApi();
    render(<App />);
    await screen.findByRole('navigation', { name: 'Modules' });
    fireEvent.keyDown(window, { key: 'a' });
    fireEvent.pointerDown(window);
    fireEvent.keyDown(window, { key: 'b' });
    await waitFor(() => expect(api.callsTo('session.activity')).toHaveLength(1));
    vi.setSystemTime(Date.now() + activityThrottleMs + 1);
    fireEvent.wheel(window);
    await waitFor(() => expect(api.callsTo('session.activity')).toHaveLength(2));
  });

  it('switches the language of the frame', async () => {
    frameApi();
    render(<App />);
    fireEvent.change(await screen.findByLabelText('Language'), { target: { value: 'de' } });
    expect(await screen.findByRole('navigation', { name: 'Module' })).toBeTruthy();
    await waitFor(async () => expect((await screen.findAllByRole('link')).map((link) => link.textContent)).toContain('Schichtbücher'));
    expect(screen.getByRole('button', { name: 'Sperren' })).toBeTruthy();
    expect(localStorage.getItem('plantdesk.locale')).toBe('de');
  });

  it('has a skip link to the main content', async () => {
    frameApi();
    render(<App />);
    const skip = await screen.findByRole('link', { name: 'Skip to main content' });
    fireEvent.click(skip);
    expect(document.activeElement?.id).toBe('main-content');
    expect(window.location.hash).toBe('#/sync');
  });
});
