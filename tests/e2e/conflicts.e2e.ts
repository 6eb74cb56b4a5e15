import type { CallResponse } from '../../shared/contract';
import { changeOnServer } from './server-changes';
import { expect, test, type World } from './world';

/** Waits until the sync after sign-in has brought the demo data down and nothing is pending. */
async function settled(world: World): Promise<void> {
  await expect
    .poll(async () => {
      const state = await world.call('sync.state', {});
      return state.lastOkAt !== null && !state.running && state.pending === 0;
    }, { timeout: 30_000 })
    .toBe(true);
}


test.setTimeout(150_000);

test('sign-offs made offline that the server overtook come back as conflicts: both sides shown, discard (confirmed) and retry clear the inbox', async ({ page, world }) => {
  await world.signInCore('admin');
  await settled(world);
  const submitted: CallResponse<'shiftLogs.list'> = await world.call('shiftLogs.list', { filter: { statuses: ['submitted'] }, page: { limit: 2 } });
  const [approved, reviewed] = submitted.items;
  expect(reviewed).toBeDefined();

  await world.open(page, '#/sync');
  await expect(page.getByRole('heading', { name: 'Sync and conflicts', level: 1 })).toBeVisible();
  await expect(page.getByTestId('conflicts-count')).toHaveText('0 conflicts');
  await expect(page.getByText('No pending changes: everything made here has reached the server.')).toBeVisible();

  // Offline, this admin signs both logs off (the shift-log screen's sign-off, through the core).
  await world.stopServer();
  const { password } = world.user('admin');
  await world.call('shiftLogs.signOff', { shiftLogId: approved.id, meaning: 'approved', password });
  await world.call('shiftLogs.signOff', { shiftLogId: reviewed.id, meaning: 'reviewed', password });
  await expect(page.getByTestId('outbox-row')).toHaveCount(2, { timeout: 15_000 });
  await expect(page.getByTestId('outbox-row').first()).toContainText('Sign off shift log');
  await expect(page.getByTestId('sync-connection')).toContainText('Offline', { timeout: 20_000 });
  await expect(page.getByRole('button', { name: 'Try to reconnect' })).toBeEnabled();
  await expect(page.getByTestId('sync-offline-explain')).toBeVisible();
  await expect(page.getByTestId('sync-last-error')).toContainText('cannot be reached');
  await world.screenshot(page, 'sync');

  // Meanwhile on the server: someone approved the first log, and changed the crew of the second.
  const changer = await changeOnServer(world, approved.id, "status = 'signed'");
  await changeOnServer(world, reviewed.id, "crew = 'B (relief)'");
  await world.startServerAgain();

  // The app syncs by itself; both sign-offs come back as conflicts.
  await expect(page.getByTestId('conflicts-count')).toHaveText('2 conflicts', { timeout: 60_000 });
  // The header never calls this synced: two changes did not reach the server.
  await expect(page.getByTestId('conflicts-badge')).toHaveText(/2 conflicts/);
  await expect(page.getByTestId('pending-count')).toHaveText(/Nothing waiting to send/);
  await expect(page.getByTestId('pending-count')).not.toHaveText(/All changes synced/);
  await expect(page.getByTestId('sync-connection')).toContainText('Online');
  const cards = page.getByTestId('conflict');
  await expect(cards).toHaveCount(2);
  const first = cards.filter({ has: page.getByText(approved.id) }).first();
  // The card names the log (area, date, shift), what the server found, and who changed it there and when.
  await expect(first.getByRole('heading', { level: 3 })).toHaveText(new RegExp(`^Sign off shift log · .+ · .+ · ${approved.shift_name}$`));
  await expect(first).toContainText('Conflict: changed on the server meanwhile');
  await expect(first.getByTestId('conflict-what')).toContainText('Someone changed this record on the server after your workstation last saw it.');
  await expect(first.getByTestId('conflict-last-change')).toHaveText(new RegExp(`^Last changed on the server by ${changer}, .+\\.$`));
  await expect(first.getByText('the shift log changed on the server (version 2, yours 1)')).toBeHidden();
  await first.getByText('The server’s own words (in English)').click();
  await expect(first.getByText('the shift log changed on the server (version 2, yours 1)')).toBeVisible();
  const local = first.getByTestId('conflict-local');
  await expect(local).toContainText('Meaning');
  await expect(local).toContainText('approved');
  const server = first.getByTestId('conflict-server');
  await expect(server).toContainText('Status');
  await expect(server).toContainText('signed');
  const second = cards.filter({ has: page.getByText(reviewed.id) }).first();
  await expect(second.getByTestId('conflict-server')).toContainText('B (relief)');
  await expect(second).toContainText('changed on the server');
  await world.screenshot(page, 'conflicts');

  // Discard the first, after the confirmation; it is recorded for the audit trail.
  await first.getByRole('button', { name: 'Discard…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Discard this change?' });
  await expect(dialog).toContainText('“Sign off shift log” will not be sent to the server');
  await dialog.getByRole('button', { name: 'Discard change' }).click();
  await expect(page.getByTestId('conflicts-count')).toHaveText('1 conflict');
  expect((await world.call('sync.state', {})).conflicts).toBe(1);

  // A signature is never re-sent as it was: the second is signed again, with the password,
  // over the log as it is now; it syncs and the inbox is empty.
  await expect(second.getByRole('button', { name: 'Retry' })).toHaveCount(0);
  await expect(second.getByTestId('signoff-review')).toContainText('Added or amended in the log after you signed');
  await second.getByRole('button', { name: 'Sign again…' }).click();
  const signAgain = page.getByRole('dialog', { name: 'Sign the shift log as it is now' });
  await signAgain.getByLabel('Password').fill(password);
  await signAgain.getByRole('button', { name: 'Sign' }).click();
  await expect(page.getByTestId('conflicts-count')).toHaveText('0 conflicts');
  await expect(page.getByText('No pending changes: everything made here has reached the server.')).toBeVisible({ timeout: 30_000 });

  const tenantId = world.credentials.tenantId;
  const rows = await world.db.transaction({ tenantId }, async (tx) => ({
    logs: await tx.query<{ id: string; status: string }>('SELECT id, status FROM shift_logs WHERE tenant_id = $1 AND id = ANY($2) ORDER BY id', [tenantId, [approved.id, reviewed.id]]),
    signoffs: await tx.query<{ shift_log_id: string; meaning: string }>(`SELECT shift_log_id, meaning FROM signoffs WHERE tenant_id = $1 AND shift_log_id = ANY($2)`, [
      tenantId,
      [approved.id, reviewed.id],
    ]),
    discarded: await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1 AND action = 'local.conflict_discarded'`, [tenantId]),
  }));
  expect(rows.signoffs).toEqual([{ shift_log_id: reviewed.id, meaning: 'reviewed' }]);
  expect(rows.logs.find((log) => log.id === reviewed.id)?.status).toBe('reviewed');
  expect(rows.discarded).toEqual([{ n: 1 }]);
});
