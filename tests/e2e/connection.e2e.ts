import { expect, test } from './world';

/**
 * The connection as the header says it: offline within seconds of the server going away, with
 * a banner that stays and says until when offline work is allowed (in the site's zone), and
 * online again within seconds of its return.
 */
test('offline and back online are shown within five seconds, with the offline permit in a banner', async ({ page, world }) => {
  await world.signInCore('admin');
  await world.call('sync.now', {});
  await world.open(page, '#/shift-logs');
  const connection = page.getByTestId('connection');
  await expect(connection).toHaveText(/Online/);
  await expect(page.getByTestId('offline-banner')).toHaveCount(0);

  await world.stopServer();
  await expect(connection).toHaveText(/Offline/, { timeout: 5_000 });
  const banner = page.getByTestId('offline-banner');
  await expect(banner).toContainText('Working offline.');
  await expect(banner.getByTestId('offline-until')).toHaveText(/^Offline work is allowed until .+\d{1,2}:\d{2} (AM|PM) [A-Z]{2,5}\.$/);
  await world.screenshot(page, 'offline-banner');
  // It stays while the server is away.
  await page.waitForTimeout(3_000);
  await expect(banner).toBeVisible();

  await world.startServerAgain();
  await expect(connection).toHaveText(/Online/, { timeout: 5_000 });
  await expect(page.getByTestId('offline-banner')).toHaveCount(0);
});
