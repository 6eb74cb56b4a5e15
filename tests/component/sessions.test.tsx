import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { installPlantdeskStub } from './support/plantdesk-stub';
import { PeopleScreen } from '../../renderer/src/features/users/components/PeopleScreen';
import { presetRules } from '../../shared/rbac';

// A person's sessions in the People detail: device, IP, last seen (site zone), revoke one or all.
const ok = (value: unknown) => ({ ok: true, value });
const refusal = (code: string, message: string) => ({ ok: false, error: { code, message } });

const casey = {
  id: 'user-2',
  email: 'casey@northfield.example',
  display_name: 'Casey Contributor',
  status: 'active',
  global_role: 'none',
  org_role: 'contributor',
  role_id: null,
  areas: '[]',
  module_flags: null,
  version: 1,
  pending_mutation_id: null,
};

function session(overrides: Record<string, unknown> = {}) {
  return {
    id: 'ses-1',
    user_id: 'user-2',
    tenant_id: 'tenant-1',
    created_at: '2026-07-01T08:00:00.000Z',
    last_seen_at: '2026-07-01T09:15:00.000Z',
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

let calls: Record<string, Record<string, unknown>[]>;

function installApi(answers: Record<string, unknown> = {}, rules = presetRules.admin) {
  const all: Record<string, unknown> = {
    'areas.list': ok([{ id: 'site-1', parent_id: null, kind: 'site', name: 'Northfield', time_zone: 'Europe/London' }]),
    'users.list': ok({ items: [casey], next: null }),
    'sessions.list': ok({
      items: [
        session(),
        session({ id: 'ses-2', device_name: null, user_agent: 'Mozilla/5.0 Tablet', ip: '10.4.4.4', last_seen_at: null }),
        session({ id: 'ses-0', device_name: 'Old laptop', ip: '10.9.9.9', revoked_at: '2026-06-20T10:00:00.000Z', revoked_by: 'user-1' }),
        session({ id: 'ses-x', device_name: 'Expired kiosk', idle_expires_at: '2020-01-01T00:00:00.000Z' }),
      ],
      next: null,
    }),
    'session.access': ok({ userId: 'user-1', tenantId: 'tenant-1', orgRole: 'admin', globalRole: 'none', rules, moduleFlags: { shift_logs: true, handovers: true, audit: true, users: true, exports: true }, areas: [], notAfter: '2099-01-01T00:00:00.000Z' }),
    'session.status': ok({ state: 'unlocked', online: true, user: null, tenantId: 'tenant-1', tenantName: 'Northfield Plant', server: 'x', grantNotAfter: null, lockReason: null, needsOnlineSignIn: false }),
    'sessions.revoke': ok({ ok: true }),
    'sync.now': ok({ pushed: 0, applied: 0, conflicts: 0, rejected: 0, pulled: 0, cursor: 1 }),
    ...answers,
  };
  calls = installPlantdeskStub(all);
}

function renderDetail() {
  window.location.hash = '#/people/user-2';
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <PeopleScreen />
    </QueryClientProvider>,
  );
}

async function sessionsTable() {
  const section = (await screen.findByRole('heading', { name: 'Sessions' })).closest('section')!;
  await within(section).findByText('Control room PC 3');
  return section;
}

afterEach(() => {
  cleanup();
  Reflect.deleteProperty(window, 'plantdesk');
  window.location.hash = '';
  vi.unstubAllEnvs();
});

describe("a person's sessions", () => {
  it('shows device, IP, last seen in the site zone (named) and the state in words', async () => {
    installApi();
    renderDetail();
    const section = await sessionsTable();
    const rows = within(section).getAllByRole('row').slice(1);
    const text = rows.map((row) => within(row).getAllByRole('cell').map((cell) => cell.textContent));
    // 08:00 and 09:15 UTC in July are 09:00 and 10:15 in London (BST), whatever the workstation's zone.
    expect(text[0][0]).toMatch(/^Control room PC 3since .*9:00.*(BST|GMT\+1)$/);
    expect(text[0][1]).toBe('10.1.2.3');
    expect(text[0][2]).toMatch(/10:15.*(BST|GMT\+1)/);
    expect(text[0][3]).toBe('● Active');
    expect(text[1][0]).toMatch(/^Mozilla\/5.0 Tablet/);
    expect(text[1].slice(1, 3)).toEqual(['10.4.4.4', 'never']);
    expect(text[2][3]).toBe('⊘ Revoked');
    expect(text[3][3]).toBe('○ Expired');
    // Only active sessions can be revoked.
    expect(within(section).getAllByRole('button', { name: /Revoke the session on/ }).map((button) => button.getAttribute('aria-label'))).toEqual([
      'Revoke the session on Control room PC 3',
      'Revoke the session on Mozilla/5.0 Tablet',
    ]);
  });

  it("shows last seen in UTC (named), not this workstation's zone, when the tenant has no site zone", async () => {
    vi.stubEnv('TZ', 'Pacific/Auckland');
    installApi({ 'areas.list': ok([]) });
    renderDetail();
    const section = await sessionsTable();
    const firstRow = within(section).getAllByRole('row')[1];
    // 09:15 UTC is 21:15 in Auckland: the fallback is the zone times are stored in.
    expect(within(firstRow).getAllByRole('cell')[2].textContent).toMatch(/9:15 AM UTC$/);
  });

  it('revokes one session after a confirmation', async () => {
    installApi();
    renderDetail();
    const section = await sessionsTable();
    fireEvent.click(within(section).getByRole('button', { name: 'Revoke the session on Control room PC 3' }));
    const dialog = await screen.findByRole('dialog', { name: 'Revoke this session?' });
    expect(calls['sessions.revoke']).toBeUndefined();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Revoke' }));
    await waitFor(() => expect(calls['sessions.revoke']).toEqual([{ sessionId: 'ses-1' }]));
    expect(await within(section).findByText('Revoked on the server.')).toBeTruthy();
  });

  it('revokes every session of the person after a confirmation', async () => {
    installApi();
    renderDetail();
    const section = await sessionsTable();
    fireEvent.click(within(section).getByRole('button', { name: 'Revoke all sessions' }));
    const dialog = await screen.findByRole('dialog', { name: 'Revoke every session of Casey Contributor?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Revoke all sessions' }));
    await waitFor(() => expect(calls['sessions.revoke']).toEqual([{ userId: 'user-2' }]));
  });

  it('keeps the dialog open with the typed message when the server cannot be reached', async () => {
    installApi({ 'sessions.revoke': refusal('needs_connection', 'This needs a connection.') });
    renderDetail();
    const section = await sessionsTable();
    fireEvent.click(within(section).getByRole('button', { name: 'Revoke all sessions' }));
    const dialog = await screen.findByRole('dialog', { name: /Revoke every session/ });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Revoke all sessions' }));
    expect((await within(dialog).findByRole('alert')).textContent).toContain('needs a connection to the Plantdesk server');
  });

  it('shows no revoke buttons when the role may not revoke sessions', async () => {
    installApi({}, presetRules.viewer);
    renderDetail();
    const section = await sessionsTable();
    expect(within(section).queryByRole('button')).toBeNull();
  });

  it('says so when the person has no sessions', async () => {
    installApi({ 'sessions.list': ok({ items: [], next: null }) });
    renderDetail();
    expect(await screen.findByText('This person has no sessions.')).toBeTruthy();
  });
});
