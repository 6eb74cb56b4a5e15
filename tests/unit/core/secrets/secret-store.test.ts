import { describe, expect, it } from 'vitest';
import { classifyKeychainFailure } from '../../../../main/core/secrets/keychain';
import { profileIdOf } from '../../../../main/core/secrets/secret-owner';
import { keychainAccount, normalizeServer, purposeOfAccount, secretPurposes } from '../../../../main/core/secrets/secret-store';

describe('keychain item names', () => {
  const owner = { server: 'https://Plant.Example:8443/some/path', userId: 'u-7f3a', tenantId: 't-north', profile: '0a1b2c3d4e5f6a7b' };

  it('name the server by origin, the user, tenant and profile by id, and the purpose', () => {
    expect(keychainAccount(owner, secretPurposes.sessionToken)).toBe('https://plant.example:8443|u-7f3a|t-north|0a1b2c3d4e5f6a7b|session-token');
    expect(keychainAccount(owner, secretPurposes.deviceSecret('t-north'))).toBe('https://plant.example:8443|u-7f3a|t-north|0a1b2c3d4e5f6a7b|device-secret/t-north');
  });

  it('give two profiles, or two tenants, of one account items of their own', () => {
    const session = (of: typeof owner) => keychainAccount(of, secretPurposes.sessionToken);
    expect(new Set([session(owner), session({ ...owner, profile: profileIdOf('/home/ana/other-profile') }), session({ ...owner, tenantId: 't-south' })]).size).toBe(3);
    expect(profileIdOf('/home/ana/.config/Plantdesk')).toBe(profileIdOf('/home/ana/.config/Plantdesk/'));
    expect(profileIdOf('/home/ana/.config/Plantdesk')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('read back to the purpose only for the same owner', () => {
    const account = keychainAccount(owner, secretPurposes.deviceSecret('t-north'));
    expect(purposeOfAccount(owner, account)).toBe('device-secret/t-north');
    expect(purposeOfAccount({ ...owner, userId: 'u-other' }, account)).toBeNull();
    expect(purposeOfAccount({ ...owner, server: 'https://other.example' }, account)).toBeNull();
    expect(purposeOfAccount({ ...owner, tenantId: 't-south' }, account)).toBeNull();
    expect(purposeOfAccount({ ...owner, profile: 'ffffffffffffffff' }, account)).toBeNull();
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

describe('keychain failures are sorted into reasons support can act on', () => {
  it.each([
    ["Couldn't access platform storage: Secret Service: unlock prompt was dismissed", 'locked'],
    ['User interaction is not allowed.', 'locked'],
    ['Platform failure: DBus error: Failed to connect to socket /run/user/1000/bus: No such file or directory', 'unreachable'],
    ['Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled at compile time', 'unreachable'],
    ['Ambiguous: 2 credentials match', 'platform'],
  ])('%s -> %s', (message, reason) => {
    expect(classifyKeychainFailure(message)).toBe(reason);
  });
});
