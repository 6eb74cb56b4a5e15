import type { SqliteDatabase } from '../open';
import { get, statement } from './statements';

/**
 * The one row a cache keeps about its own sign-in: the signed grant, the person and their
 * memberships as the server last answered them, and the latest time the cache has seen (its
 * guard against a clock turned back).
 */

export interface StoredSignIn {
  signedGrant: string;
  user: string;
  memberships: string;
}

export function saveStoredSignIn(db: SqliteDatabase, signIn: StoredSignIn, at: Date): void {
  statement(
    db,
    `INSERT INTO workstation_session (id, signed_grant, user, memberships, updated_at) VALUES (1, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET signed_grant = excluded.signed_grant, user = excluded.user,
       memberships = excluded.memberships, updated_at = excluded.updated_at`,
  ).run(signIn.signedGrant, signIn.user, signIn.memberships, at.toISOString());
}

/** The stored row as it is (unchecked: the caller validates what it reads). */
export function readStoredSignIn(db: SqliteDatabase): unknown {
  return get(db, 'SELECT signed_grant, user, memberships FROM workstation_session WHERE id = 1', []);
}

export function readClockHighWater(db: SqliteDatabase): string | null {
  return get<{ clock_high_water: string | null }>(db, 'SELECT clock_high_water FROM workstation_session WHERE id = 1', [])?.clock_high_water ?? null;
}

export function writeClockHighWater(db: SqliteDatabase, at: Date): void {
  statement(db, 'UPDATE workstation_session SET clock_high_water = ? WHERE id = 1').run(at.toISOString());
}
