import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { KeychainUnavailable } from '../secrets/errors';
import { secretOwnerOf } from '../secrets/secret-owner';
import { normalizeOwner, normalizeServer, sameOwner, secretPurposes, type SecretStore } from '../secrets/secret-store';
import { StoreCorrupt } from '../store/errors';
import { ensurePrivateDir, fsyncDir, writeFileAtomic } from '../store/files';
import { attachStaging, detachStaging } from '../store/bulk-load/carry-over';
import { openStoreDatabase, type SqliteDatabase } from '../store/open';
import { pageCipherOf, pageKey, type PageKey } from '../store/page-cipher';
import { DeviceSecretMissing, PreviousPasswordNeeded, VaultExists, VaultLocked, VaultNotFound, WrongPassword } from './errors';
import { deriveKek, KeyFileSchema, newKeyFileHeader, unwrapDataKey, wrapDataKey, type KeyFile, type ScryptParams } from './key-wrap';
import { normalizeLocation, vaultPaths, vaultsDirName, type VaultLocation, type VaultPaths } from './location';

/**
 * A tenant's encrypted cache on this workstation: the SQLite file, its key file, and the
 * device secret in the keychain. Creating needs the password and a reachable keychain; opening
 * needs both again; locking forgets the key; wiping destroys all three.
 */
export interface VaultAccess {
  /** The keychain of this vault's (server, user): its SecretStore owner must match. */
  secrets: SecretStore;
  password: string;
}

export interface CreateVaultOptions extends VaultAccess {
  /** Tests only: a cheaper scrypt cost (still within the bounds key-wrap enforces). */
  kdf?: ScryptParams;
}

/**
 * An open (unlocked) cache. Its `db` throws VaultLocked once locked.
 *
 * It keeps a copy of the data key while unlocked (zeroed on lock), for the two things that need
 * the cache's key after opening: keying the connection a first sync builds its new store on,
 * and opening that store as the cache once it is complete. SQLite holds the same key for as
 * long as the cache is open; the copy never leaves this object except as a key literal handed
 * to the builder's thread, which zeroes it once SQLite has it.
 */
export class UnlockedVault {
  readonly location: VaultLocation;
  readonly paths: VaultPaths;
  #db: SqliteDatabase | null;
  #dataKey: Buffer | null;

  constructor(location: VaultLocation, paths: VaultPaths, db: SqliteDatabase, dataKey: Uint8Array) {
    this.location = location;
    this.paths = paths;
    this.#db = db;
    this.#dataKey = Buffer.from(dataKey);
  }

  get locked(): boolean {
    return this.#db === null;
  }

  /** The open database; the named queries in store/queries take it. */
  get db(): SqliteDatabase {
    if (this.#db === null) throw new VaultLocked();
    return this.#db;
  }

  /** Opens another store file under this cache's key and schema (a first sync's staging store). */
  openWithCacheKey(path: string, options: { pageSize?: number } = {}): SqliteDatabase {
    return openStoreDatabase({ path, cipher: { kind: 'encrypted', dataKey: this.#key() }, backgroundCheckpoints: false, pageSize: options.pageSize });
  }

  /** The key of a store file made with openWithCacheKey, for a thread of its own; the receiver zeroes it. */
  keyForThread(path: string): PageKey {
    return pageKey(this.#key(), pageCipherOf(path));
  }

  /**
   * Makes a finished staging store the cache: `carryOver` runs on the cache's connection with
   * the staging file attached as `fresh`, then the cache closes, the staging file is renamed over
   * it (atomic: a crash leaves the old cache or the new one, never a mix) and opened. Nothing
   * else runs on the core's thread in between, so no local write falls between the two.
   */
  replaceWith(stagingPath: string, carryOver: (db: SqliteDatabase) => void): void {
    const db = this.db;
    const dataKey = this.#key();
    attachStaging(db, stagingPath, pageKey(dataKey, pageCipherOf(stagingPath)), pageCipherOf(this.paths.database));
    try {
      carryOver(db);
    } finally {
      detachStaging(db);
    }
    this.#db = null;
    db.close();
    // A clean close has checkpointed and removed the old file's WAL; none may outlive it.
    removeFiles(this.paths.sidecars);
    renameSync(stagingPath, this.paths.database);
    fsyncDir(this.paths.dir);
    this.#db = openStoreDatabase({ path: this.paths.database, cipher: { kind: 'encrypted', dataKey } });
  }

  /**
   * Closes the database, which makes SQLite free (and its cipher zero) the key schedule, and
   * zeroes this object's copy of the key. Idempotent.
   */
  lock(): void {
    const db = this.#db;
    this.#db = null;
    this.#dataKey?.fill(0);
    this.#dataKey = null;
    if (db?.open) db.close();
  }

  #key(): Buffer {
    if (this.#dataKey === null) throw new VaultLocked();
    return this.#dataKey;
  }
}

function checkOwner(location: VaultLocation, secrets: SecretStore): void {
  if (!sameOwner(secrets.owner, normalizeOwner(secretOwnerOf(location)))) {
    throw new TypeError('the secret store belongs to another server, user, tenant or profile than the vault');
  }
}

export function vaultExists(location: VaultLocation): boolean {
  return existsSync(vaultPaths(normalizeLocation(location)).keyFile);
}

function readKeyFile(paths: VaultPaths, location: VaultLocation): KeyFile {
  let text: string;
  try {
    text = readFileSync(paths.keyFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new VaultNotFound(location.tenantId);
    throw error;
  }
  let parsed: KeyFile;
  try {
    parsed = KeyFileSchema.parse(JSON.parse(text));
  } catch {
    throw new StoreCorrupt({ reason: 'unreadable', detail: 'the key file is not a valid Plantdesk key file' });
  }
  if (parsed.vaultId !== paths.id || parsed.server !== location.server || parsed.userId !== location.userId || parsed.tenantId !== location.tenantId) {
    throw new StoreCorrupt({ reason: 'unreadable', detail: 'the key file belongs to another server, user or tenant' });
  }
  return parsed;
}

async function deviceSecretOf(secrets: SecretStore, tenantId: string): Promise<Buffer> {
  const secret = await secrets.get(secretPurposes.deviceSecret(tenantId));
  if (secret === null) throw new DeviceSecretMissing(tenantId);
  if (secret.length !== 32) {
    secret.fill(0);
    throw new DeviceSecretMissing(tenantId);
  }
  return secret;
}

/** The data key, proven by the GCM tag before anything touches the database file. */
async function unwrapWith(access: VaultAccess, keyFile: KeyFile, tenantId: string): Promise<Buffer> {
  const deviceSecret = await deviceSecretOf(access.secrets, tenantId);
  let kek: Buffer | null = null;
  try {
    kek = await deriveKek(access.password, deviceSecret, keyFile.kdf);
    const dataKey = unwrapDataKey(kek, keyFile);
    if (dataKey === null) throw new WrongPassword();
    return dataKey;
  } finally {
    deviceSecret.fill(0);
    kek?.fill(0);
  }
}

function removeFiles(paths: string[]): string[] {
  const removed: string[] = [];
  for (const path of paths) {
    if (existsSync(path)) {
      rmSync(path, { force: true });
      removed.push(path);
    }
  }
  return removed;
}

/** Leftovers of an interrupted key-file write (`<keyFile>.tmp-*`). */
function keyFileTemps(paths: VaultPaths): string[] {
  if (!existsSync(paths.dir)) return [];
  const prefix = `${basename(paths.keyFile)}.tmp-`;
  return readdirSync(paths.dir)
    .filter((name) => name.startsWith(prefix))
    .map((name) => join(paths.dir, name));
}

/**
 * Creates a tenant's cache: a new device secret in the keychain (first, so an unreachable
 * keychain stops everything before a file exists), a new data key wrapped into the key file,
 * the encrypted database with its schema. A failure half way leaves nothing behind.
 */
export async function createVault(location: VaultLocation, options: CreateVaultOptions): Promise<UnlockedVault> {
  const loc = normalizeLocation(location);
  checkOwner(loc, options.secrets);
  const paths = vaultPaths(loc);
  if (existsSync(paths.keyFile)) throw new VaultExists(loc.tenantId);
  ensurePrivateDir(paths.dir);
  // A database without its key file can never be opened again: clear it away.
  removeFiles([paths.database, ...paths.sidecars, paths.staging, ...paths.stagingSidecars, ...keyFileTemps(paths)]);

  const deviceSecret = randomBytes(32);
  const dataKey = randomBytes(32);
  const purpose = secretPurposes.deviceSecret(loc.tenantId);
  let kek: Buffer | null = null;
  try {
    await options.secrets.set(purpose, deviceSecret);
    const header = newKeyFileHeader({ vaultId: paths.id, server: loc.server, userId: loc.userId, tenantId: loc.tenantId }, options.kdf);
    kek = await deriveKek(options.password, deviceSecret, header.kdf);
    const keyFile = wrapDataKey(kek, dataKey, header);
    writeFileAtomic(paths.keyFile, `${JSON.stringify(keyFile, null, 2)}\n`);
    const db = openStoreDatabase({ path: paths.database, cipher: { kind: 'encrypted', dataKey } });
    return new UnlockedVault(loc, paths, db, dataKey);
  } catch (error) {
    removeFiles([paths.keyFile, paths.database, ...paths.sidecars, ...keyFileTemps(paths)]);
    if (!(error instanceof KeychainUnavailable)) await options.secrets.delete(purpose).catch(() => false);
    throw error;
  } finally {
    deviceSecret.fill(0);
    dataKey.fill(0);
    kek?.fill(0);
  }
}

/**
 * Opens a tenant's cache with the password and this workstation's device secret (offline
 * unlock: the password is checked by unwrapping, there is no separate verifier).
 * WrongPassword leaves the database file untouched: it is not opened until the key is proven.
 */
export async function unlockVault(location: VaultLocation, access: VaultAccess): Promise<UnlockedVault> {
  const loc = normalizeLocation(location);
  checkOwner(loc, access.secrets);
  const paths = vaultPaths(loc);
  const keyFile = readKeyFile(paths, loc);
  const dataKey = await unwrapWith(access, keyFile, loc.tenantId);
  try {
    if (!existsSync(paths.database)) throw new StoreCorrupt({ reason: 'unreadable', detail: 'the database file is missing' });
    // A store a first sync was building when the app stopped is never used: it is built again.
    removeFiles([paths.staging, ...paths.stagingSidecars]);
    const db = openStoreDatabase({ path: paths.database, cipher: { kind: 'encrypted', dataKey } });
    return new UnlockedVault(loc, paths, db, dataKey);
  } finally {
    dataKey.fill(0);
  }
}

/**
 * Checks the password against the key file without opening anything (the re-entry a
 * signature asks for, online or offline): WrongPassword when it does not unwrap the data key.
 */
export async function verifyVaultPassword(location: VaultLocation, access: VaultAccess): Promise<void> {
  const loc = normalizeLocation(location);
  checkOwner(loc, access.secrets);
  const paths = vaultPaths(loc);
  const dataKey = await unwrapWith(access, readKeyFile(paths, loc), loc.tenantId);
  dataKey.fill(0);
}

/**
 * Re-wraps the data key under a new password (fresh salt and IV, same device secret); the
 * database is not touched. WrongPassword when the current one does not unwrap it.
 */
export async function changeVaultPassword(
  location: VaultLocation,
  access: VaultAccess & { newPassword: string; kdf?: ScryptParams },
): Promise<void> {
  const loc = normalizeLocation(location);
  checkOwner(loc, access.secrets);
  const paths = vaultPaths(loc);
  const keyFile = readKeyFile(paths, loc);
  const dataKey = await unwrapWith(access, keyFile, loc.tenantId);
  const deviceSecret = await deviceSecretOf(access.secrets, loc.tenantId);
  let kek: Buffer | null = null;
  try {
    const header = newKeyFileHeader(
      { vaultId: paths.id, server: loc.server, userId: loc.userId, tenantId: loc.tenantId },
      access.kdf ?? { name: 'scrypt', N: keyFile.kdf.N, r: keyFile.kdf.r, p: keyFile.kdf.p },
    );
    kek = await deriveKek(access.newPassword, deviceSecret, header.kdf);
    writeFileAtomic(paths.keyFile, `${JSON.stringify(wrapDataKey(kek, dataKey, header, new Date(keyFile.createdAt)), null, 2)}\n`);
  } finally {
    dataKey.fill(0);
    deviceSecret.fill(0);
    kek?.fill(0);
  }
}

/**
 * Opens a tenant's cache for an online sign-in, where the server has just accepted `password`.
 * When the key file is still wrapped under an earlier password (changed or reset on the
 * server), the data key is re-wrapped under the accepted one with `previousPassword`: the
 * database, with its pending outbox, is kept as it is. Without a previous password, or with one
 * that does not open it either, PreviousPasswordNeeded (the key file is left unchanged).
 * Only for a password the server has verified: offline unlock keeps to unlockVault.
 */
export async function unlockVaultForSignIn(
  location: VaultLocation,
  access: VaultAccess & { previousPassword?: string },
): Promise<UnlockedVault> {
  try {
    return await unlockVault(location, access);
  } catch (error) {
    if (!(error instanceof WrongPassword)) throw error;
  }
  const tenantId = normalizeLocation(location).tenantId;
  if (access.previousPassword === undefined || access.previousPassword === access.password) throw new PreviousPasswordNeeded(tenantId, false);
  try {
    await changeVaultPassword(location, { secrets: access.secrets, password: access.previousPassword, newPassword: access.password });
  } catch (error) {
    if (error instanceof WrongPassword) throw new PreviousPasswordNeeded(tenantId, true);
    throw error;
  }
  return unlockVault(location, access);
}

export interface WipeReport {
  /** Every file removed (key file first: once it is gone the data is unreadable). */
  removedFiles: string[];
  /** Whether the keychain held a device secret that was removed. */
  keychainItemRemoved: boolean;
}

/**
 * "Remove this workstation's data" for one tenant, or the verdict of a deactivated/removed
 * user: locks the vault if open, deletes the key file (crypto-shred), the database and its
 * sidecars, then the device secret. Files go even when the keychain cannot be reached; that
 * KeychainUnavailable is then thrown, after the files are gone.
 */
export async function wipeVault(location: VaultLocation, options: { secrets: SecretStore; open?: UnlockedVault | null }): Promise<WipeReport> {
  const loc = normalizeLocation(location);
  checkOwner(loc, options.secrets);
  const paths = vaultPaths(loc);
  options.open?.lock();
  const removedFiles = removeFiles([paths.keyFile, ...keyFileTemps(paths), paths.database, ...paths.sidecars, paths.staging, ...paths.stagingSidecars]);
  if (existsSync(paths.dir)) fsyncDir(paths.dir);
  const keychainItemRemoved = await options.secrets.delete(secretPurposes.deviceSecret(loc.tenantId));
  return { removedFiles, keychainItemRemoved };
}

export interface VaultListing extends VaultLocation {
  vaultId: string;
  createdAt: string;
}

/**
 * The caches in a profile, from their key files (for "tenants of this user" while offline).
 * Files that are not valid key files are skipped.
 */
export function listVaults(profileDir: string, filter: { server?: string; userId?: string } = {}): VaultListing[] {
  const dir = join(profileDir, vaultsDirName);
  if (!existsSync(dir)) return [];
  const listings: VaultListing[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.key.json')) continue;
    try {
      const keyFile = KeyFileSchema.parse(JSON.parse(readFileSync(join(dir, name), 'utf8')));
      const location = { profileDir, server: keyFile.server, userId: keyFile.userId, tenantId: keyFile.tenantId };
      if (vaultPaths(location).keyFile !== join(dir, name)) continue;
      listings.push({ ...location, vaultId: keyFile.vaultId, createdAt: keyFile.createdAt });
    } catch {
      continue;
    }
  }
  const server = filter.server === undefined ? undefined : normalizeServer(filter.server);
  return listings
    .filter((v) => (server === undefined || v.server === server) && (filter.userId === undefined || v.userId === filter.userId))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}
