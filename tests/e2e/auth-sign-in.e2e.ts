import { expect, test } from './world';

// The world seeds a demo server per test; on a shared 2-core machine that alone can take half a minute.
test.describe.configure({ timeout: 120_000 });

test('an admin signs in through the UI with a TOTP code from the demo secret and lands in the frame', async ({ page, world }) => {
  const admin = world.user('admin');
  await world.open(page);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await world.screenshot(page, 'sign-in');

  // Typed as people type it, without a scheme: the form says where it will connect (http only
  // because this server is on this machine), and the sign-in goes there.
  const typed = world.url.replace(/^http:\/\//, '');
  await page.getByLabel('Server address', { exact: true }).fill(typed);
  await expect(page.getByTestId('server-completed')).toHaveText(`Plantdesk will connect to http://${typed}`);
  await page.getByLabel('Email', { exact: true }).fill(admin.email);
  await page.getByLabel('Password', { exact: true }).fill(admin.password);
  await page.getByLabel('Authenticator code', { exact: true }).fill(await world.freshCode('admin'));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();

  const modules = page.getByRole('navigation', { name: 'Modules' });
  await expect(modules).toBeVisible({ timeout: 20_000 });
  await expect(modules.getByRole('link')).toHaveText(['Shift logs', 'People', 'Audit trail', 'Exports', 'Sync', 'Settings']);
  await expect(page.getByTestId('connection')).toHaveText(/Online/);
  await expect(page.getByTestId('signed-in-user')).toContainText('Northfield Plant');
  // The first sync downloads the demo tenant; the frame shows its end.
  await expect(page.getByTestId('last-sync')).toHaveText(/Last sync: /, { timeout: 30_000 });
  await expect(page.getByTestId('pending-count')).toHaveText(/All changes synced/);
  await world.screenshot(page, 'frame');

  // German, chosen in the frame, is remembered on this workstation.
  await page.getByLabel('Language').selectOption('de');
  await expect(page.getByRole('navigation', { name: 'Module' }).getByRole('link')).toHaveText(['Schichtbücher', 'Personen', 'Prüfpfad', 'Exporte', 'Synchronisierung', 'Einstellungen']);
  await expect(page.getByRole('button', { name: 'Sperren' })).toBeVisible();
  await world.screenshot(page, 'frame-de');
  await page.reload();
  await expect(page.getByRole('button', { name: 'Abmelden' })).toBeVisible();
});

test('a wrong authenticator code is refused with its own message and the form stays', async ({ page, world }) => {
  const admin = world.user('admin');
  await world.open(page);
  await page.getByLabel('Server address', { exact: true }).fill(world.url);
  await page.getByLabel('Email', { exact: true }).fill(admin.email);
  await page.getByLabel('Password', { exact: true }).fill(admin.password);
  const right = await world.freshCode('admin');
  await page.getByLabel('Authenticator code', { exact: true }).fill(right === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText(/authenticator code is not right/);
  expect((await world.call('session.status', {})).state).toBe('signed_out');
});

test('locked by hand, the unlock screen names the account and the offline window, and unlocks offline', async ({ page, world }) => {
  await world.signInCore('admin');
  await world.open(page);
  await expect(page.getByRole('navigation', { name: 'Modules' })).toBeVisible();
  await page.getByRole('button', { name: 'Lock' }).click();

  await expect(page.getByRole('heading', { name: 'Unlock' })).toBeVisible();
  await expect(page.getByText('You locked Plantdesk.')).toBeVisible();
  await expect(page.getByText('Northfield Plant')).toBeVisible();
  // The window the grant allows, in this workstation's zone with the zone named.
  await expect(page.getByTestId('offline-until')).toHaveText(/\d{1,2}:\d{2}.*(UTC|GMT|[A-Z]{2,5})/);
  await world.screenshot(page, 'unlock');

  await world.stopServer();
  await page.getByLabel('Password', { exact: true }).fill(world.user('admin').password);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('navigation', { name: 'Modules' })).toBeVisible();
  await expect(page.getByTestId('connection')).toHaveText(/Offline/);
});

test('after repeated wrong passwords the server throttles: the form counts down and keeps Sign in disabled', async ({ page, world }) => {
  const viewer = world.user('viewer');
  // Six wrong passwords from elsewhere, each after the previous wait ran out: the next try must wait 2^(6-3) = 8 s.
  for (let attempt = 1; attempt <= 6; attempt++) {
    world.clock.advance(20_000);
    const response = await fetch(`${world.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: viewer.email, password: `not the password ${attempt}`, deviceId: 'elsewhere', deviceName: 'Elsewhere' }),
    });
    expect(response.status).toBe(401);
  }

  await world.open(page);
  await page.getByLabel('Server address', { exact: true }).fill(world.url);
  await page.getByLabel('Email', { exact: true }).fill(viewer.email);
  await page.getByLabel('Password', { exact: true }).fill(viewer.password);
  await page.getByLabel('Authenticator code', { exact: true }).fill(await world.freshCode('viewer'));
  const submit = page.getByRole('button', { name: 'Sign in', exact: true });
  await submit.click();
  await expect(page.getByRole('alert')).toHaveText(/Too many failed sign-ins/);
  await expect(page.getByTestId('retry-countdown')).toHaveText(/^You can try again in [1-8] s\.$/);
  await expect(submit).toBeDisabled();
  await world.screenshot(page, 'sign-in-throttled');
  // The wait is the server's: once it has passed there, the same form signs in.
  world.clock.advance(10_000);
  await expect(submit).toBeEnabled({ timeout: 15_000 });
  await page.getByLabel('Authenticator code', { exact: true }).fill(await world.freshCode('viewer'));
  await submit.click();
  await expect(page.getByRole('navigation', { name: 'Modules' })).toBeVisible({ timeout: 20_000 });
});
