import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runKeychainOps, type KeyringModule } from '../../../../main/core/secrets/keychain-ops';
import { secretServiceCapability, skipUnless } from '../../../support/capabilities';

// The operations the packaged app's utilityProcess helper runs, against the real Secret Service.
describe.skipIf(skipUnless(secretServiceCapability()))('keychain operations run in-process', () => {
  const keyring = createRequire(import.meta.url)('@napi-rs/keyring') as KeyringModule;
  const service = `plantdesk-ops-test-${randomUUID()}`;
  const account = 'https://plant.example|user-1|session-token';

  it('sets, gets, lists and deletes one secret', () => {
    const secret = Buffer.from('a session token').toString('base64');
    expect(runKeychainOps(keyring, service, [{ op: 'set', account, secret }])).toEqual([{}]);
    expect(runKeychainOps(keyring, service, [{ op: 'get', account }, { op: 'list' }])).toEqual([{ secret }, { accounts: [account] }]);
    expect(runKeychainOps(keyring, service, [{ op: 'delete', account }, { op: 'get', account }])).toEqual([{ deleted: true }, { secret: null }]);
  });
});
