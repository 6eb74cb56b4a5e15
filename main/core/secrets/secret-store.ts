/**
 * What the workstation keeps in the OS keychain, per (server, user, tenant, profile): the
 * session token and a random device secret (SECURITY.md). Two tenants or two profiles never
 * share an item: a token or secret of one can never open, or be stored for, another. Nothing behind this interface ever falls back
 * to a file: an implementation either reaches a real keychain or throws KeychainUnavailable.
 */
export type SecretPurpose = 'session-token' | `device-secret/${string}`;

export const secretPurposes = {
  sessionToken: 'session-token',
  deviceSecret: (tenantId: string): SecretPurpose => `device-secret/${checkIdentifier('tenantId', tenantId)}`,
} as const;

/** Whose secrets a store holds: one server (by origin), a user on it, one tenant, one profile. */
export interface SecretOwner {
  server: string;
  userId: string;
  tenantId: string;
  /** The profile folder's id (secret-owner.ts: profileIdOf). */
  profile: string;
}

export interface SecretStore {
  readonly owner: SecretOwner;
  /** The secret, or null when the keychain has no item for this purpose. */
  get(purpose: SecretPurpose): Promise<Buffer | null>;
  set(purpose: SecretPurpose, secret: Uint8Array): Promise<void>;
  /** True when an item was removed, false when there was none. */
  delete(purpose: SecretPurpose): Promise<boolean>;
  /** Every purpose this owner has an item for (to remove them all on wipe). */
  list(): Promise<SecretPurpose[]>;
}

/** The keychain service name every Plantdesk item is filed under. */
export const keychainService = 'plantdesk';

/**
 * A server is named by its origin (scheme, host, port), lower-cased, so that
 * `https://Plant.example/` and `https://plant.example` share one set of secrets.
 */
export function normalizeServer(server: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new TypeError(`not a server URL: ${JSON.stringify(server)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`not an http(s) server URL: ${server}`);
  return url.origin.toLowerCase();
}

/** Ids become parts of keychain accounts and file-name hashes: printable, no separators. */
const identifier = /^[A-Za-z0-9._:@+-]{1,200}$/;

function isIdentifier(value: string): boolean {
  return identifier.test(value);
}

export function checkIdentifier(name: string, value: string): string {
  if (!isIdentifier(value)) throw new TypeError(`${name} must be 1-200 characters of [A-Za-z0-9._:@+-]`);
  return value;
}

const accountSeparator = '|';

/** The owner with its server normalised and its ids checked (they become parts of account names). */
export function normalizeOwner(owner: SecretOwner): SecretOwner {
  return {
    server: normalizeServer(owner.server),
    userId: checkIdentifier('userId', owner.userId),
    tenantId: checkIdentifier('tenantId', owner.tenantId),
    profile: checkIdentifier('profile', owner.profile),
  };
}

export function sameOwner(a: SecretOwner, b: SecretOwner): boolean {
  return a.server === b.server && a.userId === b.userId && a.tenantId === b.tenantId && a.profile === b.profile;
}

/**
 * `https://plant.example|<userId>|<tenantId>|<profile>|<purpose>`: readable in a keychain
 * browser, no email or folder path in it.
 */
export function keychainAccount(owner: SecretOwner, purpose: SecretPurpose): string {
  const o = normalizeOwner(owner);
  return [o.server, o.userId, o.tenantId, o.profile, purpose].join(accountSeparator);
}

/** The purpose back from an account name, or null when the account belongs to another owner. */
export function purposeOfAccount(owner: SecretOwner, account: string): SecretPurpose | null {
  const o = normalizeOwner(owner);
  const prefix = [o.server, o.userId, o.tenantId, o.profile, ''].join(accountSeparator);
  if (!account.startsWith(prefix)) return null;
  const purpose = account.slice(prefix.length);
  if (purpose === secretPurposes.sessionToken) return purpose;
  const tenantId = purpose.startsWith('device-secret/') ? purpose.slice('device-secret/'.length) : '';
  return isIdentifier(tenantId) ? secretPurposes.deviceSecret(tenantId) : null;
}
