import { expect, test, type World } from './world';

/** The server's audit API, read over HTTP as the demo admin (a separate session from the app's). */
async function auditEventsOf(world: World, actorId: string): Promise<{ action: string; entity_id: string | null; actor_id: string | null; reason: string | null; diff: Record<string, { before: unknown; after: unknown }> }[]> {
  const admin = world.user('admin');
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${world.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status, path).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  };
  const login = await post('/v1/auth/login', { email: admin.email, password: admin.password, deviceId: 'e2e-audit-reader', deviceName: 'Audit reader' });
  const signedIn = await post('/v1/auth/totp', { challengeId: login.challengeId, code: await world.freshCode('admin') });
  const events = [];
  let after: string | null = null;
  do {
    const query = new URLSearchParams({ actor: actorId, ...(after ? { after } : {}) });
    const response = await fetch(`${world.url}/v1/tenants/${world.credentials.tenantId}/audit?${query}`, { headers: { authorization: `Bearer ${String(signedIn.token)}` } });
    expect(response.status).toBe(200);
    const page = (await response.json()) as { items: Awaited<ReturnType<typeof auditEventsOf>>; next: string | null };
    events.push(...page.items);
    after = page.next;
  } while (after);
  return events;
}

test('the main flow: sign in with a TOTP code, work offline on a shift log (add, amend, sign off), and the server audits it after the app syncs by itself', async ({ page, world }) => {
  const admin = world.user('admin');
  // A submitted log, so an 'approved' signature takes it to signed.
  await world.open(page, '#/shift-logs?view=entries&statuses=submitted');
  await page.getByLabel('Server address').fill(world.url);
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByLabel('Authenticator code').fill(await world.freshCode('admin'));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();

  // The production composition, with the core on its own thread as in the app: the first sync
  // starts by itself right after sign-in, no "Sync now" pressed.
  expect((await world.call('app.info', {})).coreHost).toBe('worker');
  await expect(page.getByTestId('last-sync')).toHaveText(/^Last sync: /, { timeout: 30_000 });
  const rows = page.getByRole('grid', { name: 'Log entries' }).locator('[data-entry-row]');
  await rows.first().click();
  await expect(page).toHaveURL(/#\/shift-logs\/[0-9a-f-]{36}/);
  const shiftLogId = decodeURIComponent(new URL(page.url()).hash.split('/')[2]);
  await expect(page.getByRole('button', { name: 'Sign off' })).toBeVisible();
  const userId = (await world.call('session.status', {})).user!.id;

  await world.stopServer();

  // Add an entry.
  const body = `Offline entry ${Date.now()}: cooling water pump P-7 vibration checked`;
  await page.getByRole('button', { name: 'Add entry' }).click();
  const add = page.getByRole('dialog', { name: 'Add entry' });
  await add.getByLabel('Severity').selectOption('medium');
  await add.getByLabel('Equipment tag').fill('P-7');
  await add.getByLabel('Entry text').fill(body);
  const lateReason = add.getByLabel('Reason for the late entry');
  if (await lateReason.isVisible()) await lateReason.fill('Reviewed after the shift ended');
  await add.getByRole('button', { name: 'Add entry' }).click();
  await expect(add).toBeHidden();
  const added = page.locator('.detail-entry', { hasText: body });
  await expect(added.getByTestId('pending-mark')).toBeVisible();
  const addedEntryId = await added.getAttribute('data-entry-id');

  // Amend another one.
  const other = page.locator('.detail-entry').filter({ hasNotText: body }).first();
  const amendedEntryId = await other.getAttribute('data-entry-id');
  await other.getByRole('button', { name: 'Amend' }).click();
  const amend = page.getByRole('dialog', { name: 'Amend entry' });
  await amend.getByLabel('Corrected text').fill('Corrected offline: reading taken at the local gauge');
  await amend.getByLabel('Reason').fill('Wrong gauge named');
  await amend.getByRole('button', { name: 'Save amendment' }).click();
  await expect(amend).toBeHidden();
  await expect(page.locator(`[data-entry-id="${amendedEntryId}"] .entry-amendments`)).toContainText('Wrong gauge named');

  // Sign off with the password, offline.
  await page.getByRole('button', { name: 'Sign off' }).click();
  const sign = page.getByRole('dialog', { name: 'Sign off shift log' });
  await sign.getByRole('radio', { name: 'Approved' }).check();
  await sign.getByLabel('Password').fill(admin.password);
  await sign.getByRole('button', { name: 'Sign' }).click();
  await expect(sign).toBeHidden();
  await expect(page.locator('.signoffs')).toContainText('Approved');
  await expect(page.getByTestId('pending-mark').first()).toBeVisible();
  // One truth: signed here, not yet at the server; no second Sign off meanwhile.
  await expect(page.getByTestId('shift-log-status')).toHaveText('Signed by you, waiting to sync');
  await expect(page.getByRole('button', { name: 'Sign off' })).toHaveCount(0);
  await world.screenshot(page, 'shift-logs-detail-pending');

  await world.startServerAgain();
  // No click: the app's own sync pushes the outbox; the pending marks clear on 'sync.finished'.
  await expect(page.getByTestId('pending-mark')).toHaveCount(0, { timeout: 45_000 });
  // The sync ran in the background: a toast says what reached the server (entry, amendment, sign-off).
  await expect(page.getByTestId('toast').filter({ hasText: /Sync done: \d+ changes reached the server\./ })).toBeVisible();
  await expect(page.getByTestId('shift-log-status')).toHaveText('Signed');
  // The signature as the server recorded it: the name on record, the time at the site with its
  // zone, the meaning, and that the password was checked on the workstation (it was offline).
  await expect(page.locator('.signoffs li').first()).toContainText(/Approved · .+ · .+\d{1,2}:\d{2} (AM|PM) (GMT|UTC|[A-Z]{2,5}|GMT[+-]\d+).* · password checked on the workstation/);

  const events = await auditEventsOf(world, userId);
  const created = events.find((event) => event.action === 'log_entry.created' && event.entity_id === addedEntryId);
  expect(created?.actor_id).toBe(userId);
  expect(created?.diff.body).toEqual({ before: null, after: body });
  expect(created?.diff.equipment_tag).toEqual({ before: null, after: 'P-7' });
  const amended = events.find((event) => event.action === 'log_entry.amended' && event.entity_id === amendedEntryId);
  expect(amended?.actor_id).toBe(userId);
  expect(amended?.reason).toBe('Wrong gauge named');
  expect(JSON.stringify(amended?.diff)).toContain('Corrected offline: reading taken at the local gauge');
  const signed = events.find((event) => event.action === 'shift_log.signed_off' && event.entity_id === shiftLogId);
  expect(signed?.actor_id).toBe(userId);
  expect(signed?.diff.status?.after).toBe('signed');
});
