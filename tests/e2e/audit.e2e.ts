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
  // The changed field by its label, the values in words.
  const diffRow = panel.getByRole('table').getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Role', exact: true }) });
  await expect(diffRow.getByRole('cell')).toHaveText(['Contributor', 'Viewer']);
  // The record by name, linked to the person.
  const record = panel.getByRole('link', { name: contributor.display_name, exact: true });
  await expect(record).toHaveAttribute('href', `#/people/${contributor.id}`);
  await expect(row.getByRole('link', { name: contributor.display_name, exact: true })).toBeVisible();
  await world.screenshot(page, 'audit-detail');
  await record.click();
  await expect(page).toHaveURL(new RegExp(`#/people/${contributor.id}$`));
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

test('a sign-in names its session and device once the sessions are in the cache: in the list, and in the detail with the device id beside it', async ({ page, world }) => {
  await syncedTrail(world);
  const signIns = await world.call('audit.list', { filter: { actions: ['session.created'] } });
  const signIn = signIns.items.find((event) => event.device_id !== null);
  expect(signIn).toBeDefined();
  const device = signIn!.device_id!;
  expect(signIn!.device_name).toBe('E2E workstation');

  await world.open(page, `#/audit/${signIn!.seq}?action=session.created`);
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: String(signIn!.seq), exact: true }) });
  await expect(row.getByRole('link', { name: 'E2E workstation', exact: true })).toHaveAttribute('href', `#/people/${signIn!.actor_id}`);
  const panel = page.getByRole('complementary');
  const deviceFact = panel.getByText('E2E workstation', { exact: false }).and(panel.locator('dd[title]'));
  await expect(deviceFact).toHaveAttribute('title', `Device id ${device}`);
  await expect(deviceFact).toContainText(device);
});

test('from the audit screen the command palette verifies the chain again, jumps to the filters and exports this trail', async ({ page, world }) => {
  await syncedTrail(world);
  await world.open(page, '#/audit?entity=session');
  await expect(page.getByTestId('chain-status')).toContainText('Chain verified up to seq');
  const palette = page.getByRole('dialog', { name: 'Go to or do' });
  const onScreen = palette.getByRole('group', { name: 'On this screen' }).getByRole('option');

  await page.keyboard.press('Control+k');
  await expect(onScreen).toHaveText(['Verify the chain again', 'Filter the trail', 'Export this trail']);
  const verified = page.waitForRequest((request) => request.url().includes('audit.verify'));
  await onScreen.filter({ hasText: 'Verify the chain again' }).click();
  await verified;
  await expect(page.getByTestId('chain-status')).toContainText('Chain verified up to seq');

  await page.keyboard.press('Control+k');
  await onScreen.filter({ hasText: 'Filter the trail' }).click();
  await expect(page.getByRole('combobox', { name: 'Actor' })).toBeFocused();

  await page.keyboard.press('Control+k');
  await onScreen.filter({ hasText: 'Export this trail' }).click();
  await expect(page).toHaveURL(/#\/exports\?module=audit&entities=session$/);
  await expect(page.getByRole('radio', { name: 'Audit events' })).toBeChecked();
});

test('screenshots at 1366×768: the list and an event with its diff, in English and German, light and dark', async ({ page, world }) => {
  await world.call('sync.now', {});
  const contributor = (await world.call('users.list', { filter: { text: world.user('contributor').email } })).items[0];
  await world.call('users.update', { userId: contributor.id, patch: { role: 'viewer', reason: 'Screenshots' } });
  await syncedTrail(world);
  const change = (await world.call('audit.list', { filter: { actions: ['user.updated'] } })).items[0];
  await world.open(page, '#/audit');
  for (const locale of ['en', 'de'] as const) {
    await page.evaluate((chosen) => localStorage.setItem('plantdesk.locale', chosen), locale);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await world.open(page, '#/audit');
      // Only the hash changed: a reload reads the chosen language.
      await page.reload();
      await expect(page.getByTestId('chain-status')).toBeVisible();
      await expect(page.getByRole('table').getByRole('row').nth(1)).toBeVisible();
      await world.screenshot(page, `audit-list-${locale}-${scheme}`);
      await world.open(page, `#/audit/${change.seq}`);
      await expect(page.getByRole('complementary').getByRole('table')).toBeVisible();
      await world.screenshot(page, `audit-detail-${locale}-${scheme}`);
    }
  }
});
