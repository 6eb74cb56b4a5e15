import { expect, test } from './world';

test('"Sync now" on the sync page runs a sync against the server and says what it did; a comment made here passes through the outbox', async ({ page, world }) => {
  await world.signInCore('admin');
  await world.open(page, '#/sync');
  await expect(page.getByRole('heading', { name: 'Sync and conflicts', level: 1 })).toBeVisible();
  await expect(page.getByTestId('sync-connection')).toContainText('Online');
  await expect(page.getByTestId('sync-last-ok')).not.toHaveText('Never', { timeout: 30_000 });

  const [log] = (await world.call('shiftLogs.list', { filter: {}, page: { limit: 1 } })).items;
  await world.stopServer();
  await world.call('comments.create', { shiftLogId: log.id, entryId: null, body: 'checked from the sync e2e' });
  const outbox = page.getByTestId('outbox-row');
  await expect(outbox).toHaveCount(1, { timeout: 15_000 });
  await expect(outbox).toContainText('Comment');
  await expect(page.getByTestId('sync-pending')).toHaveText('1');

  await world.startServerAgain();
  // The automatic sync may get there first; either way the outbox drains and the server has the comment.
  await expect(page.getByRole('button', { name: 'Sync now' })).toBeEnabled({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Synced: \d+ sent, \d+ received, 0 in conflict\.$/ })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText('No pending changes: everything made here has reached the server.')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('sync-pending')).toHaveText('0');
  await expect(page.getByTestId('sync-last-error')).toHaveText('None');
  const tenantId = world.credentials.tenantId;
  const comments = await world.db.transaction({ tenantId }, (tx) => tx.query<{ body: string }>('SELECT body FROM comments WHERE tenant_id = $1 AND shift_log_id = $2', [tenantId, log.id]));
  expect(comments.map((comment) => comment.body)).toContain('checked from the sync e2e');
});
