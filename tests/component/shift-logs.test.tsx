import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installPlantdeskStub } from './support/plantdesk-stub';
import { ShiftLogsScreen } from '../../renderer/src/features/shift-logs/components/ShiftLogsScreen';
import { presetRules } from '../../shared/rbac';
import { useLocaleStore } from '../../renderer/src/i18n/i18n';
import { useSyncActivity } from '../../renderer/src/lib/sync-activity';

// The screen talks to the core only through window.plantdesk; each test answers per channel.
type Answer = unknown | ((request: Record<string, unknown>) => unknown);
type Calls = Record<string, Record<string, unknown>[]>;

const ok = (value: unknown) => ({ ok: true, value });
const refusal = (code: string, message: string) => ({ ok: false, error: { code, message } });

const siteId = '0192f0a0-0000-7000-8000-00000000a001';
const areaId = '0192f0a0-0000-7000-8000-00000000a002';
const site = { id: siteId, parent_id: null, kind: 'site', name: 'Northfield', time_zone: 'Europe/London' };
const areas = [site, { id: areaId, parent_id: siteId, kind: 'area', name: 'Boiler house', time_zone: 'Europe/London' }];

function entry(overrides: Record<string, unknown> = {}) {
  return {
    id: 'e-1',
    shift_log_id: 'log-1',
    area_id: areaId,
    equipment_tag: 'P-101',
    category: 'maintenance',
    severity: 'high',
    body: 'Pump seal leaking, isolated.',
    occurred_at: '2026-10-25T00:30:00.000Z',
    recorded_at: '2026-10-25T00:31:00.000Z',
    author_id: 'user-1',
    late: 0,
    late_reason: null,
    state: 'active',
    version: 1,
    pending_mutation_id: null,
    shift_name: 'Night',
    shift_date: '2026-10-24',
    ...overrides,
  };
}

function access(role: 'viewer' | 'contributor' | 'admin') {
  return {
    userId: 'user-1',
    tenantId: 'tenant-1',
    orgRole: role,
    globalRole: 'none',
    rules: presetRules[role],
    moduleFlags: { shift_logs: true, handovers: true, audit: true, users: true, exports: true },
    areas: [areaId],
    notAfter: '2099-01-01T00:00:00.000Z',
  };
}

const session = { state: 'unlocked', online: true, user: { id: 'user-1', email: 'a@example.com', displayName: 'Ada Admin' }, tenantId: 'tenant-1', tenantName: 'Northfield Plant', server: 'http://127.0.0.1', grantNotAfter: null, lockReason: null, needsOnlineSignIn: false };

const logId = '0192f0a0-0000-7000-8000-000000000001';

function detail(overrides: Record<string, unknown> = {}) {
  return {
    shiftLog: { id: logId, area_id: areaId, shift_date: '2026-10-24', shift_name: 'Night', crew: 'B', starts_at: '2026-10-24T18:00:00.000Z', ends_at: '2026-10-25T07:00:00.000Z', status: 'submitted', created_by: 'user-1', reopened_at: null, version: 1, pending_mutation_id: null, ...overrides },
    amendedAfterSignoff: false,
    entries: [
      {
        ...entry(),
        after_signoff: 0,
        amendments: [{ id: 'am-1', entry_id: 'e-1', kind: 'correction', body: 'Pump seal leaking, replaced.', fields_changed: null, reason: 'Wrong action recorded', author_id: 'user-1', at: '2026-10-25T02:00:00.000Z', after_signoff: 0, version: 1, pending_mutation_id: null }],
      },
    ],
    comments: [],
    signoffs: [],
  };
}

function listedLog(overrides: Record<string, unknown> = {}) {
  return {
    ...detail().shiftLog,
    entry_count: 40,
    late_count: 2,
    amended_after_signoff: 0,
    signer_name: null,
    ...overrides,
  };
}

let calls: Calls;

function syncState(overrides: Record<string, unknown> = {}) {
  return { pending: 0, conflicts: 0, cursor: 42, lastOkAt: '2026-10-25T08:00:00.000Z', running: false, lastError: null, ...overrides };
}

// happy-dom has no layout: give the list's scroll box a size so the virtualizer renders rows.
const sized = ['offsetHeight', 'offsetWidth', 'clientHeight', 'clientWidth'] as const;
const originals = sized.map((key) => [key, Object.getOwnPropertyDescriptor(HTMLElement.prototype, key)] as const);
beforeEach(() => {
  for (const key of sized) Object.defineProperty(HTMLElement.prototype, key, { configurable: true, get: () => (key.endsWith('Height') ? 600 : 1000) });
});
afterEach(() => {
  for (const [key, descriptor] of originals) if (descriptor) Object.defineProperty(HTMLElement.prototype, key, descriptor);
});

function installApi(answers: Record<string, Answer>) {
  const defaults: Record<string, Answer> = {
    'areas.list': ok(areas),
    'users.list': ok({ items: [{ id: 'user-1', display_name: 'Ada Admin' }], next: null }),
    'session.access': ok(access('admin')),
    'session.status': ok(session),
    'shiftLogs.stats': ok({ from: '2026-10-24', to: '2026-10-25', days: [{ day: '2026-10-24', severity: 'high', count: 3 }] }),
    'shiftLogs.entries': ok({ items: [entry()], next: null }),
    'shiftLogs.entryTotals': ok({ matching: 1, all: 1 }),
    'shiftLogs.list': ok({ items: [listedLog()], next: null }),
    'shiftLogs.totals': ok({ matching: 1, all: 5 }),
    'shiftLogs.get': ok(detail()),
    'sync.state': ok(syncState()),
  };
  const all = { ...defaults, ...answers };
  calls = installPlantdeskStub(all);
}

function renderScreen(hash = '#/shift-logs?view=entries') {
  window.location.hash = hash;
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <ShiftLogsScreen />
    </QueryClientProvider>,
  );
}

beforeEach(() => {
  window.location.hash = '';
});

afterEach(() => {
  cleanup();
  Reflect.deleteProperty(window, 'plantdesk');
  useLocaleStore.getState().setLocale('en');
  useSyncActivity.setState({ progress: null });
});

describe('the shift-log list', () => {
  it('shows a loading state until the core answers', () => {
    installApi({ 'shiftLogs.entries': new Promise(() => {}) });
    renderScreen();
    expect(screen.getAllByRole('status').some((node) => node.textContent === 'Loading…')).toBe(true);
  });

  it('says so when no entry matches the filter', async () => {
    installApi({ 'shiftLogs.entries': ok({ items: [], next: null }) });
    renderScreen();
    expect(await screen.findByText('No entries match this filter.')).toBeTruthy();
  });

  it('during the first sync, an empty entry list says how far the download is instead of that nothing matches', async () => {
    installApi({ 'shiftLogs.entries': ok({ items: [], next: null }), 'sync.state': ok(syncState({ lastOkAt: null, cursor: 0, running: true })) });
    renderScreen();
    await waitFor(() => expect(screen.getAllByText('Downloading from the server…').length).toBeGreaterThan(0));
    act(() => useSyncActivity.getState().onProgress({ phase: 'pull', done: 1200, total: 40000 }));
    expect(screen.getAllByText('Downloading 1,200 of 40,000 changes from the server…').length).toBeGreaterThan(0);
    expect(screen.queryByText('No entries match this filter.')).toBeNull();
  });

  it('during a first sync, a list that already shows the newest days says the rest is still coming, and a search says what it covers', async () => {
    installApi({ 'shiftLogs.entries': ok({ items: [entry()], next: null }), 'sync.state': ok(syncState({ lastOkAt: null, cursor: 0, running: true })) });
    renderScreen();
    act(() => useSyncActivity.getState().onProgress({ phase: 'download', done: 1200, total: 40000 }));
    expect(await screen.findByText('Showing the newest days while the rest downloads (1,200 of 40,000).')).toBeTruthy();
    act(() => useSyncActivity.getState().onProgress({ phase: 'index', done: 3, total: 20 }));
    expect(await screen.findByText('Showing the newest days while the rest is prepared.')).toBeTruthy();
    cleanup();
    renderScreen('#/shift-logs?view=entries&q=pump');
    expect(await screen.findByText('Search covers what is downloaded so far; the full search is ready when the first sync is done.')).toBeTruthy();
  });

  it('before any sync has finished, an empty log list says nothing is downloaded yet, in German too', async () => {
    installApi({ 'shiftLogs.list': ok({ items: [], next: null }), 'sync.state': ok(syncState({ lastOkAt: null, cursor: 0 })) });
    renderScreen('#/shift-logs?view=all');
    expect(await screen.findByText(/Nothing downloaded yet: the first sync with the server has not finished/)).toBeTruthy();
    expect(screen.queryByText('No shift logs match this filter.')).toBeNull();
    act(() => useLocaleStore.getState().setLocale('de'));
    act(() => useSyncActivity.getState().onProgress({ phase: 'pull', done: 300, total: null }));
    expect(screen.getByText('Daten werden vom Server geladen… (bisher 300 Änderungen)')).toBeTruthy();
  });

  it("shows the core's error message with a retry", async () => {
    installApi({ 'shiftLogs.entries': refusal('store_corrupt', 'The local copy of this tenant is damaged and cannot be read.') });
    renderScreen();
    const alert = await screen.findByText(/local copy of this tenant is damaged/);
    expect(alert.closest('[role="alert"]')?.getAttribute('data-error-code')).toBe('store_corrupt');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });

  it('shows the offline state when the core needs a connection', async () => {
    installApi({ 'shiftLogs.entries': refusal('needs_connection', 'This needs a connection.') });
    renderScreen();
    expect(await screen.findByText(/You are offline/)).toBeTruthy();
  });

  it('shows the forbidden state, without a retry, when the role may not read entries', async () => {
    installApi({ 'shiftLogs.entries': refusal('forbidden', 'Your role does not allow this action.'), 'shiftLogs.stats': refusal('forbidden', 'no') });
    renderScreen();
    expect((await screen.findAllByText(/Your role does not allow this/)).length).toBeGreaterThan(0);
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
  });

  it('renders a row with site time and zone, area, shift, severity in words, author and the pending mark', async () => {
    installApi({ 'shiftLogs.entries': ok({ items: [entry({ pending_mutation_id: 'm-1', late: 1 })], next: null }) });
    renderScreen();
    const row = await screen.findByRole('row', { name: /Pump seal leaking/ });
    // Names come once the grant is known to allow reading people.
    await waitFor(() => expect(row.textContent).toContain('Ada Admin'));
    const text = row.textContent ?? '';
    expect(text).toContain('1:30'); // 00:30 UTC is 01:30 BST in Europe/London
    expect(text).toContain('GMT+1'); // the site's zone, named (British Summer Time)
    expect(text).toContain('Boiler house');
    expect(text).toContain('Night');
    expect(text).toContain('High');
    expect(text).toContain('P-101');
    expect(text).toContain('Late');
    expect(within(row).getByTestId('pending-mark').textContent).toContain('Pending sync');
  });

  it('asks for a first page of 100 (fast after a filter change), then pages of 500 with the cursor', async () => {
    const first = Array.from({ length: 3 }, (_, index) => entry({ id: `a-${index}` }));
    installApi({
      'shiftLogs.entries': (request: Record<string, unknown>) => {
        const page = request.page as { after: string | null };
        return ok(page.after === null ? { items: first, next: 'cursor-2' } : { items: [entry({ id: 'b-0', body: 'Second page entry' })], next: null });
      },
    });
    renderScreen();
    expect(await screen.findByRole('row', { name: /Second page entry/ })).toBeTruthy();
    expect(calls['shiftLogs.entries'].map((request) => request.page)).toEqual([
      { limit: 100, after: null },
      { limit: 500, after: 'cursor-2' },
    ]);
  });

  it('moves the selection with the arrow keys and opens the shift log with Enter', async () => {
    installApi({ 'shiftLogs.entries': ok({ items: [entry({ id: 'x-1', shift_log_id: 'log-a' }), entry({ id: 'x-2', shift_log_id: 'log-b', body: 'Second' })], next: null }) });
    renderScreen();
    const list = await screen.findByRole('grid', { name: 'Log entries' });
    await screen.findByRole('row', { name: /Second/ });
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    expect(screen.getByRole('row', { name: /Second/ }).getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(list, { key: 'Enter' });
    expect(window.location.hash).toBe('#/shift-logs/log-b');
  });
});

describe('the filters', () => {
  it('put each change into the URL and the query', async () => {
    installApi({});
    renderScreen();
    fireEvent.click(await screen.findByRole('checkbox', { name: /High/ }));
    await waitFor(() => expect(window.location.hash).toContain('severities=high'));
    fireEvent.change(screen.getByLabelText('Area'), { target: { value: siteId } });
    await waitFor(() => expect(window.location.hash).toContain(`areaIds=${siteId}%2C${areaId}`));
    fireEvent.change(screen.getByLabelText('Late'), { target: { value: '1' } });
    await waitFor(() => expect(window.location.hash).toContain('late=1'));
    await waitFor(() => expect(calls['shiftLogs.entries'].at(-1)?.filter).toEqual({ severities: ['high'], areaIds: [siteId, areaId], late: true }));
    expect(calls['shiftLogs.stats'].at(-1)?.filter).toEqual({ severities: ['high'], areaIds: [siteId, areaId], late: true });
    // A filter change keeps the view it was made in.
    expect(window.location.hash).toContain('view=entries');
  });

  it('search waits for a pause in typing, then goes to the URL as q', async () => {
    installApi({});
    renderScreen();
    const search = await screen.findByRole('searchbox', { name: 'Search' });
    fireEvent.change(search, { target: { value: 'pump' } });
    expect(window.location.hash).not.toContain('q=');
    await waitFor(() => expect(window.location.hash).toContain('q=pump'));
    await waitFor(() => expect(calls['shiftLogs.entries'].at(-1)?.filter).toEqual({ text: 'pump' }));
  });

  it('reopen from the URL: the controls show it and the export link carries it', async () => {
    installApi({});
    renderScreen('#/shift-logs?severities=critical&shiftDateFrom=2026-10-01&q=valve');
    expect(((await screen.findByRole('checkbox', { name: /Critical/ })) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByLabelText('Shift date from') as HTMLInputElement).value).toBe('2026-10-01');
    expect((screen.getByRole('searchbox', { name: 'Search' }) as HTMLInputElement).value).toBe('valve');
    expect(calls['shiftLogs.entries'][0].filter).toEqual({ severities: ['critical'], shiftDateFrom: '2026-10-01', text: 'valve' });
    const link = screen.getByRole('link', { name: 'Export this view' });
    expect(link.getAttribute('href')).toBe('#/exports?module=shift-logs&severities=critical&shiftDateFrom=2026-10-01&q=valve');
  });

  it('draws the per-day chart with a text alternative in localized dates', async () => {
    installApi({});
    renderScreen();
    const chart = await screen.findByRole('group', { name: /3 entries from Oct 24, 2026 to Oct 25, 2026/ });
    expect(chart.getAttribute('aria-label')).toContain('High 3');
    expect(screen.getByRole('table').textContent).toContain('Oct 24, 2026');
  });

  it("gives every shift date of the core's range a bar with its date and count, under a date axis and a count axis", async () => {
    installApi({ 'shiftLogs.stats': ok({ from: '2026-03-01', to: '2026-03-12', days: [{ day: '2026-03-12', severity: 'high', count: 34 }, { day: '2026-03-02', severity: 'info', count: 3 }] }) });
    renderScreen('#/shift-logs?view=entries&shiftDateFrom=2026-03-01&shiftDateTo=2026-03-12');
    const bars = within(await screen.findByTestId('chart-bars')).getAllByRole('img');
    expect(bars).toHaveLength(12);
    expect(bars[0].getAttribute('aria-label')).toBe('Mar 1, 2026: 0 entries');
    expect(bars[11].getAttribute('aria-label')).toBe('Mar 12, 2026: 34 entries');
    const dates = document.querySelector('.chart-dates')?.textContent ?? '';
    expect(dates).toContain('Mar 1');
    expect(dates).not.toMatch(/2026-03/);
    // A round top and its half: 34 -> 50.
    expect(document.querySelector('.chart-counts')?.textContent).toBe('50250');
  });

  it("shows a bar's value on hover and on keyboard focus, one tab stop with arrow keys between the bars", async () => {
    installApi({ 'shiftLogs.stats': ok({ from: '2026-03-10', to: '2026-03-12', days: [{ day: '2026-03-11', severity: 'high', count: 34 }, { day: '2026-03-12', severity: 'low', count: 2 }] }) });
    renderScreen();
    const bars = within(await screen.findByTestId('chart-bars')).getAllByRole('img');
    expect(bars.map((bar) => bar.tabIndex)).toEqual([-1, -1, 0]);
    fireEvent.mouseEnter(bars[1]);
    expect(screen.getByTestId('chart-tip').textContent).toContain('Mar 11, 2026: 34 entries');
    fireEvent.mouseLeave(screen.getByTestId('chart-bars'));
    expect(screen.queryByTestId('chart-tip')).toBeNull();
    act(() => bars[2].focus());
    expect(screen.getByTestId('chart-tip').textContent).toContain('Mar 12, 2026: 2 entries');
    fireEvent.keyDown(bars[2], { key: 'ArrowLeft' });
    expect(document.activeElement).toBe(bars[1]);
    expect(bars.map((bar) => bar.tabIndex)).toEqual([-1, 0, -1]);
    expect(screen.getByTestId('chart-tip').textContent).toContain('Mar 11, 2026: 34 entries');
  });

  it('groups a range of a year into weeks, each bar named by its first day', async () => {
    installApi({ 'shiftLogs.stats': ok({ from: '2025-03-01', to: '2026-02-28', days: [{ day: '2025-03-04', severity: 'high', count: 2 }, { day: '2025-03-06', severity: 'low', count: 5 }] }) });
    renderScreen();
    const bars = within(await screen.findByTestId('chart-bars')).getAllByRole('img');
    expect(bars.length).toBeLessThanOrEqual(62);
    expect(bars[1].getAttribute('aria-label')).toBe('Week of Mar 3, 2025: 7 entries');
  });
});

describe('the shift-log detail', () => {
  it('shows the header, each amendment beside its original with kind, reason and author', async () => {
    installApi({});
    renderScreen(`#/shift-logs/${logId}`);
    expect(await screen.findByRole('heading', { level: 1, name: /Boiler house · Night/ })).toBeTruthy();
    expect(screen.getByTestId('shift-log-status').textContent).toBe('Submitted');
    const item = screen.getByText('Pump seal leaking, isolated.').closest('li') as HTMLElement;
    const amendments = within(item).getByRole('list', { name: 'Amendments' });
    expect(amendments.textContent).toContain('Correction');
    expect(amendments.textContent).toContain('Pump seal leaking, replaced.');
    expect(amendments.textContent).toContain('Reason: Wrong action recorded');
    await waitFor(() => expect(amendments.textContent).toContain('Ada Admin'));
  });

  it('states each signature with printed name, date and time at the site with its zone, meaning and method', async () => {
    const signoff = (id: string, meaning: string, signedAt: string, claimed: string | null, method: string) => ({
      id, shift_log_id: logId, signer_id: 'user-1', printed_name: 'Ada Admin', meaning, signed_at: signedAt, claimed_signed_at: claimed, auth_method: method, content_hash: 'a'.repeat(64), version: 1, pending_mutation_id: null,
    });
    installApi({
      'shiftLogs.get': ok({
        ...detail(),
        signoffs: [
          signoff('s-1', 'reviewed', '2026-10-25T08:05:00.000Z', '2026-10-25T08:05:00.000Z', 'password_online'),
          signoff('s-2', 'approved', '2026-10-25T09:30:00.000Z', '2026-10-25T09:10:00.000Z', 'password_offline'),
        ],
      }),
    });
    renderScreen(`#/shift-logs/${logId}`);
    const list = (await screen.findByRole('heading', { name: 'Sign-offs' })).parentElement as HTMLElement;
    const items = within(list).getAllByRole('listitem').map((item) => item.textContent ?? '');
    // The site is in London, which is back on GMT on that morning.
    expect(items[0]).toContain('Reviewed · Ada Admin · Oct 25, 2026, 8:05 AM GMT');
    expect(items[0]).toContain('password re-entered and verified by the server');
    expect(items[0]).not.toContain('workstation clock');
    expect(items[1]).toContain('Approved · Ada Admin');
    expect(items[1]).toContain('password checked on the workstation');
    expect(items[1]).toContain('workstation clock:');
  });

  it("shows a time on the shift's date alone and any other time with its date, in English and German", async () => {
    const log = detail();
    log.entries = [
      { ...log.entries[0], id: 'e-evening', body: 'Evening round', occurred_at: '2026-10-24T20:00:00.000Z', amendments: [] },
      { ...log.entries[0], id: 'e-night', body: 'Night round' },
    ];
    const comment = { id: 'c-1', shift_log_id: logId, entry_id: null, author_id: 'user-1', body: 'Quiet night', at: '2026-10-24T19:00:00.000Z', version: 1, pending_mutation_id: null };
    installApi({ 'shiftLogs.get': ok({ ...log, comments: [comment] }) });
    renderScreen(`#/shift-logs/${logId}`);
    const evening = (await screen.findByText('Evening round')).closest('li') as HTMLElement;
    const night = screen.getByText('Night round').closest('li') as HTMLElement;
    // 24 October is the shift date: 21:00 BST that evening needs no date, 01:30 the next morning does.
    expect(evening.querySelector('.entry-time')?.textContent).toBe('9:00 PM GMT+1');
    expect(night.querySelector('.entry-time')?.textContent).toBe('Oct 25, 2026, 1:30 AM GMT+1');
    expect(within(night).getByRole('list', { name: 'Amendments' }).querySelector('time')?.textContent).toBe('Oct 25, 2026, 2:00 AM GMT');
    const comments = screen.getByRole('heading', { name: 'Comments' }).parentElement as HTMLElement;
    expect(comments.querySelector('time')?.textContent).toBe('8:00 PM GMT+1');
    act(() => useLocaleStore.getState().setLocale('de'));
    expect(night.querySelector('.entry-time')?.textContent).toBe('25. Okt. 2026, 01:30 GMT+1');
    expect(evening.querySelector('.entry-time')?.textContent).toBe('21:00 GMT+1');
  });

  it('puts the actions in the header row of every entry card, Comment outermost, outside the text that varies in length', async () => {
    const log = detail();
    log.entries = [{ ...log.entries[0], amendments: [] }, { ...log.entries[0], id: 'e-2', body: 'A much longer entry. '.repeat(30) }];
    installApi({ 'shiftLogs.get': ok(log) });
    renderScreen(`#/shift-logs/${logId}`);
    await screen.findAllByRole('button', { name: 'Amend' });
    for (const card of document.querySelectorAll('.detail-entry')) {
      const head = card.firstElementChild as HTMLElement;
      expect(head.className).toBe('entry-head');
      const actions = within(head).getAllByRole('button').map((button) => button.textContent);
      expect(actions).toEqual(['Amend', 'Comment']);
      expect(head.lastElementChild?.contains(within(head).getByRole('button', { name: 'Amend' }))).toBe(true);
      expect(head.textContent).not.toContain('longer entry');
    }
  });

  it('names the sections with their counts at the top, and a jump moves the focus to the section', async () => {
    const comment = (id: string) => ({ id, shift_log_id: logId, entry_id: null, author_id: 'user-1', body: `Note ${id}`, at: '2026-10-24T19:00:00.000Z', version: 1, pending_mutation_id: null });
    installApi({ 'shiftLogs.get': ok({ ...detail(), comments: [comment('c-1'), comment('c-2'), comment('c-3')] }) });
    renderScreen(`#/shift-logs/${logId}`);
    const jumps = await screen.findByRole('navigation', { name: 'Sections of this shift log' });
    expect(within(jumps).getAllByRole('button').map((button) => button.textContent)).toEqual(['Entries (1)', 'Sign-offs (0)', 'Comments (3)']);
    fireEvent.click(within(jumps).getByRole('button', { name: 'Comments (3)' }));
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Comments' }));
    fireEvent.click(within(jumps).getByRole('button', { name: 'Sign-offs (0)' }));
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Sign-offs' }));
  });

  it('says when the log does not exist or is outside access', async () => {
    installApi({ 'shiftLogs.get': ok(null) });
    renderScreen('#/shift-logs/nope');
    expect(await screen.findByText('This shift log does not exist or is outside your access.')).toBeTruthy();
  });

  it('shows the offline state from the core', async () => {
    installApi({ 'shiftLogs.get': refusal('needs_connection', 'x') });
    renderScreen(`#/shift-logs/${logId}`);
    expect(await screen.findByText(/You are offline/)).toBeTruthy();
  });

  it('shows a viewer no action at all', async () => {
    installApi({ 'session.access': ok(access('viewer')) });
    renderScreen(`#/shift-logs/${logId}`);
    await screen.findByTestId('shift-log-status');
    await waitFor(() => expect(screen.getByRole('toolbar', { name: 'Shift log actions' }).getAttribute('data-access')).toBe('loaded'));
    for (const name of ['Add entry', 'Submit for review', 'Sign off', 'Reopen', 'Amend', 'Comment', 'Add comment']) expect(screen.queryByRole('button', { name })).toBeNull();
  });

  it('shows a contributor add, amend and comment in their area, but not sign-off', async () => {
    installApi({ 'session.access': ok(access('contributor')) });
    renderScreen(`#/shift-logs/${logId}`);
    expect(await screen.findByRole('button', { name: 'Add entry' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Amend' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Add comment' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Sign off' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Reopen' })).toBeNull();
  });

  it('comments on one entry: the form opens under it and the comment names the entry', async () => {
    const entryId = '0192f0a0-0000-7000-8000-0000000000e1';
    const log = detail();
    log.entries[0] = { ...log.entries[0], id: entryId };
    installApi({ 'session.access': ok(access('contributor')), 'shiftLogs.get': ok(log), 'comments.create': ok({ commentId: 'c-1', mutationId: 'm-1', seq: 1 }) });
    renderScreen(`#/shift-logs/${logId}`);
    const item = (await screen.findByText('Pump seal leaking, isolated.')).closest('li') as HTMLElement;
    fireEvent.click(within(item).getByRole('button', { name: 'Comment' }));
    fireEvent.change(within(item).getByLabelText('Comment on this entry'), { target: { value: 'Seal kit ordered' } });
    fireEvent.click(within(item).getByRole('button', { name: 'Add comment' }));
    await waitFor(() => expect(calls['comments.create']).toEqual([{ shiftLogId: logId, entryId, body: 'Seal kit ordered' }]));
    await waitFor(() => expect(within(item).queryByLabelText('Comment on this entry')).toBeNull());
  });

  it('shows an admin sign-off on an unsigned log and reopen only on a signed one', async () => {
    installApi({});
    renderScreen(`#/shift-logs/${logId}`);
    expect(await screen.findByRole('button', { name: 'Sign off' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Reopen' })).toBeNull();
    cleanup();
    installApi({ 'shiftLogs.get': ok(detail({ status: 'signed' })) });
    renderScreen(`#/shift-logs/${logId}`);
    expect(await screen.findByRole('button', { name: 'Reopen' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Sign off' })).toBeNull();
  });

  it("starts a new entry in a past shift at the shift's end, in the site's time", async () => {
    installApi({});
    renderScreen(`#/shift-logs/${logId}`);
    fireEvent.click(await screen.findByRole('button', { name: 'Add entry' }));
    const dialog = screen.getByRole('dialog', { name: 'Add entry' });
    // Ends 07:00 UTC on 25 October: 07:00 in London, back on GMT that morning.
    expect((within(dialog).getByLabelText('Occurred at') as HTMLInputElement).value).toBe('2026-10-25T07:00');
    expect(dialog.textContent).toContain('Site time (Europe/London)');
  });

  it("starts a new entry in a future shift at the shift's start, in the site's summer time, and sends that instant", async () => {
    installApi({ 'shiftLogs.get': ok(detail({ starts_at: '2099-07-01T05:00:00.000Z', ends_at: '2099-07-01T17:00:00.000Z', shift_date: '2099-07-01' })), 'logEntries.create': ok({ entryId: 'e-9', mutationId: 'm-9', seq: 9 }) });
    renderScreen(`#/shift-logs/${logId}`);
    fireEvent.click(await screen.findByRole('button', { name: 'Add entry' }));
    const dialog = screen.getByRole('dialog', { name: 'Add entry' });
    expect((within(dialog).getByLabelText('Occurred at') as HTMLInputElement).value).toBe('2099-07-01T06:00');
    fireEvent.change(within(dialog).getByLabelText('Entry text'), { target: { value: 'Planned isolation of P-101' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add entry' }));
    await waitFor(() => expect(calls['logEntries.create']?.[0]).toMatchObject({ occurredAt: '2099-07-01T05:00:00.000Z' }));
  });

  it('asks for a late reason on a late entry and shows the zod error when it is missing', async () => {
    installApi({});
    renderScreen(`#/shift-logs/${logId}`);
    fireEvent.click(await screen.findByRole('button', { name: 'Add entry' }));
    const dialog = screen.getByRole('dialog', { name: 'Add entry' });
    fireEvent.change(within(dialog).getByLabelText('Entry text'), { target: { value: 'Found valve V-2 open' } });
    expect(within(dialog).getByLabelText('Reason for the late entry')).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add entry' }));
    expect((await within(dialog).findByRole('alert')).textContent).toContain('lateReason');
    expect(calls['logEntries.create']).toBeUndefined();
  });
});

describe('the sign-off dialog', () => {
  it('states the meaning in words, shows a wrong password as the typed error and stays open', async () => {
    installApi({ 'shiftLogs.signOff': refusal('wrong_password', 'That password does not open the local copy on this workstation.') });
    renderScreen(`#/shift-logs/${logId}`);
    fireEvent.click(await screen.findByRole('button', { name: 'Sign off' }));
    const dialog = screen.getByRole('dialog', { name: 'Sign off shift log' });
    expect(within(dialog).getByTestId('signoff-statement').textContent).toBe('By signing, Ada Admin confirms having reviewed this shift log as it stands now.');
    fireEvent.click(within(dialog).getByRole('radio', { name: 'Approved' }));
    expect(within(dialog).getByTestId('signoff-statement').textContent).toContain('approves this shift log');
    fireEvent.change(within(dialog).getByLabelText('Password'), { target: { value: 'not-it' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Sign' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert.getAttribute('data-error-code')).toBe('wrong_password');
    expect(alert.textContent).toContain('password does not open');
    expect(screen.getByRole('dialog', { name: 'Sign off shift log' })).toBeTruthy();
    expect(calls['shiftLogs.signOff']).toEqual([{ shiftLogId: logId, meaning: 'approved', password: 'not-it' }]);
  });

  it('closes after signing and refetches the log', async () => {
    installApi({ 'shiftLogs.signOff': ok({ signoffId: 's-1', mutationId: 'm-1', contentHash: 'h' }) });
    renderScreen(`#/shift-logs/${logId}`);
    fireEvent.click(await screen.findByRole('button', { name: 'Sign off' }));
    const dialog = screen.getByRole('dialog', { name: 'Sign off shift log' });
    fireEvent.change(within(dialog).getByLabelText('Password'), { target: { value: 'right' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Sign' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Sign off shift log' })).toBeNull());
    await waitFor(() => expect(calls['shiftLogs.get'].length).toBeGreaterThan(1));
  });
});

describe('handovers on the detail', () => {
  const handover = {
    id: '0192f0a0-0000-7000-8000-00000000h001'.replace('h', 'b'),
    from_shift_log_id: logId,
    to_shift_log_id: null,
    open_items: JSON.stringify([{ text: 'Check pump P-101' }]),
    outgoing_ack_by: 'user-1',
    outgoing_ack_at: '2026-10-25T07:05:00.000Z',
    incoming_ack_by: null,
    incoming_ack_at: null,
    version: 1,
    pending_mutation_id: null,
  };

  it('shows the open items and who acknowledged, and acknowledges the incoming side', async () => {
    installApi({ 'shiftLogs.get': ok({ ...detail(), handovers: [handover] }), 'handovers.acknowledge': ok({ mutationId: 'm-1', seq: 1 }) });
    renderScreen(`#/shift-logs/${logId}`);
    const section = await screen.findByRole('region', { name: 'Handover' });
    expect(within(section).getByRole('list', { name: 'Open items carried over' }).textContent).toBe('Check pump P-101');
    await waitFor(() => expect(section.textContent).toContain('Outgoing shift: ✔ Ada Admin'));
    expect(within(section).queryByRole('button', { name: 'Acknowledge as outgoing shift' })).toBeNull();
    fireEvent.click(within(section).getByRole('button', { name: 'Acknowledge as incoming shift' }));
    await waitFor(() => expect(calls['handovers.acknowledge']).toEqual([{ handoverId: handover.id, side: 'incoming' }]));
  });

  it('offers a viewer no acknowledgement', async () => {
    installApi({ 'shiftLogs.get': ok({ ...detail(), handovers: [handover] }), 'session.access': ok(access('viewer')) });
    renderScreen(`#/shift-logs/${logId}`);
    const section = await screen.findByRole('region', { name: 'Handover' });
    await waitFor(() => expect(screen.getByRole('toolbar', { name: 'Shift log actions' }).getAttribute('data-access')).toBe('loaded'));
    expect(section.textContent).toContain('not acknowledged yet');
    expect(within(section).queryByRole('button')).toBeNull();
  });
});


describe('the list of shift logs (to sign, all logs)', () => {
  it('opens on the logs waiting for my sign-off when I may sign, one row per log with area name, counts and flags', async () => {
    installApi({});
    renderScreen('#/shift-logs');
    const grid = await screen.findByRole('grid', { name: 'Shift logs waiting for my sign-off' });
    expect(screen.getByRole('button', { name: 'To sign' }).getAttribute('aria-pressed')).toBe('true');
    expect(calls['shiftLogs.list'][0]).toMatchObject({ waitingForMySignature: true });
    expect(calls['shiftLogs.totals'][0]).toMatchObject({ waitingForMySignature: true });
    const headers = within(grid).getAllByRole('columnheader').map((header) => header.textContent?.replace(/[▲▼]/g, '').trim());
    expect(headers).toEqual(['Area', 'Shift', 'Shift date', 'Crew', 'Status', 'Entries', 'Flags', 'Signed by']);
    const row = within(grid).getByRole('row', { name: /Boiler house/ });
    expect(row.textContent).toContain('Night');
    expect(row.textContent).toContain('Oct 24, 2026');
    expect(row.textContent).not.toContain('2026-10-24');
    expect(row.textContent).toContain('Submitted');
    expect(row.textContent).toContain('40');
    expect(row.textContent).toContain('2 late entries');
    expect(await screen.findByText('Showing 1 of 1 shift log waiting for your sign-off (5 in all)')).toBeTruthy();
  });

  it('starts on all logs for someone who may sign nothing', async () => {
    installApi({ 'session.access': ok(access('viewer')) });
    renderScreen('#/shift-logs');
    await screen.findByRole('grid', { name: 'Shift logs' });
    expect(screen.getByRole('button', { name: 'All logs' }).getAttribute('aria-pressed')).toBe('true');
    expect(calls['shiftLogs.list'][0]).not.toHaveProperty('waitingForMySignature');
  });

  it('sorts by a clicked header in the core: the request carries the column, the header says how it is sorted, the URL keeps it', async () => {
    installApi({});
    renderScreen('#/shift-logs?view=all');
    const grid = await screen.findByRole('grid', { name: 'Shift logs' });
    expect(within(grid).getByRole('columnheader', { name: /Shift date/ }).getAttribute('aria-sort')).toBe('descending');
    fireEvent.click(within(grid).getByRole('button', { name: /^Entries/ }));
    await waitFor(() => expect(calls['shiftLogs.list'].at(-1)?.sort).toEqual({ by: 'entries', dir: expect.stringMatching(/^(asc|desc)$/) }));
    const dir = (calls['shiftLogs.list'].at(-1)?.sort as { dir: string }).dir;
    expect(window.location.hash).toContain(`logSort=entries.${dir}`);
    await waitFor(() => expect(screen.getByRole('columnheader', { name: /^Entries/ }).getAttribute('aria-sort')).toBe(dir === 'asc' ? 'ascending' : 'descending'));
    expect(screen.getByRole('columnheader', { name: /Shift date/ }).getAttribute('aria-sort')).toBe('none');
  });

  it('opens the log when its row is clicked', async () => {
    installApi({});
    renderScreen('#/shift-logs?view=all');
    fireEvent.click(await screen.findByRole('row', { name: /Boiler house/ }));
    expect(window.location.hash).toBe(`#/shift-logs/${logId}`);
  });

  it('gives the entry list column headers; clicking Severity asks the core for that sort and keeps it in the URL', async () => {
    installApi({});
    renderScreen();
    const grid = await screen.findByRole('grid', { name: 'Log entries' });
    expect(within(grid).getByRole('columnheader', { name: /Occurred/ }).getAttribute('aria-sort')).toBe('descending');
    fireEvent.click(within(grid).getByRole('button', { name: /^Severity/ }));
    await waitFor(() => expect(calls['shiftLogs.entries'].at(-1)?.sort).toEqual({ by: 'severity', dir: 'desc' }));
    expect(window.location.hash).toContain('entrySort=severity.desc');
    expect(window.location.hash).toContain('view=entries');
    await waitFor(() => expect(screen.getByRole('columnheader', { name: /^Severity/ }).getAttribute('aria-sort')).toBe('descending'));
  });

  it('states the entry totals from the core, and with search text offers best match or newest first', async () => {
    installApi({ 'shiftLogs.entryTotals': ok({ matching: 4000, all: 12345 }), 'shiftLogs.entries': ok({ items: [entry()], next: 'more' }) });
    renderScreen('#/shift-logs?view=entries&q=pump');
    expect(await screen.findByText('Showing 1 of 4,000 matching entries (12,345 in all)')).toBeTruthy();
    const order = screen.getByRole('radiogroup', { name: 'Order of search results' });
    expect((within(order).getByRole('radio', { name: 'Newest first' }) as HTMLInputElement).checked).toBe(true);
    fireEvent.click(within(order).getByRole('radio', { name: 'Best match' }));
    await waitFor(() => expect(calls['shiftLogs.entries'].at(-1)?.sort).toEqual({ by: 'relevance', dir: 'asc' }));
    expect((within(order).getByRole('radio', { name: 'Best match' }) as HTMLInputElement).checked).toBe(true);
  });
});
