import { dataset, insertAll } from '../../bench/store.bench';
import { createKeychainSecretStore } from '../../main/core/secrets/keychain';
import { unlockVault } from '../../main/core/vault/vault';
import { expect, test, type World } from './world';
import { secretOwnerOf } from '../../main/core/secrets/secret-owner';

// No sync may run while rows go into the store behind the core's back.
test.use({ worldOptions: { demoEntries: 50, autoSync: false } });

const seeded = 100_000;

/**
 * 100,000 entries straight into the signed-in admin's encrypted store (the store bench's
 * generator): the core is locked, the store opened with the same password and keychain item
 * the core uses, filled, closed, and unlocked again through the core.
 */
async function seedLocalStore(world: World): Promise<void> {
  const status = await world.call('session.status', {});
  const { password } = world.user('admin');
  const location = { profileDir: world.profileDir, server: status.server!, userId: status.user!.id, tenantId: status.tenantId! };
  await world.call('auth.lock', {});
  const vault = await unlockVault(location, { secrets: createKeychainSecretStore(secretOwnerOf(location)), password });
  try {
    insertAll([{ label: 'e2e', db: vault.db, ms: 0 }], dataset(seeded));
  } finally {
    vault.lock();
  }
  await world.call('auth.unlock', { password });
}

test('the entry list renders 100,000 entries with fewer than 200 row elements in the DOM and scrolls to the end', async ({ page, world }) => {
  test.setTimeout(300_000);
  await world.signInCore('admin');
  await world.call('sync.now', {}); // the demo tenant first (areas, people, 50 entries), then no sync at all
  await seedLocalStore(world);
  let total = 0;
  for (let after: string | null = null, first = true; first || after; first = false) {
    const page: Awaited<ReturnType<typeof world.call<'shiftLogs.entries'>>> = await world.call('shiftLogs.entries', { filter: {}, page: { limit: 500, after } });
    total += page.items.length;
    after = page.next;
  }
  expect(total).toBeGreaterThanOrEqual(seeded);

  await world.open(page, '#/shift-logs?view=entries');
  const list = page.getByRole('grid', { name: 'Log entries' });
  const rows = list.locator('[data-entry-row]');
  await expect(rows.first()).toBeVisible();
  const count = page.getByTestId('entry-totals');
  const allLoaded = `Showing ${total.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} matching entries (${total.toLocaleString('en-US')} in all)`;

  // Scroll to the bottom again and again: each time the next page loads, until none is left.
  let maxRows = 0;
  for (let round = 0; round < 400; round++) {
    const before = await count.textContent();
    await list.evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
    maxRows = Math.max(maxRows, await rows.count());
    if (before === allLoaded) break;
    await expect(count).not.toHaveText(before ?? '', { timeout: 20_000 });
  }
  await expect(count).toHaveText(allLoaded);
  expect(maxRows).toBeGreaterThan(5);
  expect(maxRows).toBeLessThan(200);
  // The very last entry is on screen, and still only a window of rows exists.
  await list.evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
  await expect(page.locator(`#entry-row-${total - 1}`)).toBeInViewport();
  expect(await rows.count()).toBeLessThan(200);
});
