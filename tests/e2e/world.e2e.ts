import { expect, test } from './world';

test('the e2e world: a demo admin signed in through the core sees the app frame with the shift logs', async ({ page, world }) => {
  await world.signInCore('admin');
  await world.open(page);
  await expect(page.getByRole('navigation', { name: 'Modules' })).toBeVisible();
  const status = await world.call('session.status', {});
  expect(status).toMatchObject({ state: 'unlocked', tenantName: 'Northfield Plant', online: true });
});
