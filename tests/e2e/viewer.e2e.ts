import type { PlantdeskApi } from '../../shared/contract';
import { expect, test } from './world';

test('a viewer sees no action on a shift log, and a write called through window.plantdesk directly is refused by the core', async ({ page, world }) => {
  await world.signInCore('viewer');
  // The first sync runs after sign-in: wait until an open log is in the cache.
  const openLogs = async () => (await world.call('shiftLogs.list', { filter: { statuses: ['open'] }, page: { limit: 1 } })).items;
  await expect.poll(async () => (await openLogs()).length, { timeout: 30_000 }).toBe(1);
  const [log] = await openLogs();
  await world.open(page, `#/shift-logs/${log.id}`);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.locator('.detail-entry').first()).toBeVisible();
  // The grant is loaded (so absent buttons mean "not permitted", not "not known yet").
  await expect(page.getByRole('toolbar', { name: 'Shift log actions' })).toHaveAttribute('data-access', 'loaded');
  for (const name of ['Add entry', 'Submit for review', 'Sign off', 'Reopen', 'Amend', 'Add comment']) await expect(page.getByRole('button', { name })).toHaveCount(0);

  const refused = await page.evaluate(
    (target) =>
      (window as unknown as { plantdesk: PlantdeskApi }).plantdesk.logEntries.create({
        shiftLogId: target.id,
        areaId: target.area_id,
        category: 'operations',
        severity: 'info',
        body: 'Written around the UI',
        occurredAt: new Date().toISOString(),
        lateReason: 'testing',
      }),
    { id: log.id, area_id: log.area_id },
  );
  expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  const after = await world.call('shiftLogs.get', { id: log.id });
  expect(after?.entries.some((entry) => entry.body === 'Written around the UI')).toBe(false);
});
