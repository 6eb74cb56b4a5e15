import { randomUUID } from 'node:crypto';
import type { Page } from '@playwright/test';
import { appendChange } from '../../server/feed/change-log';
import { uuidv7 } from '../../shared/uuid7';
import { expect, test, type World } from './world';

// The workstation is in New York, the site in London: every time on screen must be London's.
test.use({ timezoneId: 'America/New_York' });

const longBody = `Boiler B-2 tripped on low water. ${'Feed pump P-101 restarted, level restored, cause under investigation with the day shift. '.repeat(4)}`;

/** A London night shift on 24 October 2026: entries that evening, one after midnight with an amendment, and a comment on the log. */
async function insertLondonNight(world: World) {
  const tenantId = world.credentials.tenantId;
  const siteId = randomUUID();
  const shiftLogId = uuidv7(Date.parse('2026-10-24T18:00:00Z'));
  const entries = [
    { at: '2026-10-24T19:30:00.000Z', body: 'Round started' },
    { at: '2026-10-24T22:10:00.000Z', body: longBody },
    { at: '2026-10-25T03:00:00.000Z', body: 'Pump P-101 running on standby feed' },
  ];
  const ids: string[] = [];
  await world.db.transaction({ tenantId }, async (tx) => {
    const [{ id: authorId }] = await tx.query<{ id: string }>("SELECT user_id AS id FROM memberships WHERE tenant_id = $1 AND org_role = 'admin' LIMIT 1", [tenantId]);
    const [{ row: site }] = await tx.query<{ row: Record<string, unknown> }>(
      `INSERT INTO areas (tenant_id, id, parent_id, kind, name, time_zone, created_at) VALUES ($1, $2, NULL, 'site', 'Thames Works', 'Europe/London', now())
       RETURNING to_jsonb(areas) AS row`,
      [tenantId, siteId],
    );
    await appendChange(tx, tenantId, { entity: 'area', entityId: siteId, op: 'upsert', row: site, scope: { area_id: siteId } });
    const [{ row: log }] = await tx.query<{ row: Record<string, unknown> }>(
      `INSERT INTO shift_logs (tenant_id, id, area_id, shift_date, shift_name, crew, starts_at, ends_at, status, created_by, created_at, updated_at)
       VALUES ($1, $2, $3, '2026-10-24', 'Night', 'C', '2026-10-24T18:00:00Z', '2026-10-25T07:00:00Z', 'open', $4, now(), now()) RETURNING to_jsonb(shift_logs) AS row`,
      [tenantId, shiftLogId, siteId, authorId],
    );
    await appendChange(tx, tenantId, { entity: 'shift_log', entityId: shiftLogId, op: 'upsert', row: log, scope: { area_id: siteId, author_id: authorId } });
    for (const entry of entries) {
      const id = uuidv7(Date.parse(entry.at));
      ids.push(id);
      const [{ row }] = await tx.query<{ row: Record<string, unknown> }>(
        `INSERT INTO log_entries (tenant_id, id, shift_log_id, area_id, equipment_tag, category, severity, body, occurred_at, recorded_at, author_id)
         VALUES ($1, $2, $3, $4, 'B-2', 'operations', 'high', $5, $6, $6, $7) RETURNING to_jsonb(log_entries) AS row`,
        [tenantId, id, shiftLogId, siteId, entry.body, entry.at, authorId],
      );
      await appendChange(tx, tenantId, { entity: 'log_entry', entityId: id, op: 'upsert', row, scope: { area_id: siteId, author_id: authorId } });
    }
  });
  return { siteId, shiftLogId, entryIds: ids };
}

async function seed(world: World) {
  const seeded = await insertLondonNight(world);
  await world.signInCore('admin');
  await world.call('sync.now', {});
  await world.call('logEntries.amend', { entryId: seeded.entryIds[2], kind: 'addendum', body: 'Standby feed checked at handover.', fieldsChanged: null, reason: 'Added at handover' });
  await world.call('comments.create', { shiftLogId: seeded.shiftLogId, entryId: null, body: 'Quiet night apart from B-2.' });
  return seeded;
}

/** Light and dark, as the window's system setting says. */
async function shoot(page: Page, world: World, name: string) {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await world.screenshot(page, `${name}-${scheme}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

async function useGerman(page: Page) {
  await page.evaluate(() => localStorage.setItem('plantdesk.locale', 'de'));
  await page.reload();
}

test("a London night shift read from New York: times beside their date where the day changes, actions in one place on every card, jumps to the sign-offs and comments, a new entry's time inside the shift", async ({ page, world }) => {
  const { shiftLogId } = await seed(world);
  await world.open(page, `#/shift-logs/${shiftLogId}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Thames Works · Night · Oct 24, 2026/);

  const cards = page.locator('.detail-entry');
  await expect(cards).toHaveCount(3);
  // 24 October is the shift's date: the evening needs no date, after midnight it does.
  await expect(cards.locator('.entry-time')).toHaveText(['8:30 PM GMT+1', '11:10 PM GMT+1', 'Oct 25, 2026, 3:00 AM GMT']);
  await expect(cards.nth(2).getByRole('list', { name: 'Amendments' }).locator('time')).toContainText(/, 20\d\d, /);

  // Short text, long text, an amendment beside: every Amend button at the same place on its card.
  const places = [];
  for (const card of await cards.all()) {
    const box = (await card.boundingBox())!;
    const amend = (await card.getByRole('button', { name: 'Amend' }).boundingBox())!;
    places.push({ x: Math.round(amend.x), fromTop: Math.round(amend.y - box.y) });
  }
  expect(new Set(places.map((place) => JSON.stringify(place))).size).toBe(1);

  // The sign-offs and comments, from the top of the page, by keyboard.
  const jumps = page.getByRole('navigation', { name: 'Sections of this shift log' });
  await expect(jumps.getByRole('button')).toHaveText(['Entries (3)', 'Sign-offs (0)', 'Comments (1)']);
  await jumps.getByRole('button', { name: 'Comments (1)' }).focus();
  await page.keyboard.press('Enter');
  const commentsHeading = page.getByRole('heading', { name: 'Comments' });
  await expect(commentsHeading).toBeFocused();
  await expect(commentsHeading).toBeInViewport();
  await page.evaluate(() => document.querySelector('.frame-main')?.scrollTo({ top: 0 }));
  await shoot(page, world, 'shift-log-detail-en');

  // The shift is over: a new entry starts at its end, in London's time.
  await page.getByRole('button', { name: 'Add entry' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add entry' });
  await expect(dialog.getByLabel('Occurred at')).toHaveValue('2026-10-25T07:00');
  await expect(dialog).toContainText('Site time (Europe/London)');
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  await useGerman(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Thames Works · Night · 24\.10\.2026/);
  await expect(cards.locator('.entry-time')).toHaveText(['20:30 GMT+1', '23:10 GMT+1', '25. Okt. 2026, 03:00 GMT']);
  await expect(page.getByRole('navigation', { name: 'Abschnitte dieses Schichtbuchs' }).getByRole('button')).toHaveText(['Einträge (3)', 'Unterschriften (0)', 'Kommentare (1)']);
  await shoot(page, world, 'shift-log-detail-de');
});

test('the chart covers the filter\'s dates with a date and a count axis, each bar says its count on hover and on keyboard focus; the log list dates are localized', async ({ page, world }) => {
  const { siteId } = await seed(world);
  await world.open(page, `#/shift-logs?view=entries&areaIds=${siteId}&shiftDateFrom=2026-10-20&shiftDateTo=2026-10-27`);
  const bars = page.getByTestId('chart-bars').getByRole('img');
  await expect(bars).toHaveCount(8);
  await expect(page.locator('.chart-dates')).toContainText('Oct 20');
  await expect(page.locator('.chart-counts')).toContainText('5');

  await bars.nth(4).hover();
  await expect(page.getByTestId('chart-tip')).toContainText('Oct 24, 2026: 3 entries');
  await page.mouse.move(0, 0);
  await expect(page.getByTestId('chart-tip')).toHaveCount(0);

  // One tab stop on the newest bar, arrow keys to the others.
  await page.getByRole('img', { name: 'Oct 27, 2026: 0 entries' }).focus();
  for (let step = 0; step < 3; step++) await page.keyboard.press('ArrowLeft');
  await expect(page.getByRole('img', { name: 'Oct 24, 2026: 3 entries' })).toBeFocused();
  await expect(page.getByTestId('chart-tip')).toContainText('Oct 24, 2026: 3 entries');
  await expect(page.locator('[data-entry-row] .entry-shift').first()).toHaveText('Night · Oct 24, 2026');
  await shoot(page, world, 'shift-log-entries-en');

  await world.open(page, `#/shift-logs?view=all&areaIds=${siteId}`);
  const row = page.locator('[data-log-row]').first();
  await expect(row.locator('.log-date')).toHaveText('Oct 24, 2026');
  await shoot(page, world, 'shift-log-list-en');

  await useGerman(page);
  await expect(row.locator('.log-date')).toHaveText('24.10.2026');
  await shoot(page, world, 'shift-log-list-de');
  await world.open(page, `#/shift-logs?view=entries&areaIds=${siteId}&shiftDateFrom=2026-10-20&shiftDateTo=2026-10-27`);
  await expect(page.getByRole('img', { name: '24.10.2026: 3 Einträge' })).toBeAttached();
  await shoot(page, world, 'shift-log-entries-de');
});

test.describe('before the first sync', () => {
  test.use({ worldOptions: { demoEntries: 2000, autoSync: false } });

  test('the entry list says the download has not finished, never that nothing matches, and fills when the sync is done', async ({ page, world }) => {
    await world.signInCore('admin');
    await world.open(page, '#/shift-logs?view=entries');
    await expect(page.getByText(/Nothing downloaded yet: the first sync with the server has not finished/).first()).toBeVisible();
    // Whatever the list says while the sync runs, it is never "no match".
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seenTexts: string[] }).seenTexts = seen;
      new MutationObserver(() => seen.push(document.querySelector('.shift-logs')?.textContent ?? '')).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await world.call('sync.now', {});
    await expect(page.getByRole('grid', { name: 'Log entries' }).locator('[data-entry-row]').first()).toBeVisible();
    const seen = await page.evaluate(() => (window as unknown as { seenTexts: string[] }).seenTexts);
    expect(seen.some((text) => text.includes('No entries match this filter.'))).toBe(false);
  });
});
