import type { Page } from '@playwright/test';
import { expect, test } from './world';

/**
 * Accessibility on every screen: every control has an accessible name, and keyboard
 * focus is visible. Checked in the live DOM of the built app against the real server.
 */
async function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const nameOf = (element: Element): string => {
      const labelledBy = element.getAttribute('aria-labelledby');
      if (labelledBy) return labelledBy.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ').trim();
      const ariaLabel = element.getAttribute('aria-label');
      if (ariaLabel) return ariaLabel.trim();
      if (element instanceof HTMLInputElement || element instanceof HTMLSelectElement || element instanceof HTMLTextAreaElement) {
        const labels = element.labels ? [...element.labels].map((label) => label.textContent ?? '').join(' ').trim() : '';
        return labels || element.getAttribute('title') || '';
      }
      return (element.textContent ?? '').trim() || element.getAttribute('title') || '';
    };
    const controls = document.querySelectorAll('button, a[href], input:not([type="hidden"]), select, textarea, [role="button"], [role="checkbox"], [role="option"], [role="tab"]');
    return [...controls]
      .filter((element) => !element.closest('[hidden], [aria-hidden="true"]'))
      .filter((element) => nameOf(element) === '')
      .map((element) => element.outerHTML.slice(0, 160));
  });
}

test('every control on every screen has an accessible name, and keyboard focus is visible', async ({ page, world }) => {
  const found: Record<string, string[]> = {};
  const check = async (screen: string) => {
    await expect(page.locator('h1, h2').first()).toBeVisible({ timeout: 20_000 });
    await expect(page.getByText('Loading…')).toHaveCount(0, { timeout: 20_000 });
    const missing = await unnamedControls(page);
    if (missing.length > 0) found[screen] = missing;
  };

  await world.open(page);
  await check('sign-in');
  await world.signInCore('admin');
  await world.call('sync.now', {});
  const logs = await world.call('shiftLogs.list', { filter: {} });
  for (const hash of ['#/shift-logs', `#/shift-logs/${logs.items[0].id}`, '#/people', '#/audit', '#/exports', '#/sync', '#/settings']) {
    await world.open(page, hash);
    await check(hash);
  }
  expect(found).toEqual({});
  // The check itself: an unlabelled control put on the screen is found.
  await page.evaluate(() => document.querySelector('main')!.insertAdjacentHTML('beforeend', '<button type="button"></button><input type="text">'));
  expect(await unnamedControls(page)).toHaveLength(2);

  // Keyboard: Tab reaches a control and its focus ring is drawn (an outline, not colour alone).
  await world.open(page, '#/shift-logs');
  await expect(page.locator('h1').first()).toBeVisible();
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return null;
    const style = getComputedStyle(element);
    return { tag: element.tagName, outline: style.outlineStyle, width: parseFloat(style.outlineWidth) };
  });
  expect(focused).not.toBeNull();
  expect(focused!.outline).not.toBe('none');
  expect(focused!.width).toBeGreaterThan(0);
});
