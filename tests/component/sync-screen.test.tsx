import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SyncScreen } from '../../renderer/src/features/sync/components/SyncScreen';
import { useSyncActivity } from '../../renderer/src/lib/sync-activity';
import type { PlantdeskApi } from '../../shared/contract';

/** The Sync page against a window.plantdesk whose answers each test sets (value, { error } or a function). */
type Answer = unknown | ((request: never) => unknown);
const calls: { channel: string; request: unknown }[] = [];

function installApi(answers: Record<string, Answer>) {
  const api: Record<string, unknown> = { onEvent: () => () => {} };
  for (const channel of Object.keys(answers)) {
    const [domain, method] = channel.split('.');
    const target = (api[domain] ??= {}) as Record<string, (request: unknown) => Promise<unknown>>;
    target[method] = async (request) => {
      calls.push({ channel, request });
      const answer = answers[channel];
      const value = typeof answer === 'function' ? await (answer as (request: unknown) => unknown)(request) : await answer;
      if (value && typeof value === 'object' && 'error' in value && !('ok' in value)) return { ok: false, error: (value as { error: unknown }).error };
      return { ok: true, value };
    };
  }
  Object.defineProperty(window, 'plantdesk', { value: api as unknown as PlantdeskApi, configurable: true });
}

const online = { state: 'unlocked', online: true, user: null, tenantId: 't1', tenantName: 'Northfield Plant', server: 'http://127.0.0.1', grantNotAfter: null, lockReason: null, needsOnlineSignIn: false };
const areas = [{ id: 'site-1', parent_id: null, kind: 'site', name: 'Northfield', time_zone: 'Europe/London' }];
const idleState = { pending: 0, conflicts: 0, cursor: 812, lastOkAt: '2026-07-01T09:15:00Z', running: false, lastError: null };
const summary = { pushed: 2, applied: 2, conflicts: 0, rejected: 0, pulled: 7, cursor: 820 };

function baseAnswers(overrides: Record<string, Answer> = {}): Record<string, Answer> {
  return { 'session.status': online, 'areas.list': areas, 'sync.state': idleState, 'sync.outbox': [], 'conflicts.list': [], 'sync.now': summary, ...overrides };
}

function renderScreen() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <SyncScreen />
    </QueryClientProvider>,
  );
}

const section = (name: string) => screen.getByRole('region', { name });

beforeEach(() => {
  calls.length = 0;
  useSyncActivity.setState({ progress: null, lastFinished: null });
});

afterEach(() => {
  cleanup();
  Reflect.deleteProperty(window, 'plantdesk');
});

describe('the Sync page', () => {
  it('shows loading states until the core answers', () => {
    installApi(baseAnswers({ 'sync.state': new Promise(() => {}), 'sync.outbox': new Promise(() => {}), 'conflicts.list': new Promise(() => {}) }));
    renderScreen();
    expect(screen.getAllByRole('status').map((node) => node.textContent)).toEqual(['Loading…', 'Loading…', 'Loading…']);
  });

  it('shows the status: online, last good sync in the site zone, idle, pending count, no error', async () => {
    installApi(baseAnswers({ 'sync.state': { ...idleState, pending: 3 } }));
    renderScreen();
    expect((await screen.findByTestId('sync-last-ok')).textContent).toBe('Jul 1, 2026, 10:15 AM GMT+1');
    expect(screen.getByTestId('sync-connection').textContent).toContain('Online');
    expect(screen.getByTestId('sync-pending').textContent).toBe('3');
    expect(screen.getByTestId('sync-last-error').textContent).toBe('None');
    expect(within(section('Status')).getByText('Idle')).toBeTruthy();
  });

  it('shows empty outbox and conflicts', async () => {
    installApi(baseAnswers());
    renderScreen();
    expect(await screen.findByText('No pending changes: everything made here has reached the server.')).toBeTruthy();
    expect(screen.getByText('No conflicts: nothing is waiting for your decision.')).toBeTruthy();
    expect(screen.getByTestId('conflicts-count').textContent).toBe('0 conflicts');
  });

  it('shows the last error with its message', async () => {
    installApi(baseAnswers({ 'sync.state': { ...idleState, lastError: { code: 'server_unreachable', message: 'The Plantdesk server cannot be reached.', at: '2026-07-01T09:20:00Z' } } }));
    renderScreen();
    expect((await screen.findByTestId('sync-last-error')).textContent).toBe('⚠ The Plantdesk server cannot be reached. (Jul 1, 2026, 10:20 AM GMT+1)');
  });

  it('offline: the button offers to reconnect (a sync attempt) and says why sync is waiting', async () => {
    installApi(baseAnswers({ 'session.status': { ...online, online: false } }));
    renderScreen();
    const button = (await screen.findByRole('button', { name: 'Try to reconnect' })) as HTMLButtonElement;
    await screen.findByTestId('sync-offline-explain');
    expect(button.disabled).toBe(false);
    await act(async () => {});
    fireEvent.click(button);
    await waitFor(() => expect(calls.filter((call) => call.channel === 'sync.now')).toHaveLength(1));
    expect(button.getAttribute('aria-describedby')).toBe(screen.getByTestId('sync-offline-explain').id);
    expect(screen.getByTestId('sync-connection').textContent).toContain('Offline');
  });

  it('"Sync now" runs a sync and shows what it did', async () => {
    installApi(baseAnswers());
    renderScreen();
    const button = (await screen.findByRole('button', { name: 'Sync now' })) as HTMLButtonElement;
    await act(async () => {});
    fireEvent.click(button);
    expect(await screen.findByText('Synced: 2 sent, 7 received, 0 in conflict.')).toBeTruthy();
    expect(calls.filter((call) => call.channel === 'sync.now')).toHaveLength(1);
  });

  it('"Sync now" shows the typed error when the sync fails', async () => {
    installApi(baseAnswers({ 'sync.now': { error: { code: 'session_revoked', message: 'Your session was ended on the server. Sign in again.' } } }));
    renderScreen();
    const button = await screen.findByRole('button', { name: 'Sync now' });
    await act(async () => {});
    fireEvent.click(button);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Your session was ended on the server. Sign in again.');
    expect(alert.getAttribute('data-error-code')).toBe('session_revoked');
  });

  it('shows a progress bar with the phase and counts while a sync runs', async () => {
    installApi(baseAnswers({ 'sync.state': { ...idleState, running: true } }));
    renderScreen();
    await screen.findByTestId('sync-progress');
    act(() => useSyncActivity.getState().onProgress({ phase: 'pull', done: 1500, total: 4000 }));
    const bar = screen.getByRole('progressbar', { name: 'Sync progress' }) as HTMLProgressElement;
    expect(bar.value).toBe(1500);
    expect(bar.max).toBe(4000);
    expect(screen.getByTestId('sync-progress').textContent).toContain('Receiving changes: 1,500 of 4,000');
    expect((screen.getByRole('button', { name: 'Sync now' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('lists the outbox oldest first: what, when, attempts, last error', async () => {
    installApi(
      baseAnswers({
        'sync.outbox': [
          { seq: 1, mutation_id: 'm1', name: 'logEntry.create', client_time: '2026-07-01T08:00:00Z', attempts: 0, last_error: null, local_action: null },
          { seq: 2, mutation_id: 'm2', name: 'shiftLog.signOff', client_time: '2026-07-01T08:05:00Z', attempts: 3, last_error: 'server_unreachable', local_action: null },
          { seq: 3, mutation_id: 'm3', name: 'audit.local', client_time: '2026-07-01T08:06:00Z', attempts: 0, last_error: null, local_action: 'sign_in' },
        ],
      }),
    );
    renderScreen();
    const rows = await screen.findAllByTestId('outbox-row');
    expect(rows.map((row) => within(row).getAllByRole('cell').map((cell) => cell.textContent))).toEqual([
      ['Add entry', 'Jul 1, 2026, 9:00 AM GMT+1', '0', '—'],
      ['Sign off shift log', 'Jul 1, 2026, 9:05 AM GMT+1', '3', 'Server not reachable'],
      // A fresh sign-in queues the workstation's own record of it: named, so "1 change" is explained.
      ['Record of this workstation for the audit trail: sign-in', 'Jul 1, 2026, 9:06 AM GMT+1', '0', '—'],
    ]);
  });

  it('shows the core’s error for the sync state, and a forbidden outbox as not allowed', async () => {
    installApi(
      baseAnswers({
        'sync.state': { error: { code: 'locked', message: 'The workstation is locked. Unlock it to continue.' } },
        'sync.outbox': { error: { code: 'forbidden', message: 'no' } },
      }),
    );
    renderScreen();
    await screen.findByText('The workstation is locked. Unlock it to continue.');
    expect(screen.getByText('Your role does not allow this. Ask a tenant admin if you need it.')).toBeTruthy();
  });
});
