import { describe, expect, it } from 'vitest';
import { keychainAccount, normalizeServer, purposeOfAccount, secretPurposes } from '../../../../main/core/secrets/secret-store';

describe('keychain item names', () => {
  const owner = { server: 'https://Plant.Example:8443/some/path', userId: 'u-7f3a' };

  it('name the server by origin, the user by id, and the purpose', () => {
    expect(keychainAccount(owner, secretPurposes.sessionToken)).toBe('https://plant.example:8443|u-7f3a|session-token');
    expect(keychainAccount(owner, secretPurposes.deviceSecret('t-north'))).toBe('https://plant.example:8443|u-7f3a|device-secret/t-north');
  });

  it('read back to the purpose only for the same owner', () => {
    const account = keychainAccount(owner, secretPurposes.deviceSecret('t-north'));
    expect(purposeOfAccount(owner, account)).toBe('device-secret/t-north');
    expect(purposeOfAccount({ ...owner, userId: 'u-other' }, account)).toBeNull();
    expect(purposeOfAccount({ ...owner, server: 'https://other.example' }, account)).toBeNull();
    expect(purposeOfAccount(owner, `${account}|extra`)).toBeNull();
  });

  it('refuse ids that could break the naming, and servers that are not http(s)', () => {
    expect(() => secretPurposes.deviceSecret('a|b')).toThrow();
    expect(() => secretPurposes.deviceSecret('')).toThrow();
    expect(() => keychainAccount({ ...owner, userId: 'alice@x.example|y' }, 'session-token')).toThrow();
    expect(() => normalizeServer('file:///etc/passwd')).toThrow();
    expect(() => normalizeServer('not a url')).toThrow();
    expect(normalizeServer('http://127.0.0.1:8787/')).toBe('http://127.0.0.1:8787');
  });
});
