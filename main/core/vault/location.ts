import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { checkIdentifier, normalizeServer } from '../secrets/secret-store';
import { sqliteSidecars, stagingSidecars } from '../store/files';

/** One tenant's cache: whose it is and which profile it lives in. */
export interface VaultLocation {
  /** The workstation profile directory (`--profile`, or the OS app-data folder). */
  profileDir: string;
  server: string;
  userId: string;
  tenantId: string;
}

export interface VaultPaths {
  /** `<profile>/vaults`, 0700. */
  dir: string;
  /** 32 hex digits naming the files; derived from server, user and tenant, revealing none of them. */
  id: string;
  database: string;
  /** SQLite's sidecars of the database. */
  sidecars: string[];
  keyFile: string;
  /** A first sync's store while it is built (with its sidecars); never opened as the cache. */
  staging: string;
  /** Its sidecars, and the full-text index built beside it with that file's own. */
  stagingSidecars: string[];
}

export const vaultsDirName = 'vaults';

export function normalizeLocation(location: VaultLocation): VaultLocation {
  return {
    profileDir: location.profileDir,
    server: normalizeServer(location.server),
    userId: checkIdentifier('userId', location.userId),
    tenantId: checkIdentifier('tenantId', location.tenantId),
  };
}

export function vaultId(location: VaultLocation): string {
  const { server, userId, tenantId } = normalizeLocation(location);
  return createHash('sha256').update(`plantdesk vault v1\n${server}\n${userId}\n${tenantId}`).digest('hex').slice(0, 32);
}

export function vaultPaths(location: VaultLocation): VaultPaths {
  const dir = join(location.profileDir, vaultsDirName);
  const id = vaultId(location);
  const database = join(dir, `${id}.db`);
  const staging = join(dir, `${id}.staging.db`);
  return {
    dir,
    id,
    database,
    sidecars: sqliteSidecars(database),
    keyFile: join(dir, `${id}.key.json`),
    staging,
    stagingSidecars: stagingSidecars(staging),
  };
}
