import { secretOwnerOf } from '../../../../main/core/secrets/secret-owner';
import { normalizeOwner, type SecretOwner, type SecretPurpose, type SecretStore } from '../../../../main/core/secrets/secret-store';

type Place = { profileDir: string; server: string; userId: string; tenantId: string };

/**
 * A SecretStore in a Map, for tests that are about the vault's crypto and files rather than
 * the keychain (those run against a real Secret Service). Never part of the app: the app has no
 * store that does not reach the OS keychain.
 */
export function memorySecretStore(owner: SecretOwner | Place, items = new Map<SecretPurpose, Buffer>()): SecretStore & { items: Map<SecretPurpose, Buffer> } {
  return {
    owner: normalizeOwner('profileDir' in owner ? secretOwnerOf(owner) : owner),
    items,
    async get(purpose) {
      const value = items.get(purpose);
      return value ? Buffer.from(value) : null;
    },
    async set(purpose, secret) {
      items.set(purpose, Buffer.from(secret));
    },
    async delete(purpose) {
      return items.delete(purpose);
    },
    async list() {
      return [...items.keys()];
    },
  };
}
