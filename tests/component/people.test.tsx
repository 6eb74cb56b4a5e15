import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installPlantdeskStub } from './support/plantdesk-stub';
import { PeopleScreen } from '../../renderer/src/features/users/components/PeopleScreen';
import { featureCatalogs, useLocaleStore } from '../../renderer/src/i18n/i18n';
import { presetRules } from '../../shared/rbac';

// The People screen talks to the core only through window.plantdesk; each test answers per channel.
type Answer = unknown | ((request: Record<string, unknown>) => unknown);

const ok = (value: unknown) => ({ ok: true, value });
const refusal = (code: string, message: string) => ({ ok: false, error: { code, message } });

const areas = [
  { id: 'site-1', parent_id: null, kind: 'site', name: 'Northfield', time_zone: 'Europe/London' },
  { id: 'sec-1', parent_id: 'site-1', kind: 'section', name: 'Utilities', time_zone: null },
  { id: 'area-1', parent_id: 'sec-1', kind: 'area', name: 'Boiler house', time_zone: null },
  { id: 'sec-2', parent_id: 'site-1', kind: 'section', name: 'Process', time_zone: null },
];

const flags = (on: boolean) => ({ shift_logs: on, handovers: on, audit: on, users: on, exports: on });

function user(overrides: Record<string, unknown> = {}) {
  return {
    id: 'user-2',
    email: 'casey@northfield.example',
    display_name: 'Casey Contributor',
    status: 'active',
    global_role: 'none',
    org_role: 'contributor',
    role_id: null,
    areas: JSON.stringify(['sec-1']),
    module_flags: JSON.stringify({ ...flags(false), shift_logs: true, handovers: true }),
    version: 3,
    pending_mutation_id: null,
    ...overrides,
  };
}

const admin = user({ id: 'user-1', email: 'ada@northfield.example', display_name: 'Ada Admin', org_role: 'admin', areas: '[]', module_flags: JSON.stringify(flags(true)) });

function session(overrides: Record<string, unknown> = {}) {
  return {
    id: 'ses-1',
    user_id: 'user-2',
    tenant_id: 'tenant-1',
    created_at: '2026-10-24T21:00:00.000Z',
    last_seen_at: '2026-10-25T00:30:00.000Z',
    idle_expires_at: '2099-01-01T00:00:00.000Z',
    absolute_expires_at: '2099-01-01T00:00:00.000Z',
    ip: '10.1.2.3',
    device_id: 'dev-1',
    device_name: 'Control room PC 3',
    user_agent: 'Plantdesk/0.1.0',
    revoked_at: null,
    revoked_by: null,
    version: 1,
    pending_mutation_id: null,
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
    moduleFlags: flags(true),
    areas: [],
    notAfter: '2099-01-01T00:00:00.000Z',
  };
}

const status = (online: boolean) => ({
  state: 'unlocked',
  online,
  user: { id: 'user-1', email: 'ada@northfield.example', displayName: 'Ada Admin' },
  tenantId: 'tenant-1',
  tenantName: 'Northfield Plant',
  server: 'http://127.0.0.1',
  grantNotAfter: null,
  lockReason: null,
  needsOnlineSignIn: false,
});

let calls: Record<string, Record<string, unknown>[]>;

function installApi(answers: Record<string, Answer> = {}) {
  const defaults: Record<string, Answer> = {
    'areas.list': ok(areas),
    'users.list': (request: Record<string, unknown>) => {
      const ids = (request.filter as { userIds?: string[] } | undefined)?.userIds;
      const all = [admin, user()];
      return ok({ items: ids ? all.filter((row) => ids.includes(row.id)) : all, next: null });
    },
    'sessions.list': ok({ items: [session(), session({ id: 'ses-0', device_name: 'Laptop', ip: '10.9.9.9', revoked_at: '2026-10-20T10:00:00.000Z', revoked_by: 'user-1' })], next: null }),
    'session.access': ok(access('admin')),
    'session.status': ok(status(true)),
    'users.update': ok({ ok: true }),
    'users.erase': ok({ ok: true }),
    'sessions.revoke': ok({ ok: true }),
    'sync.now': ok({ pushed: 0, applied: 0, conflicts: 0, rejected: 0, pulled: 1, cursor: 10 }),
  };
  const all = { ...defaults, ...answers };
  calls = installPlantdeskStub(all);
}

function renderScreen(hash = '#/people') {
  window.location.hash = hash;
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <PeopleScreen />
    </QueryClientProvider>,
  );
}

/** The detail panel once the person is loaded. */
async function detailPanel() {
  const panel = await screen.findByRole('complementary');
  await within(panel).findByText('casey@northfield.example');
  return panel;
}

beforeEach(() => {
  window.location.hash = '';
});

afterEach(() => {
  cleanup();
  Reflect.deleteProperty(window, 'plantdesk');
});

describe('the people list', () => {
  it('shows a loading state until the core answers', () => {
    installApi({ 'users.list': new Promise(() => {}) });
    renderScreen();
    expect(screen.getAllByRole('status').some((node) => node.textContent === 'Loading…')).toBe(true);
  });

  it('says so when no one matches the search', async () => {
    installApi({ 'users.list': ok({ items: [], next: null }) });
    renderScreen('#/people?q=nobody');
    expect(await screen.findByText('No one matches this search.')).toBeTruthy();
    expect((screen.getByRole('searchbox', { name: 'Search by name or email' }) as HTMLInputElement).value).toBe('nobody');
    await waitFor(() => expect(calls['users.list'][0].filter).toEqual({ text: 'nobody' }));
  });

  it("shows the core's error message with a retry", async () => {
    installApi({ 'users.list': refusal('store_corrupt', 'The local copy of this tenant is damaged and cannot be read.') });
    renderScreen();
    const alert = await screen.findByText(/local copy of this tenant is damaged/);
    expect(alert.closest('[role="alert"]')?.getAttribute('data-error-code')).toBe('store_corrupt');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });

  it('shows the forbidden state, without a retry, when the role may not read people', async () => {
    installApi({ 'users.list': refusal('forbidden', 'Your role does not allow this action.') });
    renderScreen();
    expect(await screen.findByText(/Your role does not allow this/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
  });

  it('lists each person with role, area names, modules and status in words', async () => {
    installApi();
    renderScreen();
    const row = (await screen.findByRole('link', { name: 'Casey Contributor' })).closest('tr')!;
    const cells = within(row).getAllByRole('cell').map((cell) => cell.textContent);
    expect(cells).toEqual(['Casey Contributor', 'casey@northfield.example', 'Contributor', 'Utilities', 'Shift logs, Handovers', '● Active']);
    expect(screen.getByText('2 people shown')).toBeTruthy();
  });

  it('filters by status through the URL', async () => {
    installApi();
    renderScreen();
    await screen.findByRole('link', { name: 'Casey Contributor' });
    fireEvent.change(screen.getByRole('combobox', { name: 'Status' }), { target: { value: 'deactivated' } });
    expect(window.location.hash).toBe('#/people?status=deactivated');
    await waitFor(() => expect(calls['users.list'].at(-1)?.filter).toEqual({ statuses: ['deactivated'] }));
  });
});

describe('the person detail', () => {
  it('sends only what changed: a new role and an added area', async () => {
    installApi();
    renderScreen('#/people/user-2');
    const panel = await detailPanel();
    fireEvent.change(within(panel).getByRole('combobox', { name: 'Role in this organisation' }), { target: { value: 'admin' } });
    fireEvent.click(within(panel).getByRole('checkbox', { name: 'Process' }));
    fireEvent.change(within(panel).getByRole('textbox', { name: 'Reason (kept in the audit trail)' }), { target: { value: 'Covers process now' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Save changes' }));
    expect(await within(panel).findByText(/Saved on the server/)).toBeTruthy();
    expect(calls['users.update']).toEqual([{ userId: 'user-2', patch: { role: 'admin', areas: ['sec-1', 'sec-2'], reason: 'Covers process now' } }]);
  });

  it('shows areas below a ticked area as included, and module flags as checkboxes', async () => {
    installApi();
    renderScreen('#/people/user-2');
    const panel = await detailPanel();
    const boiler = within(panel).getByRole('checkbox', { name: /Boiler house/ }) as HTMLInputElement;
    expect(boiler.checked).toBe(true);
    expect(boiler.disabled).toBe(true);
    expect((within(panel).getByRole('checkbox', { name: 'Audit trail' }) as HTMLInputElement).checked).toBe(false);
    fireEvent.click(within(panel).getByRole('checkbox', { name: 'Audit trail' }));
    fireEvent.click(within(panel).getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(calls['users.update']?.[0]).toEqual({ userId: 'user-2', patch: { moduleFlags: { ...flags(false), shift_logs: true, handovers: true, audit: true } } }));
  });

  it("shows the server's refusal in words: the last admin cannot be demoted", async () => {
    installApi({ 'users.update': refusal('last_admin', 'This would leave the organisation without an active admin.') });
    renderScreen('#/people/user-2');
    const panel = await detailPanel();
    fireEvent.change(within(panel).getByRole('combobox', { name: 'Role in this organisation' }), { target: { value: 'viewer' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Save changes' }));
    const alert = await within(panel).findByRole('alert');
    expect(alert.textContent).toContain('without an active admin');
    expect(alert.getAttribute('data-error-code')).toBe('last_admin');
  });

  it('says a person is not on this workstation when the id is unknown', async () => {
    installApi();
    renderScreen('#/people/nobody');
    expect(await screen.findByText(/This person is not on this workstation/)).toBeTruthy();
  });

  it('shows no change controls to a viewer, and says the panel is read-only', async () => {
    installApi({ 'session.access': ok(access('viewer')) });
    renderScreen('#/people/user-2');
    const panel = await detailPanel();
    expect(await within(panel).findByText('You can see this person but not change them.')).toBeTruthy();
    for (const name of ['Save changes', 'Deactivate', 'Erase personal data', 'Revoke all sessions']) expect(within(panel).queryByRole('button', { name })).toBeNull();
    expect(within(panel).queryByRole('button', { name: /Revoke the session/ })).toBeNull();
    expect((within(panel).getByRole('combobox', { name: 'Role in this organisation' }) as HTMLSelectElement).disabled).toBe(true);
  });
});

describe('offline', () => {
  it('disables every server action up front and says a connection is needed', async () => {
    installApi({ 'session.status': ok(status(false)) });
    renderScreen('#/people/user-2');
    const panel = await detailPanel();
    const banner = await within(panel).findByText(/Offline: changing people and ending sessions needs a connection/);
    const noteId = banner.closest('[id]')!.id;
    fireEvent.change(within(panel).getByRole('combobox', { name: 'Role in this organisation' }), { target: { value: 'admin' } });
    await within(panel).findByText('Control room PC 3');
    for (const button of [
      within(panel).getByRole('button', { name: 'Save changes' }),
      within(panel).getByRole('button', { name: 'Deactivate' }),
      within(panel).getByRole('button', { name: 'Erase personal data' }),
      within(panel).getByRole('button', { name: 'Revoke all sessions' }),
      within(panel).getByRole('button', { name: 'Revoke the session on Control room PC 3' }),
    ]) {
      expect((button as HTMLButtonElement).disabled).toBe(true);
      expect(button.getAttribute('aria-describedby')).toBe(noteId);
    }
  });

  it('shows the typed needs_connection message when the connection drops during a change', async () => {
    installApi({ 'users.update': refusal('needs_connection', 'This needs a connection to the Plantdesk server.') });
    renderScreen('#/people/user-2');
    const panel = await detailPanel();
    fireEvent.change(within(panel).getByRole('combobox', { name: 'Role in this organisation' }), { target: { value: 'admin' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Save changes' }));
    const alert = await within(panel).findByRole('alert');
    expect(alert.getAttribute('data-error-code')).toBe('needs_connection');
    expect(alert.textContent).toContain('the workstation is offline now. Nothing was changed');
  });
});

describe('status and erasure', () => {
  it('deactivates after a confirmation', async () => {
    installApi();
    renderScreen('#/people/user-2');
    const panel = await detailPanel();
    fireEvent.click(within(panel).getByRole('button', { name: 'Deactivate' }));
    const dialog = await screen.findByRole('dialog', { name: 'Deactivate Casey Contributor?' });
    expect(calls['users.update']).toBeUndefined();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Deactivate' }));
    await waitFor(() => expect(calls['users.update']).toEqual([{ userId: 'user-2', patch: { status: 'deactivated' } }]));
  });

  it('unlocks erasure only with the email or ERASE typed and a reason, and explains the pseudonym', async () => {
    installApi();
    renderScreen('#/people/user-2');
    const panel = await detailPanel();
    fireEvent.click(within(panel).getByRole('button', { name: 'Erase personal data' }));
    const dialog = await screen.findByRole('dialog', { name: 'Erase Casey Contributor' });
    expect(dialog.textContent).toContain('the audit trail keeps the pseudonym');
    const button = within(dialog).getByRole('button', { name: 'Erase for good' }) as HTMLButtonElement;
    const typed = within(dialog).getByRole('textbox', { name: /To confirm, type their email/ });
    const reason = within(dialog).getByRole('textbox', { name: /Reason for the erasure/ });
    expect(button.disabled).toBe(true);
    fireEvent.change(typed, { target: { value: 'erase' } });
    fireEvent.change(reason, { target: { value: 'Left the company, data-subject request' } });
    expect(button.disabled).toBe(true);
    fireEvent.change(typed, { target: { value: 'someone@else.example' } });
    expect(button.disabled).toBe(true);
    fireEvent.change(typed, { target: { value: 'Casey@Northfield.example' } });
    fireEvent.change(reason, { target: { value: '  ' } });
    expect(button.disabled).toBe(true);
    fireEvent.change(reason, { target: { value: 'Left the company, data-subject request' } });
    expect(button.disabled).toBe(false);
    fireEvent.change(typed, { target: { value: 'ERASE' } });
    expect(button.disabled).toBe(false);
    fireEvent.click(button);
    await waitFor(() => expect(calls['users.erase']).toEqual([{ userId: 'user-2', reason: 'Left the company, data-subject request' }]));
  });

  it("shows the server's refusal inside the erase dialog", async () => {
    installApi({ 'users.erase': refusal('not_home_tenant', 'This account belongs to another organisation.') });
    renderScreen('#/people/user-2');
    const panel = await detailPanel();
    fireEvent.click(within(panel).getByRole('button', { name: 'Erase personal data' }));
    const dialog = await screen.findByRole('dialog', { name: 'Erase Casey Contributor' });
    fireEvent.change(within(dialog).getByRole('textbox', { name: /To confirm/ }), { target: { value: 'ERASE' } });
    fireEvent.change(within(dialog).getByRole('textbox', { name: /Reason for the erasure/ }), { target: { value: 'Request' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Erase for good' }));
    expect((await within(dialog).findByRole('alert')).textContent).toContain('belongs to another organisation');
  });
});

describe('in German', () => {
  afterEach(() => useLocaleStore.setState({ locale: 'en' }));

  it('shows the list, the detail offline and the sessions with no English string of the screen left', async () => {
    useLocaleStore.setState({ locale: 'de' });
    installApi({ 'session.status': ok(status(false)) });
    renderScreen('#/people/user-2');
    const panel = await screen.findByRole('complementary');
    await within(panel).findByText('Control room PC 3');
    expect(within(panel).getByText(/Offline: Personen ändern und Sitzungen beenden/)).toBeTruthy();
    // People's names are data, not interface text.
    const shown = (document.body.textContent ?? '').replaceAll('Casey Contributor', '').replaceAll('Ada Admin', '');
    expect(englishLeftIn(shown, ['users', 'common'])).toEqual([]);
  });
});

/** English strings of these catalogues (without slots, not the same in both languages) found in the text. */
function englishLeftIn(text: string, features: string[]): string[] {
  return featureCatalogs
    .filter((catalog) => features.includes(catalog.feature))
    .flatMap((catalog) =>
      Object.entries(catalog.en)
        .filter(([key, english]) => !english.includes('{') && english.length > 3 && english !== (catalog.de as Record<string, string>)[key] && !catalog.sameInBoth?.includes(key))
        .map(([, english]) => english),
    )
    .filter((english) => wholeWords(english).test(text));
}

/** A string as whole words: 'Admin' is not found inside 'Administration'. */
function wholeWords(english: string): RegExp {
  return new RegExp(`(^|[^\\p{L}])${english.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}])`, 'u');
}
