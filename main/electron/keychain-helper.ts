// Runs in an Electron utilityProcess (a packaged app cannot start plain Node: the RunAsNode
// fuse is off): one batch of keychain operations per process, so a keychain call that hangs
// can be killed by the main process's deadline.
import { createRequire } from 'node:module';
import { runKeychainOps, type KeyringModule } from '../core/secrets/keychain-ops';
import type { KeychainOp } from '../core/secrets/keychain';
import { keychainService } from '../core/secrets/secret-store';

const parentPort = (process as unknown as { parentPort: { once(event: 'message', listener: (event: { data: unknown }) => void): void; postMessage(message: unknown): void } }).parentPort;

parentPort.once('message', ({ data }) => {
  let response: unknown;
  try {
    const keyring = createRequire(import.meta.url)('@napi-rs/keyring') as KeyringModule;
    response = { ok: true, results: runKeychainOps(keyring, keychainService, (data as { ops: KeychainOp[] }).ops) };
  } catch (error) {
    response = { ok: false, message: String((error as Error)?.message ?? error) };
  }
  parentPort.postMessage(response);
  process.exit(0);
});
