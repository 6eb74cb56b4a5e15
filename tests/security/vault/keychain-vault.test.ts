import { afterEach, describe, expect, it } from 'vitest';
import { createKeychainSecretStore } from '../../../main/core/secrets/keychain';
import { secretPurposes } from '../../../main/core/secrets/secret-store';
import { listLogEntries } from '../../../main/core/store/queries/shift-logs';
import { orgScope } from '../../../main/core/store/scope';
import { createVault, unlockVault, wipeVault } from '../../../main/core/vault/vault';
import { secretServiceCapability, skipUnless } from '../../support/capabilities';
import { seedPlant } from '../../unit/core/store/fixture';
import { filesIn, password, testKdf, vaultFixture, type VaultFixture } from '../../unit/core/vault/helpers';
import { secretOwnerOf } from '../../../main/core/secrets/secret-owner';

/** The vault with its device secret in the real Secret Service (gnome-keyring). */
let fixtures: VaultFixture[] = [];
afterEach(async () => {
  for (const f of fixtures) {
    for (const purpose of await f.secrets.list()) await f.secrets.delete(purpose);
    f.cleanup();
  }
  fixtures = [];
});

function keychainFixture(): VaultFixture {
  const f = vaultFixture((place) => createKeychainSecretStore(secretOwnerOf({ ...place, userId: `u-vault-${process.pid}-${fixtures.length}-${Date.now()}` })));
  f.location = { ...f.location, userId: f.secrets.owner.userId };
  fixtures.push(f);
  return f;
}

describe.skipIf(skipUnless(secretServiceCapability()))('vault with the OS keychain', () => {
  it('keeps the device secret in the keychain and opens with keychain + password', async () => {
    const f = keychainFixture();
    const vault = await createVault(f.location, { secrets: f.secrets, password, kdf: testKdf });
    seedPlant(vault.db);
    vault.lock();
    expect(await f.secrets.list()).toEqual([secretPurposes.deviceSecret(f.location.tenantId)]);
    expect((await f.secrets.get(secretPurposes.deviceSecret(f.location.tenantId)))?.length).toBe(32);
    const reopened = await unlockVault(f.location, { secrets: f.secrets, password });
    expect(listLogEntries(reopened.db, { shiftLog: orgScope, logEntry: orgScope }).items).toHaveLength(8);
    reopened.lock();
  });

  it('keychain item deleted: the store cannot be opened, with a clear error', async () => {
    const f = keychainFixture();
    (await createVault(f.location, { secrets: f.secrets, password, kdf: testKdf })).lock();
    // Deleted behind the app's back, through another handle on the same keychain.
    const elsewhere = createKeychainSecretStore(f.secrets.owner);
    expect(await elsewhere.delete(secretPurposes.deviceSecret(f.location.tenantId))).toBe(true);
    await expect(unlockVault(f.location, { secrets: f.secrets, password })).rejects.toMatchObject({
      code: 'device_secret_missing',
      message: expect.stringContaining('missing from the system keychain'),
    });
  });

  it('wrong password with the keychain present: WrongPassword', async () => {
    const f = keychainFixture();
    (await createVault(f.location, { secrets: f.secrets, password, kdf: testKdf })).lock();
    await expect(unlockVault(f.location, { secrets: f.secrets, password: 'not the password at all' })).rejects.toMatchObject({ code: 'wrong_password' });
  });

  it('wipe leaves no tenant file, no WAL or SHM, and no keychain item', async () => {
    const f = keychainFixture();
    const vault = await createVault(f.location, { secrets: f.secrets, password, kdf: testKdf });
    seedPlant(vault.db);
    await wipeVault(f.location, { secrets: f.secrets, open: vault });
    expect(filesIn(f.profileDir)).toEqual([]);
    const fresh = createKeychainSecretStore(f.secrets.owner);
    expect(await fresh.get(secretPurposes.deviceSecret(f.location.tenantId))).toBeNull();
    expect(await fresh.list()).toEqual([]);
  });
});
