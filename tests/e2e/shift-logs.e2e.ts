import { expect, test } from './world';

test('an admin filters the shift-log list, opens a log, and a wrong sign-off password keeps the dialog open with the typed error', async ({ page, world }) => {
  await world.signInCore('admin');
  await world.open(page, '#/shift-logs?view=entries');
  const list = page.getByRole('grid', { name: 'Log entries' });
  await expect(list.locator('[data-entry-row]').first()).toBeVisible();
  await expect(page.getByRole('group', { name: /entries from/ })).toBeVisible();
  await world.screenshot(page, 'shift-logs-list');

  await page.getByRole('checkbox', { name: /Critical/ }).check();
  await expect(page).toHaveURL(/severities=critical/);
  const rows = list.locator('[data-entry-row]');
  await expect(rows.first()).toContainText('Critical');
  for (const text of await rows.allTextContents()) expect(text).toContain('Critical');

  await rows.first().click();
  await expect(page).toHaveURL(/#\/shift-logs\/[0-9a-f-]{36}/);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add entry' })).toBeVisible();
  await world.screenshot(page, 'shift-logs-detail');

  await page.getByRole('button', { name: 'Sign off' }).click();
  const dialog = page.getByRole('dialog', { name: 'Sign off shift log' });
  await expect(dialog.getByTestId('signoff-statement')).toContainText('By signing, Alex Admin');
  await dialog.getByLabel('Password').fill('not the password');
  await dialog.getByRole('button', { name: 'Sign' }).click();
  await expect(dialog.getByRole('alert')).toHaveAttribute('data-error-code', 'wrong_password');
  await expect(dialog).toBeVisible();
  await world.screenshot(page, 'sign-off-dialog');
});
