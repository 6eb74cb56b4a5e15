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
    last_sign_in_at: '2026-10-24T21:00:00.000Z',
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
    expect(cells).toEqual(['Casey Contributor', 'casey@northfield.example', 'Contributor', 'Utilities', 'Shift logs, Handovers', '● Active', 'Oct 24, 2026, 10:00 PM GMT+1']);
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

const enrolment = { link: 'https://plantdesk.example/enrol#token-abc', expiresAt: '2026-10-26T12:00:00.000Z' };

describe('sorting by a column header', () => {
  it('marks the sorted header with aria-sort, asks the core for that order, and flips the direction on a second click', async () => {
    installApi();
    renderScreen();
    await screen.findByRole('link', { name: 'Casey Contributor' });
    const header = (name: string) => screen.getByRole('columnheader', { name: new RegExp(`^${name}`) });
    expect(header('Email').getAttribute('aria-sort')).toBe('ascending');
    expect(header('Name').getAttribute('aria-sort')).toBe('none');
    expect(calls['users.list'][0].sort).toEqual({ column: 'email', dir: 'asc' });

    fireEvent.click(within(header('Name')).getByRole('button'));
    expect(window.location.hash).toBe('#/people?sort=name.asc');
    await waitFor(() => expect(calls['users.list'].at(-1)?.sort).toEqual({ column: 'name', dir: 'asc' }));
    expect(header('Name').getAttribute('aria-sort')).toBe('ascending');
    expect(header('Email').getAttribute('aria-sort')).toBe('none');

    fireEvent.click(within(header('Name')).getByRole('button'));
    await waitFor(() => expect(calls['users.list'].at(-1)?.sort).toEqual({ column: 'name', dir: 'desc' }));
    expect(header('Name').getAttribute('aria-sort')).toBe('descending');
  });

  it('shows the rows in the order the core answers, and keeps the sort beside the filter in the URL', async () => {
    installApi({
      'users.list': (request: Record<string, unknown>) => {
        const rows = [admin, user()];
        return ok({ items: (request.sort as { dir: string }).dir === 'desc' ? rows.reverse() : rows, next: null });
      },
    });
    renderScreen('#/people?status=active&sort=role.desc');
    await screen.findByRole('link', { name: 'Casey Contributor' });
    const names = () => screen.getAllByRole('row').slice(1).map((row) => within(row).getAllByRole('cell')[0].textContent);
    expect(names()).toEqual(['Casey Contributor', 'Ada Admin']);
    expect(calls['users.list'][0]).toMatchObject({ filter: { statuses: ['active'] }, sort: { column: 'role', dir: 'desc' } });
    fireEvent.click(within(screen.getByRole('columnheader', { name: /^Role/ })).getByRole('button'));
    await waitFor(() => expect(names()).toEqual(['Ada Admin', 'Casey Contributor']));
  });

  it('falls back to email ascending for a sort in the URL it does not know', async () => {
    installApi();
    renderScreen('#/people?sort=password.asc');
    await screen.findByRole('link', { name: 'Casey Contributor' });
    expect(calls['users.list'][0].sort).toEqual({ column: 'email', dir: 'asc' });
  });
});

describe('adding a person', () => {
  it('shows the one-time enrolment link with a copy button and its expiry in the site zone, never a password', async () => {
    installApi({ 'users.create': ok({ userId: 'user-9', enrolment }) });
    let copied: string | null = null;
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (text: string) => void (copied = text) } });
    renderScreen();
    fireEvent.click(await screen.findByRole('button', { name: 'Add person…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add a person' });
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Name' }), { target: { value: 'Nia New' } });
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Email' }), { target: { value: 'nia@northfield.example' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add and make link' }));
    const link = (await within(dialog).findByRole('textbox', { name: 'Enrolment link' })) as HTMLInputElement;
    expect(link.value).toBe(enrolment.link);
    expect(calls['users.create']).toEqual([{ email: 'nia@northfield.example', displayName: 'Nia New', role: 'viewer' }]);
    // 12:00 UTC on 26 October 2026 is 12:00 in London (GMT again since the 25th).
    expect(within(dialog).getByText(/Give this link to Nia New\. It works once, until Oct 26, 2026, 12:00 PM GMT\./)).toBeTruthy();
    expect(dialog.textContent?.toLowerCase()).not.toContain('password:');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Copy link' }));
    expect(await within(dialog).findByText('Link copied.')).toBeTruthy();
    expect(copied).toBe(enrolment.link);
    Reflect.deleteProperty(navigator, 'clipboard');
  });

  it('says how to copy by hand when the clipboard refuses', async () => {
    installApi({ 'users.create': ok({ userId: 'user-9', enrolment }) });
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: () => Promise.reject(new Error('denied')) } });
    renderScreen();
    fireEvent.click(await screen.findByRole('button', { name: 'Add person…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add a person' });
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Name' }), { target: { value: 'Nia New' } });
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Email' }), { target: { value: 'nia@northfield.example' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add and make link' }));
    fireEvent.click(await within(dialog).findByRole('button', { name: 'Copy link' }));
    expect(await within(dialog).findByText(/Select the link and copy it by hand/)).toBeTruthy();
    Reflect.deleteProperty(navigator, 'clipboard');
  });

  it('refreshes the list after the person is added', async () => {
    installApi({ 'users.create': ok({ userId: 'user-9', enrolment }) });
    renderScreen();
    fireEvent.click(await screen.findByRole('button', { name: 'Add person…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add a person' });
    const before = calls['users.list'].length;
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Name' }), { target: { value: 'Nia New' } });
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Email' }), { target: { value: 'nia@northfield.example' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add and make link' }));
    await within(dialog).findByRole('textbox', { name: 'Enrolment link' });
    await waitFor(() => expect(calls['users.list'].length).toBeGreaterThan(before));
  });
});

describe('sign-in reset and unlock', () => {
  it('resets only with a reason and the email typed back, then shows the new link and says so beside the buttons', async () => {
    installApi({ 'users.resetSignIn': ok({ enrolment }) });
    renderScreen('#/people/user-2');
    const panel = await detailPanel();
    fireEvent.click(within(panel).getByRole('button', { name: 'Reset sign-in…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Reset the sign-in of Casey Contributor?' });
    const button = within(dialog).getByRole('button', { name: 'Reset sign-in…' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    fireEvent.change(within(dialog).getByRole('textbox', { name: /To confirm, type their email/ }), { target: { value: 'CASEY@northfield.example' } });
    expect(button.disabled).toBe(true);
    fireEvent.change(within(dialog).getByRole('textbox', { name: /Reason \(required/ }), { target: { value: 'Lost phone' } });
    expect(button.disabled).toBe(false);
    fireEvent.click(button);
    await waitFor(() => expect(calls['users.resetSignIn']).toEqual([{ userId: 'user-2', reason: 'Lost phone' }]));
    const section = within(panel).getByRole('region', { name: 'Status' });
    expect(await within(section).findByText(/Sign-in of Casey Contributor reset on the server/)).toBeTruthy();
    expect((within(section).getByRole('textbox', { name: 'Enrolment link' }) as HTMLInputElement).value).toBe(enrolment.link);
  });

  it('unlocks with an optional reason and confirms next to the button, inside the panel', async () => {
    installApi({ 'users.unlock': ok({ ok: true }) });
    renderScreen('#/people/user-2');
    const panel = await detailPanel();
    fireEvent.click(within(panel).getByRole('button', { name: 'Unlock account' }));
    const dialog = await screen.findByRole('dialog', { name: 'Unlock the account of Casey Contributor?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Unlock account' }));
    await waitFor(() => expect(calls['users.unlock']).toEqual([{ userId: 'user-2' }]));
    const section = within(panel).getByRole('region', { name: 'Status' });
    const status = await within(section).findByText('Casey Contributor can sign in again.');
    expect(status.closest('[role="status"]')).toBeTruthy();
    // Beside the action: the message follows the row of buttons directly.
    expect(status.closest('[role="status"]')?.previousElementSibling?.classList.contains('people-actions')).toBe(true);

    fireEvent.click(within(panel).getByRole('button', { name: 'Unlock account' }));
    const again = await screen.findByRole('dialog', { name: 'Unlock the account of Casey Contributor?' });
    fireEvent.change(within(again).getByRole('textbox', { name: /Reason \(optional/ }), { target: { value: 'Called the help desk' } });
    fireEvent.click(within(again).getByRole('button', { name: 'Unlock account' }));
    await waitFor(() => expect(calls['users.unlock'].at(-1)).toEqual({ userId: 'user-2', reason: 'Called the help desk' }));
  });

  it('disables reset and unlock offline, described by the offline explanation', async () => {
    installApi({ 'session.status': ok(status(false)) });
    renderScreen('#/people/user-2');
    const panel = await detailPanel();
    const banner = await within(panel).findByText(/Offline: changing people and ending sessions needs a connection/);
    const noteId = banner.closest('[id]')!.id;
    for (const name of ['Reset sign-in…', 'Unlock account']) {
      const button = within(panel).getByRole('button', { name }) as HTMLButtonElement;
      expect(button.disabled).toBe(true);
      expect(button.getAttribute('aria-describedby')).toBe(noteId);
    }
  });

  it('refreshes the list and the detail after a save, and says Saved beside the Save button', async () => {
    installApi();
    renderScreen('#/people/user-2');
    const panel = await detailPanel();
    const listCalls = () => calls['users.list'].filter((request) => !(request.filter as { userIds?: string[] }).userIds).length;
    const detailCalls = () => calls['users.list'].filter((request) => (request.filter as { userIds?: string[] }).userIds).length;
    const [lists, details] = [listCalls(), detailCalls()];
    fireEvent.change(within(panel).getByRole('combobox', { name: 'Role in this organisation' }), { target: { value: 'admin' } });
    const save = within(panel).getByRole('button', { name: 'Save changes' });
    fireEvent.click(save);
    const saved = await within(panel).findByText(/Saved on the server/);
    expect(saved.closest('[role="status"]')?.parentElement).toBe(save.parentElement);
    await waitFor(() => expect(listCalls()).toBeGreaterThan(lists));
    await waitFor(() => expect(detailCalls()).toBeGreaterThan(details));
  });
});

describe('last sign-in', () => {
  it('shows the newest cached sign-in in the list and the detail, in the site zone, offline as online', async () => {
    installApi({ 'session.status': ok(status(false)) });
    renderScreen('#/people/user-2');
    const panel = await detailPanel();
    // 21:00 UTC on 24 October 2026 is 22:00 in London (summer time until the 25th).
    const shown = await within(panel).findByText(/10:00 PM GMT\+1/, { selector: 'time' });
    expect(shown.getAttribute('dateTime')).toBe('2026-10-24T21:00:00.000Z');
    const row = screen.getByRole('link', { name: 'Casey Contributor' }).closest('tr')!;
    expect(within(row).getByText(/10:00 PM GMT\+1/, { selector: 'time' })).toBeTruthy();
  });

  it('says when no sign-in is known, and sorts by it from its header', async () => {
    installApi({ 'users.list': ok({ items: [user({ last_sign_in_at: null })], next: null }) });
    renderScreen('#/people/user-2');
    const panel = await detailPanel();
    expect(await within(panel).findByText('No sign-in yet')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /Last sign-in/ }));
    await waitFor(() => expect(window.location.hash).toContain('sort=lastSignIn.asc'));
    await waitFor(() => expect(calls['users.list']?.at(-1)).toMatchObject({ sort: { column: 'lastSignIn', dir: 'asc' } }));
  });
});
