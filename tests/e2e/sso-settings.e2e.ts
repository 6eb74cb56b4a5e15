import { NATIVE_CLIENT_ID, startOidcProvider, type TestOidcProvider } from '../support/oidc-provider';
import { expect, test } from './world';

/**
 * An admin sets up single sign-on from the app (online only): the connection test runs the
 * server's discovery against a real OpenID Connect provider on 127.0.0.1 and says what is wrong
 * in words; saving sends only the change, the server audits it, and the secret never comes back.
 */
let provider: TestOidcProvider;
test.beforeAll(async () => {
  provider = await startOidcProvider();
});
test.afterAll(async () => {
  await provider?.stop();
});

test('an admin tests the identity provider, sees a wrong address explained in words, and saves the settings to the server', async ({ page, world }) => {
  await world.signInCore('admin');
  await world.open(page, '#/settings');
  await expect(page.getByRole('heading', { name: 'Organisation settings', level: 1 })).toBeVisible();
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Settings' })).toHaveAttribute('aria-current', 'page');

  // An address where nothing answers: said in words, not as the server's technical message.
  await page.getByLabel('Issuer URL').fill('http://127.0.0.1:9/');
  await page.getByLabel('Client id').fill(NATIVE_CLIENT_ID);
  await page.getByRole('button', { name: 'Test the connection' }).click();
  const result = page.getByTestId('sso-test-result');
  await expect(result).toContainText('The connection does not work yet:', { timeout: 20_000 });
  await expect(result).toContainText('The server could not reach this address.');

  // The real provider: discovery, keys and PKCE as desktop sign-in needs them.
  await page.getByLabel('Issuer URL').fill(provider.issuer);
  await page.getByRole('button', { name: 'Test the connection' }).click();
  await expect(result).toContainText(`The identity provider answered as it should: ${provider.issuer}`, { timeout: 20_000 });
  await expect(result).toContainText('signing keys');

  await page.getByLabel('Sign-in with single sign-on is on').check();
  await page.getByLabel('Allowed email domains').fill('northfield.example');
  await page.getByLabel('Client secret').fill('a-secret-that-must-never-come-back');
  await page.getByLabel('Reason for the change (kept in the audit trail)').fill('Plant SSO pilot');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved on the server.' })).toBeVisible();
  await expect(page.getByText('A secret is stored on the server. Leave empty to keep it.')).toBeVisible();
  await expect(page.getByLabel('Client secret')).toHaveValue('');
  await world.screenshot(page, 'sso-settings');

  // The server has it, audited with the secret masked; the app never saw the secret again.
  const tenantId = world.credentials.tenantId;
  const stored = await world.call('ssoSettings.get', {});
  expect(stored).toMatchObject({ enabled: true, issuer: provider.issuer, clientId: NATIVE_CLIENT_ID, allowedDomains: ['northfield.example'], hasClientSecret: true });
  expect(JSON.stringify(stored)).not.toContain('a-secret-that-must-never-come-back');
  const audit = await world.db.transaction({ tenantId }, (tx) =>
    tx.query<{ after: unknown; reason: string | null }>("SELECT diff AS after, reason FROM audit_events WHERE tenant_id = $1 AND action = 'sso_settings.updated' ORDER BY seq DESC LIMIT 1", [tenantId]),
  );
  expect(audit[0].reason).toBe('Plant SSO pilot');
  expect(JSON.stringify(audit[0].after)).not.toContain('a-secret-that-must-never-come-back');
});

test('offline, the settings screen says it needs a connection', async ({ page, world }) => {
  await world.signInCore('admin');
  await world.stopServer();
  await world.open(page, '#/settings');
  await expect(page.getByText('These settings live on the server: connect to change or test them.')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByLabel('Issuer URL')).toHaveCount(0);
});
