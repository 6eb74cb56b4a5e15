import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { secretPurposes } from '../../../main/core/secrets/secret-store';
import { openStoreDatabase } from '../../../main/core/store/open';
import { cipherPragmas, pageCipherOf } from '../../../main/core/store/page-cipher';
import { upsertRows, type WritableRow } from '../../../main/core/store/writes';
import { vaultPaths } from '../../../main/core/vault/location';
import { createVault, unlockVault, type UnlockedVault } from '../../../main/core/vault/vault';
import { seedPlant } from '../../unit/core/store/fixture';
import { memorySecretStore } from '../../unit/core/secrets/memory-secret-store';
import { password, testKdf, vaultFixture, type VaultFixture } from '../../unit/core/vault/helpers';

/**
 * A stolen workstation: what the files alone give away. The known entry body below is written
 * through the store and then searched for in the raw bytes of the database and its WAL.
 */
const knownBody = 'CANARY-7f3a9c Reactor R2 bypass valve left open by night shift';

const canaryEntry: WritableRow<'log_entry'> = {
  id: 'e-canary',
  shift_log_id: 's2',
  area_id: 'a-boiler',
  equipment_tag: 'XV-CANARY',
  category: 'safety',
  severity: 'critical',
  body: knownBody,
  occurred_at: '2024-03-01T23:00:00.000Z',
  recorded_at: '2024-03-01T23:01:00.000Z',
  author_id: 'u-alice',
};

let fixtures: VaultFixture[] = [];
let open: UnlockedVault[] = [];
afterEach(() => {
  for (const v of open) v.lock();
  for (const f of fixtures) f.cleanup();
  fixtures = [];
  open = [];
});

async function vaultWithCanary(): Promise<{ f: VaultFixture; vault: UnlockedVault }> {
  const f = vaultFixture();
  fixtures.push(f);
  const vault = await createVault(f.location, { secrets: f.secrets, password, kdf: testKdf });
  open.push(vault);
  seedPlant(vault.db);
  vault.db.transaction(() => upsertRows(vault.db, 'log_entry', [canaryEntry]))();
  return { f, vault };
}

const needles = ['CANARY-7f3a9c', 'canary', 'Reactor R2 bypass', 'XV-CANARY', 'alice@northfield.example', 'Northfield Plant', 'SQLite format 3'];

function containsAny(bytes: Buffer): string[] {
  return needles.filter((n) => bytes.includes(Buffer.from(n, 'utf8')) || bytes.includes(Buffer.from(n.toLowerCase(), 'utf8')) || bytes.includes(Buffer.from(n, 'utf16le')));
}

describe('encryption at rest', () => {
  it('the database header is not "SQLite format 3"', async () => {
    const { f } = await vaultWithCanary();
    const header = readFileSync(vaultPaths(f.location).database).subarray(0, 16);
    expect(header.toString('latin1')).not.toBe('SQLite format 3\u0000');
  });

  it('the database and its WAL hold no known text, while open and after closing', async () => {
    const { f, vault } = await vaultWithCanary();
    const paths = vaultPaths(f.location);
    const wal = readFileSync(`${paths.database}-wal`);
    expect(wal.length).toBeGreaterThan(0);
    expect(containsAny(wal)).toEqual([]);
    expect(containsAny(readFileSync(paths.database))).toEqual([]);
    expect(containsAny(readFileSync(`${paths.database}-shm`))).toEqual([]);
    vault.db.pragma('wal_checkpoint(TRUNCATE)');
    vault.lock();
    expect(containsAny(readFileSync(paths.database))).toEqual([]);
  });

  it('the search would see the text if it were there: the same rows in a store without a key show it', async () => {
    const { f } = await vaultWithCanary();
    const plainPath = `${f.profileDir}/control/plain.db`;
    const plain = openStoreDatabase({ path: plainPath, cipher: { kind: 'none' } });
    seedPlant(plain);
    plain.transaction(() => upsertRows(plain, 'log_entry', [canaryEntry]))();
    expect(containsAny(readFileSync(`${plainPath}-wal`))).toContain('CANARY-7f3a9c');
    plain.close();
    expect(containsAny(readFileSync(plainPath))).toEqual(expect.arrayContaining(['CANARY-7f3a9c', 'SQLite format 3']));
  });

  it('plain SQLite cannot open it', async () => {
    const { f, vault } = await vaultWithCanary();
    vault.lock();
    const copy = `${f.profileDir}/stolen.db`;
    copyFileSync(vaultPaths(f.location).database, copy);
    const plain = new Database(copy);
    expect(() => plain.prepare('SELECT count(*) FROM sqlite_schema').get()).toThrow(/not a database/);
    plain.close();
  });

  it('a guessed key with the right cipher cannot open it', async () => {
    const { f, vault } = await vaultWithCanary();
    vault.lock();
    const db = new Database(vaultPaths(f.location).database, { readonly: true });
    const cipher = pageCipherOf(vaultPaths(f.location).database);
    expect(cipher).toBe('aegis-256');
    for (const pragma of cipherPragmas(cipher)) db.pragma(pragma);
    db.pragma(`key = "x'${'00'.repeat(32)}'"`);
    expect(() => db.prepare('SELECT count(*) FROM sqlite_schema').get()).toThrow(/not a database/);
    db.close();
  });
});

describe('the file alone, the keychain alone, or the password alone opens nothing', () => {
  it('key file + database + password, without the keychain item: refused', async () => {
    const { f, vault } = await vaultWithCanary();
    vault.lock();
    await f.secrets.delete(secretPurposes.deviceSecret(f.location.tenantId));
    await expect(unlockVault(f.location, { secrets: f.secrets, password })).rejects.toMatchObject({ code: 'device_secret_missing' });
  });

  it('key file + database + keychain item, without the password: refused', async () => {
    const { f, vault } = await vaultWithCanary();
    vault.lock();
    for (const guess of ['', 'password', 'correct horse battery', `${password} `]) {
      await expect(unlockVault(f.location, { secrets: f.secrets, password: guess })).rejects.toMatchObject({ code: 'wrong_password' });
    }
  });

  it("another tenant's key file put in its place: refused", async () => {
    const { f, vault } = await vaultWithCanary();
    vault.lock();
    const south = { ...f.location, tenantId: 't-south' };
    (await createVault(south, { secrets: memorySecretStore(south), password, kdf: testKdf })).lock();
    // Renamed into place: the file says whose it is.
    copyFileSync(vaultPaths(south).keyFile, vaultPaths(f.location).keyFile);
    await expect(unlockVault(f.location, { secrets: f.secrets, password })).rejects.toMatchObject({ code: 'store_corrupt' });
    // Edited to claim to be the right one: the GCM tag covers the header.
    const keyFile = JSON.parse(readFileSync(vaultPaths(south).keyFile, 'utf8'));
    writeFileSync(vaultPaths(f.location).keyFile, JSON.stringify({ ...keyFile, tenantId: 't-north', vaultId: vaultPaths(f.location).id }));
    await expect(unlockVault(f.location, { secrets: f.secrets, password })).rejects.toMatchObject({ code: 'wrong_password' });
  });

  it('with all three: opens', async () => {
    const { f, vault } = await vaultWithCanary();
    vault.lock();
    const reopened = await unlockVault(f.location, { secrets: f.secrets, password });
    open.push(reopened);
    expect(reopened.db.prepare(`SELECT body FROM log_entry WHERE id = 'e-canary'`).get()).toEqual({ body: knownBody });
  });
});
