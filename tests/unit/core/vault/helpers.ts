import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecretStore } from '../../../../main/core/secrets/secret-store';
import type { ScryptParams } from '../../../../main/core/vault/key-wrap';
import type { VaultLocation } from '../../../../main/core/vault/location';
import { memorySecretStore } from '../secrets/memory-secret-store';

/** A cheaper scrypt cost for tests that are not about the cost itself (still within bounds). */
export const testKdf: ScryptParams = { name: 'scrypt', N: 2 ** 14, r: 8, p: 1 };

export const password = 'correct horse battery staple';

export interface VaultFixture {
  location: VaultLocation;
  secrets: SecretStore & { items?: Map<string, Buffer> };
  profileDir: string;
  cleanup: () => void;
}

export function vaultFixture(secrets?: (place: VaultLocation) => SecretStore, tenantId = 't-north'): VaultFixture {
  const profileDir = mkdtempSync(join(tmpdir(), 'plantdesk-vault-'));
  const location: VaultLocation = { profileDir, server: 'https://plant.example', userId: 'u-alice', tenantId };
  return {
    location,
    secrets: secrets ? secrets(location) : memorySecretStore(location),
    profileDir,
    cleanup: () => rmSync(profileDir, { recursive: true, force: true }),
  };
}

export function sha256OfFile(path: string): string | null {
  return existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex') : null;
}

/** Every file under the profile, relative, sorted. */
export function filesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1))
    .sort();
}
