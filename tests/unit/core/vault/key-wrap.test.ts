import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  defaultScryptParams,
  deriveKek,
  KeyFileSchema,
  newKeyFileHeader,
  unwrapDataKey,
  wrapDataKey,
  type KeyFile,
  type ScryptParams,
} from '../../../../main/core/vault/key-wrap';

const testKdf: ScryptParams = { name: 'scrypt', N: 2 ** 14, r: 8, p: 1 };
const ids = { vaultId: '0123456789abcdef0123456789abcdef', server: 'https://plant.example', userId: 'u-alice', tenantId: 't-north' };

async function wrapped(password = 'correct horse battery staple') {
  const deviceSecret = randomBytes(32);
  const dataKey = randomBytes(32);
  const header = newKeyFileHeader(ids, testKdf);
  const keyFile = wrapDataKey(await deriveKek(password, deviceSecret, header.kdf), dataKey, header);
  return { deviceSecret, dataKey: Buffer.from(dataKey), keyFile, password };
}

describe('wrapping the data key', () => {
  it('unwraps with the same password and device secret', async () => {
    const { deviceSecret, dataKey, keyFile, password } = await wrapped();
    expect(unwrapDataKey(await deriveKek(password, deviceSecret, keyFile.kdf), keyFile)).toEqual(dataKey);
  });

  it('needs the password: another one does not unwrap', async () => {
    const { deviceSecret, keyFile } = await wrapped();
    expect(unwrapDataKey(await deriveKek('correct horse battery stapler', deviceSecret, keyFile.kdf), keyFile)).toBeNull();
  });

  it('needs the device secret: the password with another secret does not unwrap', async () => {
    const { keyFile, password } = await wrapped();
    expect(unwrapDataKey(await deriveKek(password, randomBytes(32), keyFile.kdf), keyFile)).toBeNull();
  });

  it('treats the password as Unicode text: composed and decomposed forms are the same password', async () => {
    const { deviceSecret, dataKey, keyFile } = await wrapped('Grüße aus Köln 2024');
    const decomposed = 'Grüße aus Köln 2024'.normalize('NFD');
    expect(unwrapDataKey(await deriveKek(decomposed, deviceSecret, keyFile.kdf), keyFile)).toEqual(dataKey);
  });

  it.each<[string, (k: KeyFile) => KeyFile]>([
    ['another tenant named in the header', (k) => ({ ...k, tenantId: 't-south' })],
    ['another user named in the header', (k) => ({ ...k, userId: 'u-mallory' })],
    ['a lowered scrypt cost', (k) => ({ ...k, kdf: { ...k.kdf, N: 2 ** 15 } })],
    ['a flipped bit in the wrapped key', (k) => ({ ...k, wrap: { ...k.wrap, wrappedKey: flipFirstBit(k.wrap.wrappedKey) } })],
    ['a flipped bit in the tag', (k) => ({ ...k, wrap: { ...k.wrap, tag: flipFirstBit(k.wrap.tag) } })],
    ['another iv', (k) => ({ ...k, wrap: { ...k.wrap, iv: randomBytes(12).toString('base64') } })],
  ])('refuses a key file with %s (authenticated, not just encrypted)', async (_name, tamper) => {
    const { deviceSecret, keyFile, password } = await wrapped();
    const changed = tamper(keyFile);
    expect(unwrapDataKey(await deriveKek(password, deviceSecret, changed.kdf), changed)).toBeNull();
  });

  it('uses a fresh salt and iv every time', async () => {
    const a = await wrapped();
    const b = await wrapped();
    expect(a.keyFile.kdf.salt).not.toBe(b.keyFile.kdf.salt);
    expect(a.keyFile.wrap.iv).not.toBe(b.keyFile.wrap.iv);
  });
});

describe('the key file format', () => {
  it('records the KDF, its parameters and salt, the iv, tag and wrapped key, and nothing secret', async () => {
    const { deviceSecret, dataKey, keyFile, password } = await wrapped();
    const text = JSON.stringify(keyFile);
    expect(KeyFileSchema.parse(JSON.parse(text))).toEqual(keyFile);
    expect(keyFile.kdf).toMatchObject({ name: 'scrypt', N: 2 ** 14, r: 8, p: 1 });
    expect(keyFile.kek).toEqual({ name: 'hkdf-sha256', info: 'plantdesk/vault/kek/v1' });
    expect(keyFile.wrap.name).toBe('aes-256-gcm');
    for (const secret of [deviceSecret, dataKey]) {
      expect(text).not.toContain(secret.toString('base64'));
      expect(text).not.toContain(secret.toString('hex'));
    }
    expect(text).not.toContain(password);
    // The wrapped key is not the key.
    expect(Buffer.from(keyFile.wrap.wrappedKey, 'base64')).not.toEqual(dataKey);
  });

  it('defaults to OWASP scrypt cost (N=2^17, r=8, p=1)', () => {
    expect(newKeyFileHeader(ids).kdf).toMatchObject({ ...defaultScryptParams });
  });

  it('refuses parameters weaker or heavier than the bounds, and unknown fields', () => {
    expect(() => newKeyFileHeader(ids, { name: 'scrypt', N: 2 ** 10, r: 8, p: 1 })).toThrow();
    expect(() => newKeyFileHeader(ids, { name: 'scrypt', N: 2 ** 24, r: 8, p: 1 })).toThrow();
    expect(() => newKeyFileHeader(ids, { name: 'scrypt', N: 3 * 2 ** 14, r: 8, p: 1 })).toThrow();
    const valid = { ...newKeyFileHeader(ids, testKdf), createdAt: new Date().toISOString(), wrap: { name: 'aes-256-gcm', iv: randomBytes(12).toString('base64'), tag: randomBytes(16).toString('base64'), wrappedKey: randomBytes(32).toString('base64') } };
    expect(KeyFileSchema.safeParse(valid).success).toBe(true);
    expect(KeyFileSchema.safeParse({ ...valid, password: 'x' }).success).toBe(false);
    expect(KeyFileSchema.safeParse({ ...valid, kdf: { ...valid.kdf, N: 2 ** 30 } }).success).toBe(false);
  });
});

function flipFirstBit(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[0] ^= 1;
  return bytes.toString('base64');
}
