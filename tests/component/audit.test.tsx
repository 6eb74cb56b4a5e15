import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installPlantdeskStub } from './support/plantdesk-stub';
import { AuditScreen } from '../../renderer/src/features/audit/components/AuditScreen';
import { featureCatalogs, useLocaleStore } from '../../renderer/src/i18n/i18n';
import { usePalette } from '../../renderer/src/lib/palette';
import { presetRules } from '../../shared/rbac';

// The audit screen talks to the core only through window.plantdesk; each test answers per channel.
type Answer = unknown | ((request: Record<string, unknown>) => unknown);

const ok = (value: unknown) => ({ ok: true, value });
const refusal = (code: string, message: string) => ({ ok: false, error: { code, message } });

const areas = [
  { id: 'site-1', parent_id: null, kind: 'site', name: 'Northfield', time_zone: 'Europe/London' },
  { id: 'area-1', parent_id: 'site-1', kind: 'area', name: 'Boiler house', time_zone: null },
];

const noRecord = { name: null, shift_log_id: null, user_id: null, area_name: null, shift_date: null, shift_name: null };

function event(overrides: Record<string, unknown> = {}) {
  return {
    tenant_id: 'tenant-1',
    seq: 42,
    id: 'ev-42',
    server_time: '2026-10-25T00:30:00.000Z',
    client_time: '2026-10-25T00:29:00.000Z',
    actor_id: 'user-1',
    session_id: 'ses-1',
    ip: '10.1.2.3',
    device_id: 'dev-1',
    action: 'log_entry.amended',
    entity: 'log_entry',
    entity_id: 'entry-0001-aaaa',
    area_id: 'area-1',
    before: JSON.stringify({ severity: 'low', body: 'Pump noisy', author_email: '[personal]' }),
    after: JSON.stringify({ severity: 'high', body: 'Pump seal leaking', author_email: '[personal]', tags: ['pump', 'seal'] }),
    reason: 'Wrong severity recorded',
    prev_hash: 'a'.repeat(64),
    hash: 'b'.repeat(64),
    record: { ...noRecord, name: 'Pump seal leaking at the boiler feed, gasket replaced and checked', shift_log_id: 'log-7' },
    device_name: 'Control room PC',
    ...overrides,
  };
}

const chainOk = { ok: true, checked: 120, lastSeq: 120, lastHash: 'c'.repeat(64), firstBreak: null, complete: true };

function access(role: 'viewer' | 'admin') {
  return { userId: 'user-1', tenantId: 'tenant-1', orgRole: role, globalRole: 'none', rules: presetRules[role], moduleFlags: { shift_logs: true, handovers: true, audit: true, users: true, exports: true }, areas: [], notAfter: '2099-01-01T00:00:00.000Z' };
}

let calls: Record<string, Record<string, unknown>[]>;

function installApi(answers: Record<string, Answer> = {}) {
  const defaults: Record<string, Answer> = {
    'areas.list': ok(areas),
    'users.list': ok({ items: [{ id: 'user-1', display_name: 'Ada Admin', email: 'ada@northfield.example' }, { id: 'user-2', display_name: 'Casey Contributor', email: 'casey@northfield.example' }], next: null }),
    'session.access': ok(access('admin')),
    'audit.list': (request: Record<string, unknown>) => {
      const after = (request.page as { after?: string | null } | undefined)?.after;
      if (after) return ok({ items: [event()], next: null });
      return ok({
        items: [
          event({ seq: 43, action: 'user.updated', entity: 'user', entity_id: 'user-2', area_id: null, actor_id: 'user-2', reason: null, record: { ...noRecord, name: 'Casey Contributor', user_id: 'user-2' } }),
          event(),
          event({ seq: 41, actor_id: null, action: 'demo.seeded', entity: 'tenant', entity_id: 'tenant-1', record: null }),
        ],
        next: null,
      });
    },
    'audit.verify': ok(chainOk),
  };
  const all = { ...defaults, ...answers };
  calls = installPlantdeskStub(all);
}

function renderScreen(hash = '#/audit') {
  window.location.hash = hash;
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <AuditScreen />
    </QueryClientProvider>,
  );
}

beforeEach(() => {
  window.location.hash = '';
});

afterEach(() => {
  cleanup();
  Reflect.deleteProperty(window, 'plantdesk');
});

describe('the audit list', () => {
  it('shows a loading state until the core answers', () => {
    installApi({ 'audit.list': new Promise(() => {}), 'audit.verify': new Promise(() => {}) });
    renderScreen();
    expect(screen.getAllByRole('status').some((node) => node.textContent === 'Loading…')).toBe(true);
    expect(screen.getByText('Checking the audit chain…')).toBeTruthy();
  });

  it('says events arrive with a sync when there are none', async () => {
    installApi({ 'audit.list': ok({ items: [], next: null }), 'audit.verify': ok({ ...chainOk, checked: 0, lastSeq: 0 }) });
    renderScreen();
    expect(await screen.findByText(/No audit events match/)).toBeTruthy();
    expect(screen.getByText(/No audit events on this workstation yet/)).toBeTruthy();
  });

  it("shows the core's error message with a retry", async () => {
    installApi({ 'audit.list': refusal('store_corrupt', 'The local copy of this tenant is damaged and cannot be read.') });
    renderScreen();
    const alert = await screen.findByText(/local copy of this tenant is damaged/);
    expect(alert.closest('[role="alert"]')?.getAttribute('data-error-code')).toBe('store_corrupt');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });

  it('shows the forbidden state, without a retry, when the role may not read the trail', async () => {
    installApi({ 'audit.list': refusal('forbidden', 'no'), 'audit.verify': refusal('forbidden', 'Your role does not allow this action.') });
    renderScreen();
    expect(await screen.findByText(/Your role does not allow this. Ask a tenant admin/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
  });

  it('shows the offline state when the core needs a connection', async () => {
    installApi({ 'audit.list': refusal('needs_connection', 'This needs a connection.') });
    renderScreen();
    expect(await screen.findByText(/You are offline/)).toBeTruthy();
  });

  it('lists events newest first with the time in the site zone (named), the actor by name and the action in words', async () => {
    installApi();
    renderScreen();
    const table = await screen.findByRole('table');
    const rows = within(table).getAllByRole('row').slice(1).map((row) => within(row).getAllByRole('cell').map((cell) => cell.textContent));
    expect(rows.map((row) => row[0])).toEqual(['43', '42', '41']);
    // 00:30 UTC on 25 October 2026 is 01:30 BST in London (the clocks go back at 01:00 UTC).
    expect(rows[1][1]).toMatch(/1:30.*(BST|GMT\+1)/);
    expect(rows[1].slice(2)).toEqual(['Ada Admin', 'Entry amended', 'Log entry Pump seal leaking at the boiler feed, gasket…', 'Wrong severity recorded']);
    expect(rows[0].slice(2, 4)).toEqual(['Casey Contributor', 'User changed']);
    expect(rows[2].slice(2, 4)).toEqual(['System', 'Demo data created']);
    expect(screen.getByText('Times in Europe/London')).toBeTruthy();
  });

  it('sends the filters from the URL, the date range as whole days in the site zone across the DST change', async () => {
    installApi();
    renderScreen('#/audit?from=2026-10-25&to=2026-10-25');
    await screen.findByRole('table');
    fireEvent.change(screen.getByRole('combobox', { name: 'Actor' }), { target: { value: 'user-2' } });
    fireEvent.change(screen.getByRole('combobox', { name: 'Record type' }), { target: { value: 'user' } });
    fireEvent.change(screen.getByRole('combobox', { name: 'Action' }), { target: { value: 'user.updated' } });
    expect(window.location.hash).toBe('#/audit?from=2026-10-25&to=2026-10-25&actor=user-2&entity=user&action=user.updated');
    await waitFor(() =>
      expect(calls['audit.list'].at(-1)?.filter).toEqual({
        actorIds: ['user-2'],
        entities: ['user'],
        actions: ['user.updated'],
        // Midnight BST (UTC+1) on the 25th, midnight GMT on the 26th: the 25th lasts 25 hours.
        from: '2026-10-24T23:00:00.000Z',
        to: '2026-10-26T00:00:00.000Z',
      }),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(window.location.hash).toBe('#/audit');
  });
  it('names each record and links it where the app shows it; a record it cannot name keeps a labelled short id', async () => {
    installApi({
      'audit.list': ok({
        items: [
          event({ seq: 50, action: 'shift_log.signed_off', entity: 'shift_log', entity_id: 'log-7', record: { ...noRecord, shift_log_id: 'log-7', area_name: 'Boiler house', shift_date: '2026-03-01', shift_name: 'Night' } }),
          event({ seq: 49 }),
          event({ seq: 48, action: 'user.updated', entity: 'user', entity_id: 'user-2', record: { ...noRecord, name: 'Casey Contributor', user_id: 'user-2' } }),
          event({ seq: 47, action: 'session.revoked', entity: 'session', entity_id: 'ses-9', record: { ...noRecord, name: 'Lab laptop', user_id: 'user-2' } }),
          event({ seq: 46, action: 'role.updated', entity: 'role', entity_id: 'role-1', record: { ...noRecord, name: 'Shift lead' } }),
          event({ seq: 45, entity: 'log_entry', entity_id: 'f00dfeed-1234-5678', record: null }),
        ],
        next: null,
      }),
    });
    renderScreen();
    const table = await screen.findByRole('table');
    const cells = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((row) => within(row).getAllByRole('cell')[4]);
    const link = (cell: HTMLElement) => within(cell).queryByRole('link')?.getAttribute('href') ?? null;
    expect(cells.map((cell) => cell.textContent)).toEqual([
      'Shift log Boiler house · Mar 1, 2026 · Night',
      'Log entry Pump seal leaking at the boiler feed, gasket…',
      'User Casey Contributor',
      'Session Lab laptop',
      'Role Shift lead',
      'Log entry id f00dfeed',
    ]);
    expect(cells.map(link)).toEqual(['#/shift-logs/log-7', '#/shift-logs/log-7', '#/people/user-2', '#/people/user-2', null, null]);
    expect(within(cells[5]).getByText('id f00dfeed').getAttribute('title')).toMatch(/Not on this workstation, or not visible to you/);
  });
});

describe('an audit event', () => {
  it('shows each changed field by its label, the values in words, personal values hidden', async () => {
    installApi({
      'audit.list': ok({
        items: [
          event({
            before: JSON.stringify({ severity: 'low', body: 'Pump noisy', occurred_at: '2026-10-25T00:30:00.000Z', area_id: 'site-1', author_id: 'user-1', late: false, author_email: '[personal]', shift_kind: null }),
            after: JSON.stringify({ severity: 'high', body: 'Pump seal leaking', occurred_at: '2026-10-25T01:30:00.000Z', area_id: 'area-1', author_id: 'user-2', late: true, author_email: '[personal]', shift_kind: 'night_long', tags: ['pump', 'seal'] }),
          }),
        ],
        next: null,
      }),
    });
    renderScreen('#/audit/42');
    const panel = await screen.findByRole('complementary');
    const diff = await within(panel).findByRole('table');
    await within(diff).findByText('Casey Contributor');
    const rows = within(diff)
      .getAllByRole('row')
      .slice(1)
      .map((row) => [within(row).getByRole('rowheader').textContent, ...within(row).getAllByRole('cell').map((cell) => cell.textContent)]);
    expect(rows).toEqual([
      ['Severity', 'low', 'high'],
      ['Text', 'Pump noisy', 'Pump seal leaking'],
      // In the event's site zone: 00:30 UTC is 01:30 BST, 01:30 UTC is 01:30 GMT (the clocks went back).
      ['Occurred at', expect.stringMatching(/1:30.*(BST|GMT\+1)/), expect.stringMatching(/1:30.*GMT$/)],
      ['Area', 'Northfield', 'Boiler house'],
      ['Author', 'Ada Admin', 'Casey Contributor'],
      ['Late', 'No', 'Yes'],
      ['Author email', '🔒 hidden (personal data)', '🔒 hidden (personal data)'],
      ['Shift kind', '(empty)', 'night_long'],
      ['Tags', '(empty)', 'pump, seal'],
    ]);
    // The field's own name stays on hover.
    expect(within(diff).getByText('Occurred at').getAttribute('title')).toBe('occurred_at');
    expect(within(panel).getByText('Wrong severity recorded')).toBeTruthy();
    // One event is read as the page after seq + 1 (keyset cursor [43, 43]).
    const cursor = (calls['audit.list'].find((request) => (request.page as { limit: number }).limit === 1)?.page as { after: string }).after;
    expect(JSON.parse(atob(cursor.replace(/-/g, '+').replace(/_/g, '/')))).toEqual([43, 43]);
  });

  it('names the record and the device, the ids kept beside them', async () => {
    installApi();
    renderScreen('#/audit/42');
    const panel = await screen.findByRole('complementary');
    const record = await within(panel).findByRole('link', { name: 'Pump seal leaking at the boiler feed, gasket…' });
    expect(record.getAttribute('href')).toBe('#/shift-logs/log-7');
    expect(within(panel).getByText('entry-0001-aaaa')).toBeTruthy();
    const device = within(panel).getByText('Control room PC');
    expect(device.getAttribute('title')).toBe('Device id dev-1');
    expect(device.textContent).toBe('Control room PCdev-1');
  });

  it('says so when the event is not on this workstation', async () => {
    installApi({ 'audit.list': ok({ items: [event({ seq: 40 })], next: null }) });
    renderScreen('#/audit/42');
    expect(await screen.findByText(/Event 42 is not on this workstation/)).toBeTruthy();
  });

  it('says when an event records no field changes', async () => {
    installApi({ 'audit.list': ok({ items: [event({ before: null, after: null })], next: null }) });
    renderScreen('#/audit/42');
    expect(await screen.findByText('This event records no field changes.')).toBeTruthy();
  });
});

describe('the command palette on the audit screen', () => {
  const action = (id: string) => usePalette.getState().screenActions.find((candidate) => candidate.id === id);

  it('offers to verify the chain again, to filter and to export this trail, and each does so', async () => {
    installApi();
    const view = renderScreen('#/audit?entity=user&action=user.updated');
    await screen.findByTestId('chain-status');
    expect(usePalette.getState().screenActions.map((candidate) => candidate.label)).toEqual(['Verify the chain again', 'Filter the trail', 'Export this trail']);
    const verified = calls['audit.verify'].length;
    act(() => action('audit.verify')?.run());
    await waitFor(() => expect(calls['audit.verify'].length).toBe(verified + 1));
    act(() => action('audit.filter')?.run());
    expect(document.activeElement).toBe(screen.getByRole('combobox', { name: 'Actor' }));
    act(() => action('audit.export')?.run());
    await waitFor(() => expect(window.location.hash).toBe('#/exports?module=audit&entities=user&actions=user.updated'));
    view.unmount();
    expect(usePalette.getState().screenActions).toEqual([]);
  });
});

describe('the chain status', () => {
  it('says up to which seq the chain is verified', async () => {
    installApi();
    renderScreen();
    const banner = await screen.findByTestId('chain-status');
    expect(banner.getAttribute('role')).toBe('status');
    expect(banner.textContent).toContain('Chain verified up to seq 120: 120 events checked');
  });

  it('raises the first broken link as an alarm with text and icon', async () => {
    installApi({ 'audit.verify': ok({ ...chainOk, ok: false, firstBreak: { seq: 57, id: 'ev-57', reason: 'prev_hash_mismatch', expected: 'd'.repeat(64), actual: 'e'.repeat(64) } }) });
    renderScreen();
    const banner = await screen.findByTestId('chain-status');
    expect(banner.getAttribute('role')).toBe('alert');
    expect(banner.textContent).toContain('⛔');
    expect(banner.textContent).toContain('Audit chain broken at seq 57: this event does not link to the one before it.');
    expect(banner.textContent).toContain('Expected dddddddddddd…, found eeeeeeeeeeee…');
    expect(within(banner).getByRole('link', { name: 'Show event 57' }).getAttribute('href')).toBe('#/audit/57');
  });

  it('calls a trail the grant shows only in part partial, with gaps expected', async () => {
    installApi({ 'audit.verify': ok({ ...chainOk, ok: false, complete: false, checked: 30, firstBreak: { seq: 12, id: 'ev-12', reason: 'seq_gap', expected: '11', actual: '12' } }) });
    renderScreen();
    const banner = await screen.findByTestId('chain-status');
    expect(banner.getAttribute('role')).toBe('status');
    expect(banner.textContent).toContain('Partial trail: links checked only between the events your access shows (30 events, up to seq 120)');
  });

  it('still raises an altered event as an alarm in a partial trail', async () => {
    installApi({ 'audit.verify': ok({ ...chainOk, ok: false, complete: false, firstBreak: { seq: 12, id: 'ev-12', reason: 'hash_mismatch', expected: 'd'.repeat(64), actual: 'e'.repeat(64) } }) });
    renderScreen();
    const banner = await screen.findByTestId('chain-status');
    expect(banner.getAttribute('role')).toBe('alert');
    expect(banner.textContent).toContain('the event was changed after it was recorded');
  });
});

describe('in German', () => {
  afterEach(() => useLocaleStore.setState({ locale: 'en' }));

  it('shows the list, the chain alarm and the diff with no English string of the screen left', async () => {
    useLocaleStore.setState({ locale: 'de' });
    installApi({ 'audit.verify': ok({ ...chainOk, ok: false, firstBreak: { seq: 57, id: 'ev-57', reason: 'seq_gap', expected: '57', actual: '58' } }) });
    renderScreen('#/audit/42');
    const panel = await screen.findByRole('complementary');
    await within(panel).findByText('Pump seal leaking');
    expect((await screen.findByTestId('chain-status')).textContent).toContain('Prüfkette unterbrochen bei Nr. 57');
    expect(within(panel).getAllByText('verborgen (Personendaten)')).toHaveLength(2);
    expect(within(panel).getByRole('rowheader', { name: 'Schweregrad' })).toBeTruthy();
    expect(within(panel).getByText('hoch')).toBeTruthy();
    const shown = document.body.textContent ?? '';
    const english = featureCatalogs
      .filter((catalog) => ['audit', 'common', 'fields'].includes(catalog.feature))
      .flatMap((catalog) =>
        // The role words of the field catalogue (Admin, Contributor) are also in this fixture's people's names.
        Object.entries(catalog.en).filter(([key, text]) => !(catalog.feature === 'fields' && key.startsWith('value.')) && !text.includes('{') && text.length > 3 && text !== (catalog.de as Record<string, string>)[key] && !catalog.sameInBoth?.includes(key)),
      )
      .map(([, text]) => text)
      .filter((text) => new RegExp(`(^|[^\\p{L}])${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}])`, 'u').test(shown));
    expect(english).toEqual([]);
  });
});
