import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox, SecretBoxError } from '../../../server/crypto/secret-box';
import { loadGrantSigner } from '../../../server/grant/signing-key';

describe('secret box (TOTP secrets at rest)', () => {
  const box = createSecretBox(randomBytes(32));
  const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

  it('seals to a value that does not contain the secret and opens it again for the same context', () => {
    const sealed = box.seal(secret, 'user-1');
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain(secret);
    expect(box.seal(secret, 'user-1')).not.toBe(sealed);
    expect(box.open(sealed, 'user-1')).toBe(secret);
  });

  it('refuses a value moved to another user, altered, or sealed under another key', () => {
    const sealed = box.seal(secret, 'user-1');
    expect(() => box.open(sealed, 'user-2')).toThrow(SecretBoxError);
    const parts = sealed.split('.');
    parts[2] = Buffer.from('tampered!').toString('base64url');
    expect(() => box.open(parts.join('.'), 'user-1')).toThrow(SecretBoxError);
    expect(() => createSecretBox(randomBytes(32)).open(sealed, 'user-1')).toThrow(SecretBoxError);
    expect(() => box.open(secret, 'user-1')).toThrow(SecretBoxError);
  });

  it('is derived from the grant key, so instances sharing that key share it', () => {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const sealed = loadGrantSigner({ pem }).secretBox.seal(secret, 'user-1');
    expect(loadGrantSigner({ pem }).secretBox.open(sealed, 'user-1')).toBe(secret);
    expect(() => loadGrantSigner({}).secretBox.open(sealed, 'user-1')).toThrow(SecretBoxError);
  });
});
