import type { KeychainOp, KeychainOpResult } from './keychain';

/** The part of @napi-rs/keyring the operations use. */
export interface KeyringModule {
  Entry: new (service: string, account: string, options?: unknown) => {
    getSecret(): number[] | Uint8Array | null;
    setSecret(secret: Uint8Array): void;
    deleteCredential(): boolean;
  };
  findCredentials(service: string): { account: string }[];
}

/**
 * One batch of keychain operations, for hosts that load @napi-rs/keyring as a module (the
 * Electron utilityProcess helper). Same semantics as keychainHelperSource, which must stay a
 * loader-free string for plain child processes.
 */
export function runKeychainOps(keyring: KeyringModule, service: string, ops: readonly KeychainOp[]): KeychainOpResult[] {
  const options = process.platform === 'linux' ? { linux: { store: 'secret-service' } } : undefined;
  return ops.map((op) => {
    if (op.op === 'list') return { accounts: keyring.findCredentials(service).map((c) => c.account) };
    const entry = new keyring.Entry(service, op.account, options);
    if (op.op === 'get') {
      const secret = entry.getSecret();
      return { secret: secret === null ? null : Buffer.from(secret).toString('base64') };
    }
    if (op.op === 'set') {
      entry.setSecret(Buffer.from(op.secret, 'base64'));
      return {};
    }
    return { deleted: entry.deleteCredential() };
  });
}
