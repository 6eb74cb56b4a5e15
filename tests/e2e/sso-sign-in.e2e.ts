import { connect } from 'node:net';
import type { Page } from '@playwright/test';
import { NATIVE_CLIENT_ID, startOidcProvider, type TestOidcProvider } from '../support/oidc-provider';
import { hasFaults, layoutFaults, screenVariants, type LayoutFaults } from './layout';
import { expect, test, type World } from './world';

/**
 * Single sign-on from the sign-in screen, through the production core on its worker: the core
 * opens the provider's page in the "system browser" (a new Chromium page of the test), the
 * provider signs the person in and redirects to the core's loopback listener, and the app opens
 * under a local passphrase that later unlocks it offline.
 */
test.describe.configure({ timeout: 150_000 });

const PASSPHRASE = 'amber-lantern-over-the-kiln-7';

let provider: TestOidcProvider;
test.beforeAll(async () => {
  provider = await startOidcProvider();
});
test.afterAll(async () => {
  await provider?.stop();
});

/** The demo tenant signs in through the test provider (set by its admin through the app's core), and the admin signs out. */
async function configureSso(world: World, options: { ssoRequired?: boolean } = {}) {
  await world.signInCore('admin');
  // The first sync runs to its end before the sign-out: one still running then would end in the
  // server's "session ended" verdict for the signed-out admin.
  await world.call('sync.now', {});
  await world.call('ssoSettings.update', {
    enabled: true,
    issuer: provider.issuer,
    clientId: NATIVE_CLIENT_ID,
    allowedDomains: ['northfield.example'],
    ...(options.ssoRequired ? { ssoRequired: true } : {}),
    reason: 'SSO for the e2e test',
  });
  await world.call('auth.signOut', {});
  const contributor = world.user('contributor');
  // The core sends the email as login_hint; the provider's interaction signs in the account of that id.
  provider.addAccount({ id: contributor.email, email: contributor.email, emailVerified: true, name: 'Casey Contributor' });
  return contributor;
}

function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

const loopbackPort = (authorizationUrl: string) => Number(new URL(new URL(authorizationUrl).searchParams.get('redirect_uri')!).port);

test('a contributor signs in with single sign-on in the browser, syncs, locks, and unlocks offline with the passphrase', async ({ page, world }) => {
  const contributor = await configureSso(world);
  await world.open(page);
  await page.getByRole('button', { name: 'Sign in with single sign-on' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in with single sign-on' })).toBeVisible();
  await page.getByLabel('Server address', { exact: true }).fill(world.url);
  await page.getByLabel('Work email', { exact: true }).fill(contributor.email);
  await page.getByRole('button', { name: 'Continue', exact: true }).click();

  // No local copy yet: a new passphrase, twice, with the rules it must meet.
  await expect(page.getByTestId('sso-target')).toHaveText(`${contributor.email} at Northfield Plant`);
  await expect(page.getByText('12 to 128 characters, more than a few different ones')).toBeVisible();
  await page.getByLabel('Choose a local passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByLabel('Type the passphrase again', { exact: true }).fill(PASSPHRASE);
  // In the browser the person meets the provider's own sign-in page, as at Entra ID or Keycloak.
  provider.showSignInPage(true);
  provider.addAccount({ id: contributor.email, email: contributor.email, emailVerified: true, name: 'Casey Contributor', password: 'idp-password-of-casey' });
  try {
    await page.getByRole('button', { name: 'Continue in your browser' }).click();
    await expect.poll(() => world.browserPages.length, { timeout: 20_000 }).toBe(1);
    const idpPage = world.browserPages[0];
    await expect(idpPage.getByRole('heading', { name: 'Sign in to the test identity provider' })).toBeVisible({ timeout: 20_000 });
    await expect(idpPage.getByLabel('Email')).toHaveValue(contributor.email);
    await idpPage.getByLabel('Password').fill('a-wrong-password');
    await idpPage.getByRole('button', { name: 'Sign in' }).click();
    await expect(idpPage.getByRole('alert')).toHaveText('The email or password is not right.');
    // Still waiting, not signed in: nothing reached the app.
    await expect(page.getByRole('navigation', { name: 'Modules' })).toHaveCount(0);
    await idpPage.getByLabel('Password').fill('idp-password-of-casey');
    await idpPage.getByRole('button', { name: 'Sign in' }).click();
  } finally {
    provider.showSignInPage(false);
  }

  // The provider signed the person in and sent the browser back to the app.
  const modules = page.getByRole('navigation', { name: 'Modules' });
  await expect(modules).toBeVisible({ timeout: 30_000 });
  expect(world.opened).toHaveLength(1);
  expect(world.opened[0].startsWith(provider.issuer)).toBe(true);
  await expect(world.browserPages[0].getByText('You are signed in. Return to Plantdesk')).toBeVisible();
  await expect(page.getByTestId('signed-in-user')).toContainText('Casey Contributor');
  await expect(page.getByTestId('last-sync')).toHaveText(/Last sync: /, { timeout: 30_000 });
  await world.open(page, '#/shift-logs?view=all');
  await expect(page.locator('[data-log-row]').first()).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('button', { name: 'Passphrase…' })).toBeVisible();

  await page.getByRole('button', { name: 'Lock' }).click();
  await expect(page.getByRole('heading', { name: 'Unlock' })).toBeVisible();
  await expect(page.getByText('You locked Plantdesk. Enter your passphrase to continue.')).toBeVisible();
  await expect(page.getByLabel('Password', { exact: true })).toHaveCount(0);

  await world.stopServer();
  await page.getByLabel('Passphrase', { exact: true }).fill('not-the-passphrase-at-all');
  await page.getByRole('button', { name: 'Unlock', exact: true }).click();
  const refused = page.getByRole('alert');
  await expect(refused).toHaveText(/That passphrase does not open the local copy on this workstation/);
  await expect(refused.locator('..')).toHaveAttribute('data-error-code', 'wrong_passphrase');
  await expect(page.getByTestId('forgotten-passphrase')).toContainText('sign in with single sign-on again');

  await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Unlock', exact: true }).click();
  await expect(modules).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('connection')).toHaveText(/Offline/);
  await expect(page.getByTestId('signed-in-user')).toContainText('Casey Contributor');
});

test('where single sign-on is required, the password form tells a member to use it and takes them there', async ({ page, world }) => {
  const contributor = await configureSso(world, { ssoRequired: true });
  await world.open(page);
  await page.getByLabel('Server address', { exact: true }).fill(world.url);
  await page.getByLabel('Email', { exact: true }).fill(contributor.email);
  await page.getByLabel('Password', { exact: true }).fill(contributor.password);
  await page.getByLabel('Authenticator code', { exact: true }).fill(await world.freshCode('contributor'));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();

  const refused = page.getByRole('alert');
  await expect(refused).toHaveText(/Your organisation signs in with single sign-on, so passwords are refused/);
  await expect(refused.locator('..')).toHaveAttribute('data-error-code', 'sso_required');
  await page.getByRole('button', { name: 'Sign in with single sign-on' }).click();
  // What was typed comes along.
  await expect(page.getByLabel('Work email', { exact: true })).toHaveValue(contributor.email);
  await expect(page.getByLabel('Server address', { exact: true })).toHaveValue(world.url);
  expect((await world.call('session.status', {})).state).toBe('signed_out');
});

test('Cancel while the browser is out returns to the form, and the loopback port is closed', async ({ page, world }) => {
  const contributor = await configureSso(world);
  // A person who never finishes in the browser.
  world.setExternalBrowser(async () => {});
  await world.open(page);
  await page.getByRole('button', { name: 'Sign in with single sign-on' }).click();
  await page.getByLabel('Server address', { exact: true }).fill(world.url);
  await page.getByLabel('Work email', { exact: true }).fill(contributor.email);
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.getByLabel('Choose a local passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByLabel('Type the passphrase again', { exact: true }).fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Continue in your browser' }).click();

  await expect(page.getByRole('heading', { name: 'Continue in your browser' })).toBeVisible();
  await expect.poll(() => world.opened.length).toBe(1);
  const authorization = new URL(world.opened[0]);
  await expect(page.getByTestId('sso-provider-address')).toHaveText(`${authorization.origin}${authorization.pathname}`);
  await expect(page.getByTestId('sso-time-left')).toHaveText(/^[45]:\d\d min$/);
  const port = loopbackPort(world.opened[0]);
  expect(await connectOutcome(port)).toBe('connected');

  await page.getByRole('button', { name: 'Cancel' }).click();
  const cancelled = page.getByRole('alert');
  await expect(cancelled).toHaveText(/The single sign-on was cancelled; nobody was signed in/);
  await expect(page.getByRole('button', { name: 'Continue in your browser' })).toBeVisible();
  await expect.poll(() => connectOutcome(port)).toBe('ECONNREFUSED');
  expect((await world.call('session.status', {})).state).toBe('signed_out');
});

/** Each step of single sign-on, and the SSO unlock screen, in English and German, light and dark, at 1366x768. */
for (const variant of screenVariants) {
  test.describe(`${variant.language}, ${variant.colorScheme}`, () => {
    test.use({ locale: variant.locale, colorScheme: variant.colorScheme });

    test(`the single sign-on screens at 1366x768 (${variant.language}, ${variant.colorScheme}): screenshot, nothing wider than the window, no text cut off`, async ({ page, world }) => {
      const contributor = await configureSso(world);
      const faults: Record<string, LayoutFaults> = {};
      const shoot = async (name: string) => {
        await page.waitForTimeout(200);
        await world.screenshot(page, `sso-${variant.language}-${variant.colorScheme}-${name}`);
        const found = await layoutFaults(page);
        if (hasFaults(found)) faults[name] = found;
      };
      const submit = (target: Page) => target.locator('form.auth-form button[type="submit"]').click();

      await world.open(page);
      await page.getByTestId('use-sso').click();
      await page.locator('input[name="server"]').fill(world.url);
      await page.locator('input[name="email"]').fill(contributor.email);
      await shoot('where');
      await submit(page);
      await page.locator('input[name="passphrase"]').fill(PASSPHRASE);
      await page.locator('input[name="repeat"]').fill('a different passphrase');
      await submit(page);
      await expect(page.getByRole('alert')).toBeVisible();
      await shoot('passphrase-mismatch');

      world.setExternalBrowser(async () => {});
      await page.locator('input[name="repeat"]').fill(PASSPHRASE);
      await submit(page);
      await expect(page.getByTestId('sso-time-left')).toBeVisible();
      await shoot('waiting');
      await page.getByTestId('sso-waiting').getByRole('button').click();
      await expect(page.getByRole('alert')).toBeVisible();
      await shoot('cancelled');

      world.setExternalBrowser(async (url) => void (await (await page.context().newPage()).goto(url)));
      await page.locator('input[name="passphrase"]').fill(PASSPHRASE);
      await page.locator('input[name="repeat"]').fill(PASSPHRASE);
      await submit(page);
      await expect(page.getByTestId('signed-in-user')).toBeVisible({ timeout: 30_000 });
      await world.call('auth.lock', {});
      await world.open(page);
      await expect(page.locator('input[name="password"]')).toBeVisible();
      await shoot('unlock');
      await page.locator('input[name="password"]').fill('not-the-passphrase-at-all');
      await submit(page);
      await expect(page.getByTestId('forgotten-passphrase')).toBeVisible();
      await page.getByTestId('forgotten-passphrase').getByRole('button').click();
      await expect(page.locator('input[name="confirm"]')).toBeVisible();
      await shoot('unlock-forgotten');
      expect(faults).toEqual({});
    });
  });
}
