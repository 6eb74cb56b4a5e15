import { openSync, readFileSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { secretPurposes } from '../../../main/core/secrets/secret-store';
import { vaultPaths } from '../../../main/core/vault/location';
import { createVault, unlockVault, wipeVault } from '../../../main/core/vault/vault';
import { seedPlant } from '../../unit/core/store/fixture';
import { filesIn, password, sha256OfFile, testKdf, vaultFixture, type VaultFixture } from '../../unit/core/vault/helpers';

/** Damaged or half-written files: a typed error that says what to do, never a crash or a wrong verdict. */
let fixtures: VaultFixture[] = [];
afterEach(() => {
  for (const f of fixtures) f.cleanup();
  fixtures = [];
});

async function lockedVault(): Promise<VaultFixture> {
  const f = vaultFixture();
  fixtures.push(f);
  const vault = await createVault(f.location, { secrets: f.secrets, password, kdf: testKdf });
  seedPlant(vault.db);
  vault.lock();
  return f;
}

describe('damaged vault files', () => {
  it('a truncated key file: StoreCorrupt, not WrongPassword, and the database is left as it was', async () => {
    const f = await lockedVault();
    const paths = vaultPaths(f.location);
    const text = readFileSync(paths.keyFile, 'utf8');
    writeFileSync(paths.keyFile, text.slice(0, text.length / 2));
    const before = sha256OfFile(paths.database);
    await expect(unlockVault(f.location, { secrets: f.secrets, password })).rejects.toMatchObject({ code: 'store_corrupt' });
    expect(sha256OfFile(paths.database)).toBe(before);
  });

  it('a key file that is not JSON at all: StoreCorrupt', async () => {
    const f = await lockedVault();
    writeFileSync(vaultPaths(f.location).keyFile, Buffer.from([0xff, 0xfe, 0x00, 0x01]));
    await expect(unlockVault(f.location, { secrets: f.secrets, password })).rejects.toMatchObject({ code: 'store_corrupt' });
  });

  it('a damaged first page of the database: StoreCorrupt after the key is proven', async () => {
    const f = await lockedVault();
    const fd = openSync(vaultPaths(f.location).database, 'r+');
    writeSync(fd, Buffer.alloc(64, 0xaa), 0, 64, 100);
    closeSync(fd);
    await expect(unlockVault(f.location, { secrets: f.secrets, password })).rejects.toMatchObject({ code: 'store_corrupt' });
  });

  it('the database gone but the key file left: StoreCorrupt, not an empty cache', async () => {
    const f = await lockedVault();
    rmSync(vaultPaths(f.location).database);
    await expect(unlockVault(f.location, { secrets: f.secrets, password })).rejects.toMatchObject({ code: 'store_corrupt' });
    expect(filesIn(f.profileDir).some((name) => name.endsWith('.db'))).toBe(false);
  });

  it('a keychain item of the wrong length: DeviceSecretMissing', async () => {
    const f = await lockedVault();
    await f.secrets.set(secretPurposes.deviceSecret(f.location.tenantId), Buffer.from('short'));
    await expect(unlockVault(f.location, { secrets: f.secrets, password })).rejects.toMatchObject({ code: 'device_secret_missing' });
  });

  it('a temp file left by an interrupted key-file write: the vault still opens, and wipe removes it', async () => {
    const f = await lockedVault();
    const paths = vaultPaths(f.location);
    writeFileSync(`${paths.keyFile}.tmp-999-1`, '{"half": ');
    (await unlockVault(f.location, { secrets: f.secrets, password })).lock();
    await wipeVault(f.location, { secrets: f.secrets });
    expect(filesIn(f.profileDir)).toEqual([]);
  });

  it('a failure half way through creation leaves no file and no keychain item', async () => {
    const f = vaultFixture();
    fixtures.push(f);
    // Passes the keychain step, then the key-file step refuses the parameters.
    await expect(createVault(f.location, { secrets: f.secrets, password, kdf: { name: 'scrypt', N: 3000, r: 8, p: 1 } })).rejects.toThrow();
    expect(filesIn(f.profileDir)).toEqual([]);
    expect(await f.secrets.list()).toEqual([]);
  });
});
