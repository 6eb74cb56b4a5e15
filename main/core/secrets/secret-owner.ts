import { createHash } from 'node:crypto';
import path from 'node:path';
import type { SecretOwner } from './secret-store';

/**
 * A profile in keychain item names: a short hash of its folder's absolute path. Two profiles
 * of one account (the app's and a CLI `--profile`, or two app profiles) then never share an
 * item, and no folder path (which may name a person) is written into the keychain.
 */
export function profileIdOf(profileDir: string): string {
  return createHash('sha256').update(path.resolve(profileDir), 'utf8').digest('hex').slice(0, 16);
}

/** The keychain owner of one cache: its server, user, tenant and profile. */
export function secretOwnerOf(place: { profileDir: string; server: string; userId: string; tenantId: string }): SecretOwner {
  return { server: place.server, userId: place.userId, tenantId: place.tenantId, profile: profileIdOf(place.profileDir) };
}
