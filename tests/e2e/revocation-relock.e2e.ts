import { startServer } from '../../server/app';
import { testScrypt } from '../support/server';
import { expect, test, type World } from './world';

// The world seeds a demo server per test; on a shared 2-core machine that alone can take half a minute.
test.describe.configure({ timeout: 180_000 });

/** The admin's own client: signs in over HTTP with password and TOTP, as another workstation would. */
async function adminToken(world: World, baseUrl: string): Promise<string> {
  const admin = world.user('admin');
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(json)}`);
    return json;
  };
  const login = await post('/v1/auth/login', { email: admin.email, password: admin.password, deviceId: 'admin-laptop', deviceName: 'Admin laptop' });
  const totp = await post('/v1/auth/totp', { challengeId: login.challengeId, code: await world.freshCode('admin') });
  return totp.token as string;
}

test('an admin revokes the session from another client: the app locks within one sync, asks for sign-in, and the unsynced entry survives and syncs', async ({ page, world }) => {
  const contributor = world.user('contributor');
  const tenantId = world.credentials.tenantId;
  await world.signInCore('contributor');
  await world.open(page, '#/shift-logs');
  await expect(page.getByRole('navigation', { name: 'Modules' })).toBeVisible();
  await expect(page.getByTestId('last-sync')).toHaveText(/Last sync: /, { timeout: 30_000 });
  const contributorId = (await world.call('session.status', {})).user!.id;

  // A shift log this contributor may write in: open, in one of their areas.
  const access = await world.call('session.access', {});
  const logs = await world.call('shiftLogs.list', { filter: { statuses: ['open'] }, page: { limit: 200 } });
  const log = logs.items.find((item) => access.areas.includes(item.area_id));
  expect(log, 'an open shift log in one of the contributor\'s areas').toBeTruthy();

  // The admin is signed in on their own client (password + TOTP over HTTP).
  const token = await adminToken(world, world.url);

  // The workstation loses the server; the contributor keeps working.
  await world.stopServer();
  const body = `Pump P-101 seal weeping, bucket placed (revocation e2e ${Date.now()})`;
  const occurredAt = new Date(Math.min(world.clock.now().getTime(), Date.parse(log!.ends_at) - 60_000)).toISOString();
  const { entryId } = await world.call('logEntries.create', {
    shiftLogId: log!.id,
    areaId: log!.area_id,
    category: 'maintenance',
    severity: 'low',
    body,
    occurredAt,
    lateReason: 'Written up after the round',
  });
  await expect(page.getByTestId('connection')).toHaveText(/Offline/, { timeout: 30_000 });
  await expect(page.getByTestId('pending-count')).toHaveText(/1 change waiting to send/, { timeout: 30_000 });

  // Meanwhile an admin, on their own client and connection, ends every session of the contributor.
  // Their client reaches another instance of the server on the same database (the server is
  // stateless), while this workstation cannot reach its own.
  const adminSide = await startServer({ host: '127.0.0.1', port: 0, db: world.db, clock: world.clock, scrypt: testScrypt, logger: false });
  try {
    const revoke = await fetch(`${adminSide.url}/v1/tenants/${tenantId}/sessions?userId=${encodeURIComponent(contributorId)}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(revoke.status).toBe(200);
    expect(((await revoke.json()) as { revoked: number }).revoked).toBeGreaterThan(0);
  } finally {
    await adminSide.close();
  }

  // The workstation's server is back: its next sync meets the revoked session and locks.
  await world.startServerAgain();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('needs-online-sign-in')).toContainText('Your session was ended on the server');
  await expect(page.getByRole('navigation', { name: 'Modules' })).toHaveCount(0);
  expect(await world.call('session.status', {})).toMatchObject({ state: 'locked', lockReason: 'session_ended', needsOnlineSignIn: true });
  await world.screenshot(page, 'revoked-sign-in');

  // The form is for the same account: only the password and a fresh code are typed.
  await expect(page.getByLabel('Server address', { exact: true })).toHaveValue(world.url);
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue(contributor.email);
  await page.getByLabel('Password', { exact: true }).fill(contributor.password);
  await page.getByLabel('Authenticator code', { exact: true }).fill(await world.freshCode('contributor'));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();

  await expect(page.getByRole('navigation', { name: 'Modules' })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('pending-count')).toHaveText(/All changes synced/, { timeout: 30_000 });
  const rows = await world.db.transaction({ tenantId }, (tx) => tx.query('SELECT body, author_id FROM log_entries WHERE id = $1', [entryId]));
  expect(rows).toEqual([{ body, author_id: contributorId }]);
});
