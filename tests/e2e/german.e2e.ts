import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from '@playwright/test';
import { repoRoot } from './fixtures';
import { layoutFaults } from './layout';
import { changeOnServer } from './server-changes';
import { expect, test } from './world';

/**
 * The German locale shows no untranslated string on any screen: every English
 * catalogue string that has a different German text must not appear on a German screen.
 * The catalogues are the renderer's own (features/<name>/messages.ts and i18n/messages).
 */
test.use({ locale: 'de-DE' });
test.setTimeout(180_000);

function messageModules(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return messageModules(full);
    return name === 'messages.ts' ? [full] : [];
  });
}

/** English fragments that must not be seen: the longest literal run of each translated message. */
async function englishFragments(): Promise<string[]> {
  const rendererDir = path.join(repoRoot, 'renderer/src');
  const i18n = (await import(pathToFileURL(path.join(rendererDir, 'i18n/i18n.ts')).href)) as typeof import('../../renderer/src/i18n/i18n');
  for (const file of messageModules(rendererDir)) await import(pathToFileURL(file).href);
  const pairs: [string, string][] = [];
  for (const catalog of i18n.featureCatalogs) {
    const same = new Set<string>((catalog.sameInBoth ?? []) as string[]);
    for (const [key, english] of Object.entries(catalog.en)) if (!same.has(key)) pairs.push([english, (catalog.de as Record<string, string>)[key]]);
  }
  for (const [key, english] of Object.entries(i18n.locales.en)) pairs.push([english, (i18n.locales.de as Record<string, string>)[key] ?? '']);
  // The core's own messages are English: a German screen must show its translation of the code instead.
  const { errorMessages } = await import('../../shared/errors');
  for (const english of Object.values(errorMessages)) pairs.push([english, '']);
  // A text that German messages use too (a product or format name) is German as well.
  const germanTexts = pairs.map(([, german]) => german);
  const fragments = new Set<string>();
  for (const [english, german] of pairs) {
    if (english === german) continue;
    const longest = english
      .split(/\{\w+\}/)
      .map((part) => part.trim())
      .sort((a, b) => b.length - a.length)[0];
    // Short fragments ("OK", "ID") read the same in many languages; words of 8+ letters do not.
    if (!longest || longest.length < 8 || !/\p{L}{4,}/u.test(longest) || longest === 'Plantdesk') continue;
    if (!germanTexts.some((text) => text.includes(longest))) fragments.add(longest);
  }
  return [...fragments];
}

/**
 * Fragments found on the page: a fragment of several words anywhere in the text; a single
 * word only as a whole text (a label), since records (entry bodies, names) are data in any language.
 */
async function untranslatedOn(page: Page, fragments: string[]): Promise<string[]> {
  const texts = await page.evaluate(() => {
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (parent && parent.closest('[aria-hidden="true"]')) continue;
      if (node.textContent?.trim()) found.push(node.textContent.trim());
    }
    for (const element of document.querySelectorAll('[aria-label],[title],[placeholder]')) {
      for (const name of ['aria-label', 'title', 'placeholder']) {
        const value = element.getAttribute(name);
        if (value) found.push(value.trim());
      }
    }
    return found;
  });
  const whole = new Set(texts);
  const joined = texts.join('\n');
  const hits = fragments.filter((fragment) => (/\s/.test(fragment) ? joined.includes(fragment) : whole.has(fragment)));
  if (process.env.DEBUG_GERMAN) for (const hit of hits) console.log(hit, '<-', texts.filter((text) => text.includes(hit)));
  return hits;
}

test('the German locale shows no untranslated string on any screen', async ({ page, world }) => {
  const fragments = await englishFragments();
  expect(fragments.length).toBeGreaterThan(50);
  const found: Record<string, string[]> = {};
  const check = async (screen: string) => {
    // The event stream keeps the network busy, so wait for the screen itself: a heading and no loading line.
    await expect(page.locator('h1, h2').first()).toBeVisible({ timeout: 20_000 });
    // A loading line ends with an ellipsis (an area called "Loading Dock" is no loading line).
    await expect(page.getByText(/^(Wird geladen|Loading)\b.*…$/)).toHaveCount(0, { timeout: 20_000 });
    await page.waitForTimeout(500);
    const missing = await untranslatedOn(page, fragments);
    if (missing.length > 0) found[screen] = missing;
  };

  await world.open(page);
  await expect(page.locator('html')).toHaveAttribute('lang', /de/);
  await check('sign-in');

  await world.signInCore('admin');
  for (const hash of ['#/shift-logs', '#/people', '#/audit', '#/exports', '#/sync', '#/settings']) {
    await world.open(page, hash);
    await check(hash);
  }
  await world.call('sync.now', {});
  const logs = await world.call('shiftLogs.list', { filter: {} });
  await world.open(page, `#/shift-logs/${logs.items[0].id}`);
  await check('shift-log detail');
  await world.screenshot(page, 'german-shift-log');

  // Conflict cards: two sign-offs made offline that someone else's change overtook on the server.
  const submitted = await world.call('shiftLogs.list', { filter: { statuses: ['submitted'] }, page: { limit: 2 } });
  const { password } = world.user('admin');
  await world.stopServer();
  await world.call('shiftLogs.signOff', { shiftLogId: submitted.items[0].id, meaning: 'approved', password });
  await world.call('shiftLogs.signOff', { shiftLogId: submitted.items[1].id, meaning: 'reviewed', password });
  await changeOnServer(world, submitted.items[0].id, "status = 'signed'");
  await changeOnServer(world, submitted.items[1].id, "crew = 'B (Vertretung)'");
  await world.startServerAgain();
  await world.open(page, '#/sync');
  await expect(page.getByTestId('conflict')).toHaveCount(2, { timeout: 60_000 });
  await expect(page.getByTestId('conflict-last-change').first()).toContainText('Zuletzt auf dem Server geändert von');
  await check('#/sync with conflict cards');
  // With the conflicts badge in it, the German header still fits on one line at 1366 px.
  expect(await layoutFaults(page)).toMatchObject({ headerRows: false, overflowX: expect.any(Number) });
  expect((await layoutFaults(page)).overflowX).toBeLessThanOrEqual(0);
  await world.screenshot(page, 'german-conflicts');
  expect(found).toEqual({});

  // The detector itself: an English label put on the German screen is found.
  const english = fragments.find((fragment) => !/\s/.test(fragment))!;
  await page.evaluate((text) => document.body.insertAdjacentHTML('beforeend', `<span>${text}</span>`), english);
  expect(await untranslatedOn(page, fragments)).toContain(english);
});
