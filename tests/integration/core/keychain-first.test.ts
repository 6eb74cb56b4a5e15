import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../../main/core/core';
import { KeychainUnavailable } from '../../../main/core/secrets/errors';
import { createKeychainSecretStore } from '../../../main/core/secrets/keychain';
import type { SecretStore } from '../../../main/core/secrets/secret-store';
import { totpCode } from '../../../server/crypto/totp';
import { secretServiceCapability, skipUnless } from '../../support/capabilities';
import { callerOf, cheapKdf } from '../../support/core-workstation';
import { startTestServer, TEST_PASSWORD, type TestServer, type TestTenant } from '../../support/server';

/**
 * Sign-in checks the keychain before it sends anything: with the keychain locked it fails
 * early with keychain_unavailable, and the one-time code it was given is still unused, so the
 * same code works once the keychain is unlocked.
 */
describe.skipIf(skipUnless(secretServiceCapability()))('the keychain is checked before the code is spent', () => {
  let server: TestServer;
  let tenant: TestTenant;
  beforeAll(async () => {
    server = await startTestServer({ backend: 'pglite', clockStart: new Date() });
    tenant = await server.createTenant('Keychain Plant');
  });
  afterAll(async () => server?.stop());

  it('a locked keychain refuses the sign-in before the TOTP step; the same code then signs in', async () => {
    let locked = true;
    const lockable = (store: SecretStore): SecretStore => {
      const refuse = () => Promise.reject(new KeychainUnavailable({ reason: 'locked' }));
      return {
        owner: store.owner,
        get: (purpose) => (locked ? refuse() : store.get(purpose)),
        set: (purpose, secret) => (locked ? refuse() : store.set(purpose, secret)),
        delete: (purpose) => (locked ? refuse() : store.delete(purpose)),
        list: () => (locked ? refuse() : store.list()),
      };
    };
    const core = createCore(
      { profileDir: mkdtempSync(path.join(tmpdir(), 'plantdesk-keychain-first-')), appVersion: 'test' },
      { now: () => server.clock.now(), kdf: cheapKdf, secretStoreFor: (owner) => lockable(createKeychainSecretStore(owner)) },
    );
    const call = callerOf(core);
    const person = await server.addMember(tenant.id, 'viewer');
    const code = await totpCode(person.totpSecret, server.clock.now());
    const request = { server: server.url, email: person.email, password: TEST_PASSWORD, totpCode: code };
    await expect(call('auth.signIn', request)).rejects.toMatchObject({ code: 'keychain_unavailable' });
    expect(await call('session.status')).toMatchObject({ state: 'signed_out' });
    locked = false;
    expect(await call('auth.signIn', request)).toMatchObject({ state: 'unlocked' });
    await core.close();
  });
});
