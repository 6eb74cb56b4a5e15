import { expect, test, type World } from './world';

/** The audit trail reaches the workstation through the pull feed: a sync brings the server's events. */
async function syncedTrail(world: World): Promise<void> {
  await world.call('sync.now', {});
  const page = await world.call('audit.list', { filter: {}, page: { limit: 1 } });
  expect(page.items.length).toBeGreaterThan(0);
}

test.beforeEach(async ({ world }) => {
  await world.signInCore('admin');
});

test('after a sync the audit trail shows the server\'s events, the field diff and the verified chain', async ({ page, world }) => {
  await world.call('sync.now', {});
  const { email } = world.user('contributor');
  const contributor = (await world.call('users.list', { filter: { text: email } })).items[0];
  // An admin change on the server: one audited event with a field diff and a reason.
  await world.call('users.update', { userId: contributor.id, patch: { role: 'viewer', reason: 'Audit trail e2e' } });
  await syncedTrail(world);

  const events = await world.call('audit.list', { filter: { actions: ['user.updated'] } });
  expect(events.items.length).toBeGreaterThan(0);
  const change = events.items[0];
  const chain = await world.call('audit.verify', {});
  expect(chain).toMatchObject({ ok: true, complete: true, firstBreak: null });

  await world.open(page, '#/audit');
  await expect(page.getByTestId('chain-status')).toHaveText(new RegExp(`Chain verified up to seq ${chain.lastSeq}: `));
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: String(change.seq), exact: true }) });
  await expect(row).toContainText('Alex Admin');
  await expect(row).toContainText('User changed');
  await expect(row).toContainText('Audit trail e2e');
  // Newest first: the first row carries the highest seq.
  const firstSeq = Number(await page.getByRole('table').getByRole('row').nth(1).getByRole('link').first().textContent());
  expect(firstSeq).toBe(chain.lastSeq);
  await world.screenshot(page, 'audit');

  await row.getByRole('link', { name: String(change.seq), exact: true }).click();
  const panel = page.getByRole('complementary');
  await expect(panel.getByRole('heading', { name: `Event ${change.seq}` })).toBeVisible();
  const diffRow = panel.getByRole('table').getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'org_role' }) });
  await expect(diffRow.getByRole('cell')).toHaveText(['contributor', 'viewer']);
  await world.screenshot(page, 'audit-detail');
});

test('the audit trail filters by action and record type through the URL', async ({ page, world }) => {
  await syncedTrail(world);
  await world.open(page, '#/audit');
  await expect(page.getByTestId('chain-status')).toContainText('Chain verified up to seq');
  await page.getByRole('combobox', { name: 'Record type' }).selectOption('session');
  await expect(page).toHaveURL(/entity=session/);
  const rows = page.getByRole('table').getByRole('row');
  await expect(rows.nth(1)).toBeVisible();
  const texts = await rows.allInnerTexts();
  for (const text of texts.slice(1)) expect(text).toContain('Session');
  const expected = await world.call('audit.list', { filter: { entities: ['session'] } });
  await expect(page.getByText(new RegExp(`^${expected.items.length} events? shown$`))).toBeVisible();
});
