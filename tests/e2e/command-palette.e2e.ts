import { expect, test } from './world';

test.describe.configure({ timeout: 120_000 });

test('Ctrl+K opens the command palette: screens by name with their shortcuts, workstation actions, Enter runs, Escape closes', async ({ page, world }) => {
  await world.signInCore('admin');
  await world.open(page);
  await expect(page.getByRole('navigation', { name: 'Modules' })).toBeVisible();

  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Go to or do' });
  await expect(palette).toBeVisible();
  await expect(palette.getByRole('option')).toContainText(['Shift logs', 'People', 'Audit trail', 'Exports', 'Sync', 'Sync now', 'Deutsch / English', 'Lock']);
  await expect(palette.getByRole('option', { name: /Audit trail/ })).toContainText('Alt+3');
  // The shift-log screen on show offers its own common actions first.
  await expect(palette.getByRole('group', { name: 'On this screen' }).getByRole('option')).toHaveText(['To sign', 'All logs', 'Entries', 'Export this view']);
  await world.screenshot(page, 'command-palette');
  await page.keyboard.type('entries');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/view=entries/);
  await expect(palette).toBeHidden();
  await page.keyboard.press('Control+k');
  await expect(palette).toBeVisible();

  // The search has the focus: typing filters at once; Enter goes there and closes the palette.
  await expect(palette.getByRole('combobox')).toBeFocused();
  await page.keyboard.type('audit');
  await expect(palette.getByRole('option')).toHaveCount(1);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/audit/);
  await expect(palette).toBeHidden();

  // The listed shortcut works without the palette.
  await page.keyboard.press('Alt+5');
  await expect(page).toHaveURL(/#\/sync/);

  // Escape closes without doing anything.
  await page.keyboard.press('Control+k');
  await expect(palette).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(palette).toBeHidden();
  await expect(page).toHaveURL(/#\/sync/);

  // An action: lock the workstation from the palette.
  await page.keyboard.press('Control+k');
  await palette.getByRole('combobox').fill('lock');
  await page.keyboard.press('Enter');
  await expect(page.getByText('You locked Plantdesk.')).toBeVisible({ timeout: 15_000 });
});

test('People, Exports and Sync each offer their common actions in the palette, and running one does it', async ({ page, world }) => {
  await world.signInCore('admin');
  const palette = page.getByRole('dialog', { name: 'Go to or do' });
  const onScreen = palette.getByRole('group', { name: 'On this screen' }).getByRole('option');

  // People: add a person opens the dialog; refresh asks the core for the list again.
  await world.open(page, '#/people');
  await expect(page.getByRole('heading', { level: 1, name: 'People' })).toBeVisible();
  await page.keyboard.press('Control+k');
  await expect(onScreen).toHaveText(['Add person…', 'Refresh the list of people']);
  const listed = page.waitForRequest((request) => request.url().includes('/call/users.list'));
  await onScreen.filter({ hasText: 'Refresh the list of people' }).click();
  await listed;
  await page.keyboard.press('Control+k');
  await page.keyboard.type('add person');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'Add a person' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Add a person' })).toBeHidden();

  // Exports: starts the export as the form stands, as its button does.
  await world.open(page, '#/exports?module=users');
  await expect(page.getByRole('radio', { name: 'Users and memberships' })).toBeChecked();
  await page.keyboard.press('Control+k');
  await expect(onScreen).toHaveText(['Start the export with these settings']);
  await onScreen.first().click();
  await expect(page.getByTestId('export-result')).toBeVisible({ timeout: 30_000 });

  // Sync: the screen's own Sync now (once in the palette), with its result on the screen.
  await world.open(page, '#/sync');
  await page.keyboard.press('Control+k');
  await expect(onScreen).toHaveText(['Sync now']);
  await expect(palette.getByRole('option', { name: 'Sync now' })).toHaveCount(1);
  await onScreen.first().click();
  await expect(page.getByRole('status').filter({ hasText: /^Synced: \d+ sent, \d+ received, 0 in conflict\.$/ })).toBeVisible({ timeout: 30_000 });
});
