import { readFileSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { KeychainUnavailable } from '../../../../main/core/secrets/errors';
import { secretPurposes, type SecretStore } from '../../../../main/core/secrets/secret-store';
import { listLogEntries } from '../../../../main/core/store/queries/shift-logs';
import { orgScope } from '../../../../main/core/store/scope';
import { DeviceSecretMissing, PreviousPasswordNeeded, VaultExists, VaultLocked, VaultNotFound, WrongPassword } from '../../../../main/core/vault/errors';
import { vaultPaths } from '../../../../main/core/vault/location';
import { changeVaultPassword, createVault, listVaults, unlockVault, unlockVaultForSignIn, vaultExists, wipeVault } from '../../../../main/core/vault/vault';
import { seedPlant } from '../store/fixture';
import { filesIn, password, sha256OfFile, testKdf, vaultFixture, type VaultFixture } from './helpers';
import { profileIdOf, secretOwnerOf } from '../../../../main/core/secrets/secret-owner';
import { memorySecretStore } from '../secrets/memory-secret-store';

let fixtures: VaultFixture[] = [];
afterEach(() => {
  for (const f of fixtures) f.cleanup();
  fixtures = [];
});
function fixture(...args: Parameters<typeof vaultFixture>): VaultFixture {
  const f = vaultFixture(...args);
  fixtures.push(f);
  return f;
}

const org = { shiftLog: orgScope, logEntry: orgScope };

describe('create, lock, unlock', () => {
  it('creates a cache that the same password and device secret open again', async () => {
    const { location, secrets } = fixture();
    const vault = await createVault(location, { secrets, password, kdf: testKdf });
    seedPlant(vault.db);
    vault.lock();
    const again = await unlockVault(location, { secrets, password });
    expect(listLogEntries(again.db, org).items).toHaveLength(8);
    again.lock();
  });

  it('locking closes the store: reads throw VaultLocked (code locked) until unlocked', async () => {
    const { location, secrets } = fixture();
    const vault = await createVault(location, { secrets, password, kdf: testKdf });
    const db = vault.db;
    vault.lock();
    expect(vault.locked).toBe(true);
    expect(db.open).toBe(false);
    expect(() => vault.db).toThrow(VaultLocked);
    expect(() => vault.db).toThrow(expect.objectContaining({ code: 'locked' }));
    expect(() => vault.lock()).not.toThrow();
  });

  it('wrong password: WrongPassword, and the database files are not touched', async () => {
    const { location, secrets } = fixture();
    const vault = await createVault(location, { secrets, password, kdf: testKdf });
    seedPlant(vault.db);
    vault.lock();
    const paths = vaultPaths(location);
    const before = [paths.database, ...paths.sidecars].map(sha256OfFile);
    const modified = statSync(paths.database).mtimeMs;
    await expect(unlockVault(location, { secrets, password: 'correct horse battery stapler' })).rejects.toThrow(WrongPassword);
    await expect(unlockVault(location, { secrets, password: '' })).rejects.toMatchObject({ code: 'wrong_password' });
    expect([paths.database, ...paths.sidecars].map(sha256OfFile)).toEqual(before);
    expect(statSync(paths.database).mtimeMs).toBe(modified);
  });

  it('device secret deleted from the keychain: DeviceSecretMissing, with a message that says what to do', async () => {
    const { location, secrets } = fixture();
    (await createVault(location, { secrets, password, kdf: testKdf })).lock();
    await secrets.delete(secretPurposes.deviceSecret(location.tenantId));
    const error = await unlockVault(location, { secrets, password }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceSecretMissing);
    expect(error).toMatchObject({ code: 'device_secret_missing', message: expect.stringMatching(/keychain.*Sign in online/s) });
  });

  it('device secret replaced by another: the right password does not open it', async () => {
    const { location, secrets } = fixture();
    (await createVault(location, { secrets, password, kdf: testKdf })).lock();
    await secrets.set(secretPurposes.deviceSecret(location.tenantId), Buffer.alloc(32, 7));
    await expect(unlockVault(location, { secrets, password })).rejects.toThrow(WrongPassword);
  });

  it('no cache for that tenant: VaultNotFound', async () => {
    const { location, secrets } = fixture();
    await expect(unlockVault(location, { secrets, password })).rejects.toThrow(VaultNotFound);
    expect(vaultExists(location)).toBe(false);
  });

  it('refuses to create over an existing cache', async () => {
    const { location, secrets } = fixture();
    (await createVault(location, { secrets, password, kdf: testKdf })).lock();
    await expect(createVault(location, { secrets, password, kdf: testKdf })).rejects.toThrow(VaultExists);
  });

  it('keychain unreachable at creation: KeychainUnavailable and no file at all', async () => {
    const { location, profileDir } = fixture();
    const broken: SecretStore = {
      owner: secretOwnerOf(location),
      get: () => Promise.reject(new KeychainUnavailable({ reason: 'unreachable' })),
      set: () => Promise.reject(new KeychainUnavailable({ reason: 'unreachable' })),
      delete: () => Promise.reject(new KeychainUnavailable({ reason: 'unreachable' })),
      list: () => Promise.reject(new KeychainUnavailable({ reason: 'unreachable' })),
    };
    await expect(createVault(location, { secrets: broken, password, kdf: testKdf })).rejects.toThrow(KeychainUnavailable);
    expect(filesIn(profileDir)).toEqual([]);
  });

  it('refuses a secret store of another user, tenant or profile', async () => {
    const { location } = fixture();
    const own = secretOwnerOf(location);
    for (const owner of [{ ...own, userId: 'u-mallory' }, { ...own, tenantId: 't-south' }, { ...own, profile: profileIdOf('/elsewhere') }]) {
      const other = { ...memorySecretStore(owner), owner };
      await expect(createVault(location, { secrets: other, password, kdf: testKdf })).rejects.toThrow(/another server, user, tenant or profile/);
    }
  });
});

describe('files on disk', () => {
  it('names files by a hash, never by email, server or tenant', async () => {
    const { location, secrets, profileDir } = fixture();
    const vault = await createVault(location, { secrets, password, kdf: testKdf });
    const names = filesIn(profileDir).join('\n');
    expect(names).toMatch(/^vaults\/[0-9a-f]{32}\.db/m);
    expect(names).toMatch(/^vaults\/[0-9a-f]{32}\.key\.json$/m);
    for (const word of ['plant', 'alice', 'north', '@']) expect(names).not.toContain(word);
    vault.lock();
  });

  it('keeps the database, its WAL and SHM, and the key file owner-only (0600), in a 0700 folder', async () => {
    const { location, secrets } = fixture();
    const vault = await createVault(location, { secrets, password, kdf: testKdf });
    seedPlant(vault.db);
    const paths = vaultPaths(location);
    const mode = (path: string) => statSync(path).mode & 0o777;
    expect(mode(paths.dir)).toBe(0o700);
    expect(mode(paths.keyFile)).toBe(0o600);
    expect(mode(paths.database)).toBe(0o600);
    expect(mode(`${paths.database}-wal`)).toBe(0o600);
    expect(mode(`${paths.database}-shm`)).toBe(0o600);
    vault.lock();
  });

  it('keeps the 0600 modes under a permissive umask', async () => {
    const previous = process.umask(0o000);
    try {
      const { location, secrets } = fixture();
      const vault = await createVault(location, { secrets, password, kdf: testKdf });
      seedPlant(vault.db);
      const paths = vaultPaths(location);
      for (const path of [paths.keyFile, paths.database, `${paths.database}-wal`, `${paths.database}-shm`]) {
        expect((statSync(path).mode & 0o777).toString(8)).toBe('600');
      }
      vault.lock();
    } finally {
      process.umask(previous);
    }
  });

  it('records the default scrypt cost in the key file when none is given', async () => {
    const { location, secrets } = fixture();
    (await createVault(location, { secrets, password })).lock();
    const keyFile = JSON.parse(readFileSync(vaultPaths(location).keyFile, 'utf8'));
    expect(keyFile.kdf).toMatchObject({ name: 'scrypt', N: 131072, r: 8, p: 1 });
    expect(keyFile).toMatchObject({ server: 'https://plant.example', userId: 'u-alice', tenantId: 't-north' });
  });
});

describe('changing the password', () => {
  it('re-wraps the key: the new password opens, the old one no longer does, the data stays', async () => {
    const { location, secrets } = fixture();
    const vault = await createVault(location, { secrets, password, kdf: testKdf });
    seedPlant(vault.db);
    vault.lock();
    const database = sha256OfFile(vaultPaths(location).database);
    await changeVaultPassword(location, { secrets, password, newPassword: 'a new password for 2025' });
    expect(sha256OfFile(vaultPaths(location).database)).toBe(database);
    await expect(unlockVault(location, { secrets, password })).rejects.toThrow(WrongPassword);
    const reopened = await unlockVault(location, { secrets, password: 'a new password for 2025' });
    expect(listLogEntries(reopened.db, org).items).toHaveLength(8);
    reopened.lock();
  });

  it('needs the current password', async () => {
    const { location, secrets } = fixture();
    (await createVault(location, { secrets, password, kdf: testKdf })).lock();
    const before = sha256OfFile(vaultPaths(location).keyFile);
    await expect(changeVaultPassword(location, { secrets, password: 'guess', newPassword: 'x'.repeat(20) })).rejects.toThrow(WrongPassword);
    expect(sha256OfFile(vaultPaths(location).keyFile)).toBe(before);
  });
});

describe('sign-in after a password change on the server', () => {
  const newPassword = 'the new password from the server';

  it('opens with the accepted password as it is, without touching the key file', async () => {
    const { location, secrets } = fixture();
    (await createVault(location, { secrets, password, kdf: testKdf })).lock();
    const keyFile = sha256OfFile(vaultPaths(location).keyFile);
    const vault = await unlockVaultForSignIn(location, { secrets, password, previousPassword: 'not consulted at all' });
    vault.lock();
    expect(sha256OfFile(vaultPaths(location).keyFile)).toBe(keyFile);
  });

  it('asks for the previous password, and leaves the key file as it was', async () => {
    const { location, secrets } = fixture();
    (await createVault(location, { secrets, password, kdf: testKdf })).lock();
    const keyFile = sha256OfFile(vaultPaths(location).keyFile);
    const asked = await unlockVaultForSignIn(location, { secrets, password: newPassword }).catch((error: unknown) => error);
    expect(asked).toBeInstanceOf(PreviousPasswordNeeded);
    expect(asked).toMatchObject({ code: 'previous_password_needed', details: { tenantId: location.tenantId, previousPasswordRejected: false } });
    const wrong = await unlockVaultForSignIn(location, { secrets, password: newPassword, previousPassword: 'a wrong previous password' }).catch((error: unknown) => error);
    expect(wrong).toMatchObject({ code: 'previous_password_needed', details: { previousPasswordRejected: true } });
    expect(sha256OfFile(vaultPaths(location).keyFile)).toBe(keyFile);
  });

  it('re-wraps the data key under the new password with the previous one, keeping the data and the KDF cost', async () => {
    const { location, secrets } = fixture();
    const vault = await createVault(location, { secrets, password, kdf: testKdf });
    seedPlant(vault.db);
    vault.lock();
    const database = sha256OfFile(vaultPaths(location).database);
    const kdfBefore = JSON.parse(readFileSync(vaultPaths(location).keyFile, 'utf8')).kdf;
    const opened = await unlockVaultForSignIn(location, { secrets, password: newPassword, previousPassword: password });
    expect(listLogEntries(opened.db, org).items).toHaveLength(8);
    opened.lock();
    expect(sha256OfFile(vaultPaths(location).database)).toBe(database);
    const kdfAfter = JSON.parse(readFileSync(vaultPaths(location).keyFile, 'utf8')).kdf;
    expect({ ...kdfAfter, salt: undefined }).toEqual({ ...kdfBefore, salt: undefined });
    expect(kdfAfter.salt).not.toBe(kdfBefore.salt);
    await expect(unlockVault(location, { secrets, password })).rejects.toThrow(WrongPassword);
    (await unlockVault(location, { secrets, password: newPassword })).lock();
  });
});

describe('wipe', () => {
  it('leaves no tenant file, no WAL or SHM, no keychain item, even while open', async () => {
    const { location, secrets, profileDir } = fixture();
    const vault = await createVault(location, { secrets, password, kdf: testKdf });
    seedPlant(vault.db);
    expect(filesIn(profileDir).some((f) => f.endsWith('.db-wal'))).toBe(true);
    const report = await wipeVault(location, { secrets, open: vault });
    expect(vault.locked).toBe(true);
    expect(filesIn(profileDir)).toEqual([]);
    expect(await secrets.get(secretPurposes.deviceSecret(location.tenantId))).toBeNull();
    expect(await secrets.list()).toEqual([]);
    expect(report.keychainItemRemoved).toBe(true);
    expect(report.removedFiles[0]).toBe(vaultPaths(location).keyFile);
    await expect(unlockVault(location, { secrets, password })).rejects.toThrow(VaultNotFound);
  });

  it('wipes one tenant and leaves the others of the same user', async () => {
    const north = fixture();
    const south = { ...north.location, tenantId: 't-south' };
    const southSecrets = memorySecretStore(south);
    (await createVault(north.location, { secrets: north.secrets, password, kdf: testKdf })).lock();
    (await createVault(south, { secrets: southSecrets, password, kdf: testKdf })).lock();
    await wipeVault(north.location, { secrets: north.secrets });
    expect(listVaults(north.profileDir).map((v) => v.tenantId)).toEqual(['t-south']);
    (await unlockVault(south, { secrets: southSecrets, password })).lock();
  });

  it('still removes the files when the keychain is unreachable, then says so', async () => {
    const { location, secrets, profileDir } = fixture();
    (await createVault(location, { secrets, password, kdf: testKdf })).lock();
    const unreachable = { ...secrets, delete: () => Promise.reject(new KeychainUnavailable({ reason: 'unreachable' })) };
    await expect(wipeVault(location, { secrets: unreachable })).rejects.toThrow(KeychainUnavailable);
    expect(filesIn(profileDir)).toEqual([]);
  });
});

describe('listing caches', () => {
  it('lists the caches of a profile from their key files, per server and user', async () => {
    const { location, secrets, profileDir } = fixture();
    (await createVault(location, { secrets, password, kdf: testKdf })).lock();
    const south = { ...location, tenantId: 't-south' };
    (await createVault(south, { secrets: memorySecretStore(south), password, kdf: testKdf })).lock();
    expect(listVaults(profileDir).map((v) => v.tenantId).sort()).toEqual(['t-north', 't-south']);
    expect(listVaults(profileDir, { server: 'https://PLANT.example/', userId: 'u-alice' })).toHaveLength(2);
    expect(listVaults(profileDir, { userId: 'u-bob' })).toEqual([]);
  });
});
