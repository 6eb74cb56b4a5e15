import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ExportsScreen } from '../../renderer/src/features/exports/components/ExportsScreen';
import { useExportRun } from '../../renderer/src/features/exports/hooks/export-run';
import { useExportFormStore } from '../../renderer/src/features/exports/hooks/export-form';
import { calls as contract, type PlantdeskApi } from '../../shared/contract';
import { defaultModuleFlags, presetRules, type PermissionRule } from '../../shared/rbac';

/**
 * The Exports screen against a window.plantdesk whose answers each test sets: a channel maps
 * to a value, a PlantdeskError body ({ error }) or a function of the request. Events are
 * delivered by the test through `emit`.
 */
type Answer = unknown | ((request: never) => unknown);
const calls: { channel: string; request: unknown }[] = [];
const listeners = new Map<string, Set<(payload: unknown) => void>>();

function installApi(answers: Record<string, Answer>) {
  const api: Record<string, unknown> = {
    onEvent: (name: string, listener: (payload: unknown) => void) => {
      const set = listeners.get(name) ?? new Set();
      set.add(listener);
      listeners.set(name, set);
      return () => set.delete(listener);
    },
  };
  for (const channel of Object.keys(answers)) {
    const [domain, method] = channel.split('.');
    const target = (api[domain] ??= {}) as Record<string, (request: unknown) => Promise<unknown>>;
    target[method] = async (request) => {
      calls.push({ channel, request });
      const answer = answers[channel];
      const value = typeof answer === 'function' ? await (answer as (request: unknown) => unknown)(request) : await answer;
      if (value && typeof value === 'object' && 'error' in value) return { ok: false, error: (value as { error: unknown }).error };
      return { ok: true, value };
    };
  }
  Object.defineProperty(window, 'plantdesk', { value: api as unknown as PlantdeskApi, configurable: true });
}

function emit(name: string, payload: unknown) {
  act(() => listeners.get(name)?.forEach((listener) => listener(payload)));
}

const access = (role: 'admin' | 'viewer') => ({
  userId: 'u1',
  tenantId: 't1',
  orgRole: role,
  globalRole: 'none',
  rules: presetRules[role],
  moduleFlags: defaultModuleFlags(role),
  areas: [],
  notAfter: '2030-01-01T00:00:00Z',
});
const online = { state: 'unlocked', online: true, user: null, tenantId: 't1', tenantName: 'Northfield Plant', server: 'http://127.0.0.1', grantNotAfter: null, lockReason: null, needsOnlineSignIn: false };
const areas = [
  { id: 'site-1', parent_id: null, kind: 'site', name: 'Northfield', time_zone: 'Europe/London' },
  { id: 'area-boilers', parent_id: 'site-1', kind: 'area', name: 'Boilers', time_zone: 'Europe/London' },
];
const syncedOnce = { pending: 0, conflicts: 0, cursor: 41, lastOkAt: '2026-03-10T11:00:00Z', running: false, lastError: null };
const sha = 'ab'.repeat(32);
const historyItem = { module: 'shift-logs', at: '2026-03-10T12:00:00Z', filter: { severities: ['high'], late: true }, path: '/home/op/exports/plantdesk-shift-logs.csv', format: 'csv', rows: 1234, bytes: 56_789, sha256: sha };

function baseAnswers(overrides: Record<string, Answer> = {}): Record<string, Answer> {
  return { 'session.access': access('admin'), 'session.status': online, 'areas.list': areas, 'exports.history': [], 'sync.state': syncedOnce, ...overrides };
}

function renderScreen(hash = '#/exports') {
  window.location.hash = hash;
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <ExportsScreen />
    </QueryClientProvider>,
  );
}

beforeEach(() => {
  calls.length = 0;
  listeners.clear();
  useExportRun.setState({ status: 'idle', exportId: null, progress: null, result: null, error: null });
  useExportFormStore.setState({ format: 'csv', bom: false });
});

afterEach(() => {
  cleanup();
  Reflect.deleteProperty(window, 'plantdesk');
  window.location.hash = '';
});

describe('the Exports screen', () => {
  it('shows a loading state until the grant is known', () => {
    installApi(baseAnswers({ 'session.access': new Promise(() => {}) }));
    renderScreen();
    expect(screen.getByRole('status').textContent).toBe('Loading…');
  });

  it('says exports are not allowed for a role without the export permission, and offers no export button', async () => {
    installApi(baseAnswers({ 'session.access': access('viewer') }));
    renderScreen();
    expect((await screen.findByRole('alert')).textContent).toContain('Your role does not allow exports');
    expect(screen.queryByRole('button', { name: 'Export…' })).toBeNull();
  });

  it('shows the core’s message when the grant cannot be read', async () => {
    installApi(baseAnswers({ 'session.access': { error: { code: 'locked', message: 'The workstation is locked. Unlock it to continue.' } } }));
    renderScreen();
    expect((await screen.findByRole('alert', {}, { timeout: 3000 })).textContent).toContain('The workstation is locked');
  });

  it('offers only the modules the grant allows to export', async () => {
    installApi(baseAnswers());
    renderScreen();
    const group = await screen.findByRole('group', { name: 'Records' });
    expect(within(group).getAllByRole('radio').map((radio) => (radio as HTMLInputElement).value)).toEqual(['shift-logs', 'audit', 'users', 'sessions']);
  });

  it('does not offer records the role may export but not read, as the core would refuse them', async () => {
    const rule = (action: PermissionRule['action'], entity: PermissionRule['entity']): PermissionRule => ({ action, access: 'org', entity });
    const rules = [rule('export', 'export'), rule('export', 'log_entry'), rule('read', 'log_entry'), rule('export', 'audit_event')];
    installApi(baseAnswers({ 'session.access': { ...access('admin'), orgRole: 'custom', rules } }));
    renderScreen('#/exports?module=audit');
    const group = await screen.findByRole('group', { name: 'Records' });
    expect(within(group).getAllByRole('radio').map((radio) => (radio as HTMLInputElement).value)).toEqual(['shift-logs']);
  });

  it('offers nothing to a role without export on exports, the permission of the export call', async () => {
    const rules = presetRules.admin.filter((rule) => !(rule.action === 'export' && rule.entity === 'export'));
    installApi(baseAnswers({ 'session.access': { ...access('admin'), orgRole: 'custom', rules } }));
    renderScreen();
    expect((await screen.findByRole('alert')).textContent).toContain('Your role does not allow exports');
  });

  it('shows an empty history when nothing was exported yet', async () => {
    installApi(baseAnswers());
    renderScreen();
    expect(await screen.findByText('No exports yet on this workstation.')).toBeTruthy();
  });

  it('says offline exports use the records on this workstation, and still offers the export', async () => {
    installApi(baseAnswers({ 'session.status': { ...online, online: false } }));
    renderScreen();
    expect(await screen.findByText('Offline: the export uses the records already on this workstation.')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Export…' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('says an export holds only what has arrived while the first sync has not finished, and says nothing once it has', async () => {
    const firstNote = 'This workstation has not finished its first download: an export now holds only the records that have arrived so far.';
    installApi(baseAnswers({ 'sync.state': { ...syncedOnce, cursor: 0, lastOkAt: null, running: true } }));
    renderScreen();
    expect(await screen.findByText(firstNote)).toBeTruthy();
    cleanup();
    calls.length = 0;
    installApi(baseAnswers());
    renderScreen();
    await screen.findByRole('group', { name: 'Records' });
    // The state was read and rendered: a sync has finished, so there is nothing to say.
    await vi.waitFor(() => expect(calls.some((call) => call.channel === 'sync.state')).toBe(true));
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
    expect(screen.queryByText(firstNote)).toBeNull();
  });

  it('prefills the filter from the URL of the shift-log view and shows it in words', async () => {
    installApi(baseAnswers());
    renderScreen('#/exports?module=shift-logs&severities=high,critical&areaIds=area-boilers&late=1&q=pump');
    const summary = await screen.findByTestId('export-filter-summary');
    const pairs = Object.fromEntries([...summary.querySelectorAll('dt')].map((dt) => [dt.textContent, dt.nextElementSibling?.textContent]));
    expect(pairs).toEqual({ Areas: 'Boilers', Severity: 'high, critical', 'Late entries': 'yes', 'Text contains': '“pump”' });
    expect((screen.getByRole('checkbox', { name: 'high' }) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByRole('checkbox', { name: 'low' }) as HTMLInputElement).checked).toBe(false);
  });

  it('starts the export with the module, format, BOM and the filter of the URL', async () => {
    installApi(baseAnswers({ 'exports.start': new Promise(() => {}) }));
    renderScreen('#/exports?module=shift-logs&severities=high,critical');
    fireEvent.click(await screen.findByRole('checkbox', { name: 'Excel-compatible (BOM)' }));
    fireEvent.click(screen.getByRole('button', { name: 'Export…' }));
    await screen.findByTestId('export-progress');
    const start = calls.find((call) => call.channel === 'exports.start');
    expect(start?.request).toMatchObject({ module: 'shift-logs', format: 'csv', bom: true, filter: { severities: ['high', 'critical'] } });
    expect((start?.request as { exportId: string }).exportId).toMatch(/^[0-9a-f-]{36}$/);
    expect(contract['exports.start'].request.safeParse(start?.request).success).toBe(true);
  });

  it('starts a users export with the filter of its own module, a request the contract accepts', async () => {
    installApi(baseAnswers({ 'exports.start': new Promise(() => {}) }));
    renderScreen('#/exports?module=users&statuses=active,nonsense&q=ana&severities=high');
    fireEvent.click(await screen.findByRole('button', { name: 'Export…' }));
    await screen.findByTestId('export-progress');
    const start = calls.find((call) => call.channel === 'exports.start');
    // The list with an unknown status is dropped whole; severities belong to another module.
    expect(start?.request).toMatchObject({ module: 'users', format: 'csv' });
    expect((start?.request as { filter: unknown }).filter).toEqual({ text: 'ana' });
    expect(contract['exports.start'].request.safeParse(start?.request).success).toBe(true);
  });

  it('edits the filter in the URL: ticking a severity adds it to the export', async () => {
    installApi(baseAnswers({ 'exports.start': new Promise(() => {}) }));
    renderScreen('#/exports?module=shift-logs&severities=high');
    fireEvent.click(await screen.findByRole('checkbox', { name: 'critical' }));
    expect(window.location.hash).toContain('severities=high%2Ccritical');
    fireEvent.click(await screen.findByRole('radio', { name: 'JSON Lines' }));
    fireEvent.click(screen.getByRole('button', { name: 'Export…' }));
    await screen.findByTestId('export-progress');
    expect(calls.find((call) => call.channel === 'exports.start')?.request).toMatchObject({ format: 'jsonl', bom: false, filter: { severities: ['high', 'critical'] } });
  });

  it('shows progress with rows and bytes, and Cancel stops the export with its typed message', async () => {
    let rejectStart: (error: unknown) => void = () => {};
    installApi(
      baseAnswers({
        'exports.start': () => new Promise((resolve) => (rejectStart = (error) => resolve(error))),
        'exports.cancel': () => {
          rejectStart({ error: { code: 'export_cancelled', message: 'The export was cancelled.' } });
          return { cancelled: true };
        },
      }),
    );
    renderScreen('#/exports?module=audit');
    fireEvent.click(await screen.findByRole('button', { name: 'Export…' }));
    await screen.findByTestId('export-progress');
    const exportId = (calls.find((call) => call.channel === 'exports.start')?.request as { exportId: string }).exportId;
    emit('export.progress', { exportId, rowsDone: 500, rowsTotal: 2000, bytesWritten: 64_000 });
    emit('export.progress', { exportId: '00000000-0000-4000-8000-000000000000', rowsDone: 9, rowsTotal: 9, bytesWritten: 9 });
    const bar = screen.getByRole('progressbar', { name: 'Export progress' }) as HTMLProgressElement;
    expect(bar.value).toBe(500);
    expect(bar.max).toBe(2000);
    expect(screen.getByTestId('export-progress').textContent).toContain('500 of 2,000 rows · 64 kB');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel export' }));
    expect(calls.find((call) => call.channel === 'exports.cancel')?.request).toEqual({ exportId });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The export was cancelled. No file was written');
    expect(alert.getAttribute('data-error-code')).toBe('export_cancelled');
    expect(screen.queryByTestId('export-progress')).toBeNull();
  });

  it('says nothing was exported when the save dialog is cancelled', async () => {
    installApi(baseAnswers({ 'exports.start': null }));
    renderScreen();
    fireEvent.click(await screen.findByRole('button', { name: 'Export…' }));
    expect(await screen.findByText('No file was chosen; nothing was exported.')).toBeTruthy();
  });

  it('shows a disk-full failure in words', async () => {
    installApi(baseAnswers({ 'exports.start': { error: { code: 'export_disk_full', message: 'disk full' } } }));
    renderScreen();
    fireEvent.click(await screen.findByRole('button', { name: 'Export…' }));
    expect((await screen.findByRole('alert')).textContent).toContain('The disk ran out of space during the export');
  });

  it('shows the result with rows, size and the full SHA-256, and refreshes the history', async () => {
    let history: unknown[] = [];
    installApi(
      baseAnswers({
        'exports.history': () => history,
        'exports.start': () => {
          history = [historyItem];
          return { path: historyItem.path, format: 'csv', rows: 1234, bytes: 56_789, sha256: sha };
        },
      }),
    );
    renderScreen();
    expect(await screen.findByText('No exports yet on this workstation.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Export…' }));
    const result = await screen.findByTestId('export-result');
    expect(result.textContent).toContain('Exported 1,234 rows to /home/op/exports/plantdesk-shift-logs.csv (56.8 kB).');
    expect(screen.getByTestId('export-sha256').textContent).toBe(sha);
    expect(await screen.findAllByTestId('export-history-row')).toHaveLength(1);
  });

  it('lists the history with rows, size, abbreviated SHA-256 (full in the title), format, time in the site zone, and shows a file in its folder', async () => {
    installApi(baseAnswers({ 'exports.history': [historyItem], 'exports.reveal': { shown: true } }));
    renderScreen();
    const [row] = await screen.findAllByTestId('export-history-row');
    const cells = within(row).getAllByRole('cell').map((cell) => cell.textContent);
    expect(cells[0]).toBe('Mar 10, 2026, 12:00 PM GMT');
    expect(cells.slice(1, 5)).toEqual(['Shift log entriesSeverity: high · Late entries: yes', 'CSV', '1,234', '56.8 kB']);
    expect(within(row).getByTitle(sha).textContent).toContain('abababababab…');
    expect(cells[6]).toBe('plantdesk-shift-logs.csv');
    fireEvent.click(within(row).getByRole('button', { name: 'Show in folder: plantdesk-shift-logs.csv' }));
    await act(async () => {});
    expect(calls.find((call) => call.channel === 'exports.reveal')?.request).toEqual({ path: historyItem.path });
  });

  it('switching to audit events starts from an empty filter and exports whole UTC days', async () => {
    installApi(baseAnswers({ 'exports.start': new Promise(() => {}) }));
    renderScreen('#/exports?module=shift-logs&severities=high');
    fireEvent.click(await screen.findByRole('radio', { name: 'Audit events' }));
    expect(window.location.hash).toBe('#/exports?module=audit');
    expect(await screen.findByText('Everything you may read')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('From (UTC)'), { target: { value: '2026-03-01' } });
    fireEvent.change(screen.getByLabelText('To (UTC)'), { target: { value: '2026-03-31' } });
    fireEvent.click(screen.getByRole('button', { name: 'Export…' }));
    await screen.findByTestId('export-progress');
    expect(calls.find((call) => call.channel === 'exports.start')?.request).toMatchObject({
      module: 'audit',
      filter: { from: '2026-03-01T00:00:00.000Z', to: '2026-03-31T23:59:59.999Z' },
    });
  });

  it('shows the history’s error with a retry', async () => {
    installApi(baseAnswers({ 'exports.history': { error: { code: 'internal', message: 'The history could not be read.' } } }));
    renderScreen();
    expect((await screen.findByRole('alert')).textContent).toContain('The history could not be read.');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });
});
