import { hasFaults, layoutFaults, screenVariants, type LayoutFaults } from './layout';
import { expect, test } from './world';

/**
 * Every screen in English and German, light and dark, at 1366x768 (the config's viewport):
 * a screenshot of each for people to look at, and the layout faults a screenshot review looks
 * for, checked: nothing wider than the window, the header on one line, no control whose text
 * is cut off.
 */
for (const variant of screenVariants) {
  test.describe(`${variant.language}, ${variant.colorScheme}`, () => {
    test.use({ locale: variant.locale, colorScheme: variant.colorScheme });
    test.setTimeout(180_000);

    test(`every screen at 1366x768 (${variant.language}, ${variant.colorScheme}): screenshot, nothing wider than the window, header on one line, no text cut off`, async ({ page, world }) => {
      const faults: Record<string, LayoutFaults> = {};
      const visit = async (name: string, hash?: string) => {
        if (hash !== undefined) await world.open(page, hash);
        await expect(page.locator('h1, h2').first()).toBeVisible({ timeout: 20_000 });
        await expect(page.getByText(/^(Wird geladen|Loading)\b.*…$/)).toHaveCount(0, { timeout: 20_000 });
        await page.waitForTimeout(300);
        await world.screenshot(page, `tour-${variant.language}-${variant.colorScheme}-${name}`);
        const found = await layoutFaults(page);
        if (hasFaults(found)) faults[name] = found;
      };

      await world.open(page);
      await visit('sign-in');
      await world.signInCore('admin');
      await world.call('sync.now', {});
      const logs = await world.call('shiftLogs.list', { filter: {} });
      const people = await world.call('users.list', { filter: {} });
      await visit('shift-logs-to-sign', '#/shift-logs');
      await visit('shift-logs-all', '#/shift-logs?view=all');
      await visit('shift-log-entries', '#/shift-logs?view=entries');
      await visit('shift-log-detail', `#/shift-logs/${logs.items[0].id}`);
      await visit('people', '#/people');
      await visit('person', `#/people/${people.items[0].id}`);
      await visit('audit', '#/audit');
      const events = await world.call('audit.list', { filter: {}, page: { limit: 1 } });
      await visit('audit-event', `#/audit/${events.items[0].seq}`);
      await visit('exports', '#/exports');
      await visit('sync', '#/sync');
      await visit('settings', '#/settings');
      await world.call('auth.lock', {});
      await world.open(page);
      await visit('unlock');
      expect(faults).toEqual({});
    });
  });
}
