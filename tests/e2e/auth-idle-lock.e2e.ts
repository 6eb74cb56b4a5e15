import { expect, test } from './world';

// The world seeds a demo server per test; on a shared 2-core machine that alone can take half a minute.
test.describe.configure({ timeout: 120_000 });

test('after the tenant idle time without input the app locks, explains why, and unlocks with the password; background reads do not keep it open', async ({ page, world }) => {
  // This test jumps the clock past the idle time in one step. In real use the background syncs
  // keep the server's session alive meanwhile; here the server's own idle timeout is set longer,
  // behind the feed, so only the workstation's lock (the tenant's published 30 minutes) is tested.
  const tenantId = world.credentials.tenantId;
  await world.db.ownerTransaction((tx) => tx.query('UPDATE tenants SET session_idle_minutes = 240 WHERE id = $1', [tenantId]));
  await world.signInCore('admin');
  await world.open(page, '#/shift-logs');
  await expect(page.getByRole('navigation', { name: 'Modules' })).toBeVisible();
  await expect(page.getByTestId('last-sync')).toHaveText(/Last sync: /, { timeout: 30_000 });

  const { idleLockAt } = await world.call('session.activity', {});
  expect(idleLockAt).not.toBeNull();
  // Just before the idle time runs out, the window reads as it does after every sync...
  world.clock.advance(Date.parse(idleLockAt!) - world.clock.now().getTime() - 60_000);
  await world.call('shiftLogs.list', {});
  await world.call('sync.state', {});
  // ...which is not a person at the workstation: a minute past the idle time it is locked.
  world.clock.advance(2 * 60_000);

  await expect(page.getByRole('heading', { name: 'Unlock' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText('Locked after a period without activity.')).toBeVisible();
  expect(await world.call('session.status', {})).toMatchObject({ state: 'locked', lockReason: 'idle', needsOnlineSignIn: false });
  await world.screenshot(page, 'idle-lock');

  await page.getByLabel('Password', { exact: true }).fill(world.user('admin').password);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('navigation', { name: 'Modules' })).toBeVisible({ timeout: 20_000 });
});
