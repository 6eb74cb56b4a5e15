import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SettingsScreen } from '../../renderer/src/features/settings/components/SettingsScreen';
import { formOf, groupRolesOf, patchOf } from '../../renderer/src/features/settings/components/sso-form';
import { useLocaleStore } from '../../renderer/src/i18n/i18n';
import { installPlantdeskStub, type ChannelCalls } from './support/plantdesk-stub';

const ok = (value: unknown) => ({ ok: true, value });
const settings = {
  tenantId: '0190a8b2-0000-7000-8000-00000000000a',
  configured: true,
  enabled: true,
  issuer: 'https://login.plant.example/realms/plant',
  clientId: 'plantdesk-desktop',
  hasClientSecret: true,
  allowedDomains: ['plant.example'],
  groupsClaim: 'groups',
  groupRoles: { 'plant-admins': 'admin' as const },
  ssoRequired: false,
  breakGlassUserIds: [],
  createMembers: false,
  defaultRole: 'viewer' as const,
  version: 3,
  updatedAt: '2026-12-01T10:00:00.000Z',
};
const status = (online: boolean) => ({ state: 'unlocked', online, user: null, tenantId: 't1', tenantName: 'Northfield Plant', server: 'http://127.0.0.1', grantNotAfter: null, lockReason: null, needsOnlineSignIn: false });
const admin = { id: 'u-ada', email: 'ada@plant.example', display_name: 'Ada Admin', status: 'active', global_role: 'none', org_role: 'admin', role_id: null, areas: '[]', module_flags: '{}', version: 1, pending_mutation_id: null, last_sign_in_at: null };

let calls: ChannelCalls;
function install(overrides: Record<string, unknown> = {}) {
  calls = installPlantdeskStub({
    'session.status': ok(status(true)),
    'ssoSettings.get': ok(settings),
    'ssoSettings.update': (patch: Record<string, unknown>) => ok({ ...settings, ...patch, version: 4 }),
    'ssoSettings.test': ok({ ok: false, issuer: 'http://127.0.0.1:9/', problems: [{ code: 'unreachable', message: 'fetch failed' }], provider: null }),
    'users.list': ok({ items: [admin], next: null }),
    ...overrides,
  });
}

function renderScreen() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <SettingsScreen />
    </QueryClientProvider>,
  );
}

beforeEach(() => useLocaleStore.setState({ locale: 'en' }));
afterEach(() => {
  cleanup();
  Reflect.deleteProperty(window, 'plantdesk');
});

describe('the SSO form model', () => {
  it('sends only what changed, and nothing at all for an unchanged form', () => {
    const form = formOf(settings);
    expect(patchOf(settings, form, { 'plant-admins': 'admin' })).toBeNull();
    expect(patchOf(settings, { ...form, issuer: ' https://idp.plant.example ', reason: 'New tenant in Entra' }, { 'plant-admins': 'admin' })).toEqual({
      issuer: 'https://idp.plant.example',
      reason: 'New tenant in Entra',
    });
    // The secret: empty keeps it, a value replaces it, "remove" sends null.
    expect(patchOf(settings, { ...form, clientSecret: 's3cret' }, { 'plant-admins': 'admin' })).toEqual({ clientSecret: 's3cret' });
    expect(patchOf(settings, { ...form, removeSecret: true, clientSecret: 'ignored' }, { 'plant-admins': 'admin' })).toEqual({ clientSecret: null });
    expect(patchOf(settings, { ...form, allowedDomains: 'Plant.example, corp.example' }, { 'plant-admins': 'admin' })).toEqual({ allowedDomains: ['plant.example', 'corp.example'] });
  });

  it('reads "group = role" lines and names the line that is wrong', () => {
    expect(groupRolesOf('plant-admins = admin\n\n shift leads = Contributor ')).toEqual({ ok: true, value: { 'plant-admins': 'admin', 'shift leads': 'contributor' } });
    expect(groupRolesOf('plant-admins = admin\noperators')).toEqual({ ok: false, problem: 'badGroupLine', line: 2 });
    expect(groupRolesOf('operators = boss')).toEqual({ ok: false, problem: 'badRole', line: 1 });
  });
});

describe('the settings screen', () => {
  it('shows the stored settings (never the secret), saves only the change and says so beside the button', async () => {
    install();
    renderScreen();
    const issuer = (await screen.findByLabelText('Issuer URL')) as HTMLInputElement;
    expect(issuer.value).toBe(settings.issuer);
    expect((screen.getByLabelText('Client secret') as HTMLInputElement).value).toBe('');
    expect(screen.getByText('A secret is stored on the server. Leave empty to keep it.')).toBeTruthy();
    fireEvent.change(issuer, { target: { value: 'https://idp.plant.example' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(calls['ssoSettings.update']).toEqual([{ issuer: 'https://idp.plant.example' }]));
    expect(await screen.findByText('Saved on the server.')).toBeTruthy();
  });

  it('names the break-glass admins to choose from once SSO is required, and refuses a wrong group line before saving', async () => {
    install();
    renderScreen();
    fireEvent.click(await screen.findByLabelText('Single sign-on is required: passwords are refused'));
    const breakGlass = await screen.findByRole('group', { name: 'Admins who may still sign in with a password' });
    fireEvent.click(await within(breakGlass).findByLabelText(/Ada Admin/));
    fireEvent.change(screen.getByLabelText('Groups and the role each gives'), { target: { value: 'plant-admins = admin\noperators' } });
    expect(screen.getByRole('alert').textContent).toBe('Line 2 is not “group = role”.');
    expect((screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Groups and the role each gives'), { target: { value: 'plant-admins = admin' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(calls['ssoSettings.update']).toEqual([{ ssoRequired: true, breakGlassUserIds: ['u-ada'] }]));
  });

  it('tests the connection with the issuer typed, and says what is wrong in words', async () => {
    install();
    renderScreen();
    fireEvent.change(await screen.findByLabelText('Issuer URL'), { target: { value: 'http://127.0.0.1:9/' } });
    fireEvent.click(screen.getByRole('button', { name: 'Test the connection' }));
    const result = await screen.findByTestId('sso-test-result');
    expect(calls['ssoSettings.test']).toEqual([{ issuer: 'http://127.0.0.1:9/', clientId: 'plantdesk-desktop' }]);
    expect(result.textContent).toContain('The server could not reach this address.');
    expect(result.textContent).not.toContain('fetch failed');
  });

  it('offline, says the settings need a connection and asks the core for nothing', async () => {
    install({ 'session.status': ok(status(false)) });
    renderScreen();
    expect(await screen.findByText('These settings live on the server: connect to change or test them.')).toBeTruthy();
    expect(calls['ssoSettings.get']).toBeUndefined();
  });
});
