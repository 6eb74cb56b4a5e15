import { expect, test } from './world';

const count = (value: number) => value.toLocaleString('en-US');

test('an admin lands on the logs waiting for their sign-off, sorts them by a column header, reads how many match, and opens one', async ({ page, world }) => {
  await world.signInCore('admin');
  await world.call('sync.now', {});
  const all = await world.call('shiftLogs.totals', {});
  const waiting = await world.call('shiftLogs.totals', { waitingForMySignature: true });
  expect(waiting.matching).toBeGreaterThan(1);

  await world.open(page, '#/shift-logs');
  await expect(page.getByRole('button', { name: 'To sign' })).toHaveAttribute('aria-pressed', 'true');
  const grid = page.getByRole('grid', { name: 'Shift logs waiting for my sign-off' });
  const rows = grid.locator('[data-log-row]');
  await expect(rows.first()).toBeVisible();
  // Logs by name, never by id; only logs still to be signed.
  await expect(rows.first().locator('.log-area')).not.toHaveText(/^[0-9a-f-]{36}$/);
  await expect(rows.first().locator('.log-area')).not.toHaveText('');
  for (const status of await rows.locator('.log-status').allTextContents()) expect(['Submitted', 'Reviewed']).toContain(status);
  for (const entries of await rows.locator('.log-entries').allTextContents()) expect(Number(entries.replaceAll(',', ''))).toBeGreaterThanOrEqual(0);
  const shown = Math.min(100, waiting.matching);
  await expect(page.getByTestId('log-totals')).toHaveText(`Showing ${count(shown)} of ${count(waiting.matching)} shift logs waiting for your sign-off (${count(all.all)} in all)`);
  await world.screenshot(page, 'shift-logs-to-sign');

  // Sorting by a header: the core answers in the new order, and the header says which.
  const dateHeader = grid.getByRole('columnheader', { name: /Shift date/ });
  const areaHeader = grid.getByRole('columnheader', { name: /^Area/ });
  await expect(dateHeader).toHaveAttribute('aria-sort', 'descending');
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  await areaHeader.getByRole('button').click();
  await expect(areaHeader).toHaveAttribute('aria-sort', 'ascending');
  await expect(dateHeader).toHaveAttribute('aria-sort', 'none');
  await expect(page).toHaveURL(/logSort=area\.asc/);
  const ascending = await rows.locator('.log-area').allTextContents();
  expect(ascending).toEqual([...ascending].sort(byName));

  await areaHeader.getByRole('button').click();
  await expect(areaHeader).toHaveAttribute('aria-sort', 'descending');
  await expect(page).toHaveURL(/logSort=area\.desc/);
  // More than one area waits for signing, so the first row changes with the direction.
  await expect(rows.first().locator('.log-area')).not.toHaveText(ascending[0]);
  const descending = await rows.locator('.log-area').allTextContents();
  expect(descending).toEqual([...descending].sort(byName).reverse());

  await rows.first().click();
  await expect(page).toHaveURL(/#\/shift-logs\/[0-9a-f-]{36}/);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
});

test('the entry search states its order, and best match shows the best-ranked entry first', async ({ page, world }) => {
  await world.signInCore('admin');
  await world.call('sync.now', {});
  const text = 'vibration';
  const totals = await world.call('shiftLogs.entryTotals', { filter: { text } });
  expect(totals.matching).toBeGreaterThan(1);

  await world.open(page, `#/shift-logs?view=entries&q=${text}`);
  const order = page.getByRole('radiogroup', { name: 'Order of search results' });
  await expect(order.getByRole('radio', { name: 'Newest first' })).toBeChecked();
  const grid = page.getByRole('grid', { name: 'Log entries' });
  await expect(grid.locator('[data-entry-row]').first()).toBeVisible();
  await expect(page.getByTestId('entry-totals')).toHaveText(
    `Showing ${count(Math.min(100, totals.matching))} of ${count(totals.matching)} matching ${totals.matching === 1 ? 'entry' : 'entries'} (${count(totals.all)} in all)`,
  );

  await order.getByRole('radio', { name: 'Best match' }).check();
  await expect(page).toHaveURL(/entrySort=relevance\.asc/);
  await expect(order.getByRole('radio', { name: 'Best match' })).toBeChecked();
  const best = await world.call('shiftLogs.entries', { filter: { text }, sort: { by: 'relevance', dir: 'asc' }, page: { limit: 1 } });
  await expect(grid.locator('[data-entry-row]').first().locator('.entry-body')).toHaveText(best.items[0].body.slice(0, 200));
});
