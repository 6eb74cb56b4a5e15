import { randomUUID } from 'node:crypto';
import { appendChange } from '../../server/feed/change-log';
import { uuidv7 } from '../../shared/uuid7';
import { expect, test, type World } from './world';

// The workstation is in New York; the site is in London; the night shift runs across the
// October change (2026-10-25 01:00 UTC, BST -> GMT), so 01:30 happens twice on site.
test.use({ timezoneId: 'America/New_York' });

async function insertLondonNightShift(world: World) {
  const tenantId = world.credentials.tenantId;
  const siteId = randomUUID();
  const shiftLogId = uuidv7(Date.parse('2026-10-24T18:00:00Z'));
  const entries = [
    { at: '2026-10-25T00:30:00.000Z', body: 'Round before the clock change' },
    { at: '2026-10-25T01:30:00.000Z', body: 'Round after the clock change' },
  ];
  await world.db.transaction({ tenantId }, async (tx) => {
    const [{ id: authorId }] = await tx.query<{ id: string }>("SELECT user_id AS id FROM memberships WHERE tenant_id = $1 AND org_role = 'admin' LIMIT 1", [tenantId]);
    const [{ row: site }] = await tx.query<{ row: Record<string, unknown> }>(
      `INSERT INTO areas (tenant_id, id, parent_id, kind, name, time_zone, created_at) VALUES ($1, $2, NULL, 'site', 'Thames Works', 'Europe/London', now())
       RETURNING to_jsonb(areas) AS row`,
      [tenantId, siteId],
    );
    await appendChange(tx, tenantId, { entity: 'area', entityId: siteId, op: 'upsert', row: site, scope: { area_id: siteId } });
    // Night 19:00-07:00 local: 18:00 UTC (BST) to 07:00 UTC (GMT), thirteen hours.
    const [{ row: log }] = await tx.query<{ row: Record<string, unknown> }>(
      `INSERT INTO shift_logs (tenant_id, id, area_id, shift_date, shift_name, crew, starts_at, ends_at, status, created_by, created_at, updated_at)
       VALUES ($1, $2, $3, '2026-10-24', 'Night', 'C', '2026-10-24T18:00:00Z', '2026-10-25T07:00:00Z', 'open', $4, now(), now()) RETURNING to_jsonb(shift_logs) AS row`,
      [tenantId, shiftLogId, siteId, authorId],
    );
    await appendChange(tx, tenantId, { entity: 'shift_log', entityId: shiftLogId, op: 'upsert', row: log, scope: { area_id: siteId, author_id: authorId } });
    for (const entry of entries) {
      const id = uuidv7(Date.parse(entry.at));
      const [{ row }] = await tx.query<{ row: Record<string, unknown> }>(
        `INSERT INTO log_entries (tenant_id, id, shift_log_id, area_id, equipment_tag, category, severity, body, occurred_at, recorded_at, author_id)
         VALUES ($1, $2, $3, $4, 'CW-P1', 'operations', 'info', $5, $6, $6, $7) RETURNING to_jsonb(log_entries) AS row`,
        [tenantId, id, shiftLogId, siteId, entry.body, entry.at, authorId],
      );
      await appendChange(tx, tenantId, { entity: 'log_entry', entityId: id, op: 'upsert', row, scope: { area_id: siteId, author_id: authorId } });
    }
  });
  return { siteId, shiftLogId };
}

test("entries of a London night shift across the October change show the site's local times and shift, in a New York browser", async ({ page, world }) => {
  const { siteId, shiftLogId } = await insertLondonNightShift(world);
  await world.signInCore('admin');
  await world.open(page, `#/shift-logs?view=entries&areaIds=${siteId}`);

  const rows = page.getByRole('grid', { name: 'Log entries' }).locator('[data-entry-row]');
  await expect(rows).toHaveCount(2);
  // Newest first: 01:30 GMT (after the change), then 01:30 BST (before it). New York would say 9:30 PM.
  await expect(rows.nth(0).locator('.entry-time')).toHaveText('Oct 25, 2026, 1:30 AM GMT');
  await expect(rows.nth(1).locator('.entry-time')).toHaveText('Oct 25, 2026, 1:30 AM GMT+1');
  for (const row of await rows.all()) await expect(row.locator('.entry-shift')).toHaveText('Night · Oct 24, 2026');

  await rows.nth(1).click();
  await expect(page).toHaveURL(new RegExp(`#/shift-logs/${shiftLogId}`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Thames Works · Night · Oct 24, 2026/);
  // The thirteen-hour night, in site time on both ends.
  await expect(page.locator('.detail-facts')).toContainText('Oct 24, 2026, 7:00 PM GMT+1 – Oct 25, 2026, 7:00 AM GMT');
  const times = page.locator('.detail-entry .entry-time');
  // After midnight the shift's date (24 October) is behind them: each time says its date.
  await expect(times).toHaveText(['Oct 25, 2026, 1:30 AM GMT+1', 'Oct 25, 2026, 1:30 AM GMT']);
  await expect(page.locator('.detail-facts')).toContainText('Europe/London');
});
