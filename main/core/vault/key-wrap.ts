import { createCipheriv, createDecipheriv, hkdf, randomBytes, scrypt } from 'node:crypto';
import { z } from 'zod';

/**
 * The data key of a tenant's cache is random (256 bits) and stored only wrapped:
 *
 *   stretched = scrypt(password NFC, salt, N, r, p)            slows down guessing
 *   KEK       = HKDF-SHA256(stretched || deviceSecret, salt, info)   needs BOTH
 *   wrapped   = AES-256-GCM(KEK, iv, dataKey, aad = the key file's header)
 *
 * so the key file alone, the keychain's device secret alone or the password alone opens
 * nothing, and a key file moved to another tenant's name or with edited parameters fails
 * authentication like a wrong password does. scrypt is the KDF: Node 20, on which this format was
 * set, had no Argon2id (Node 24's crypto.argon2 would mean a new key-file format, not a swap).
 */

export interface ScryptParams {
  name: 'scrypt';
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
}

/** 128 MiB, about half a second on a plant PC: OWASP's scrypt recommendation. */
export const defaultScryptParams: ScryptParams = { name: 'scrypt', N: 2 ** 17, r: 8, p: 1 };

/** The bounds a key file's parameters must lie in: weaker is refused at creation, heavier at reading (a denial of service). */
export const scryptBounds = { minN: 2 ** 14, maxN: 2 ** 20, maxR: 32, maxP: 16 } as const;

export const kekInfo = 'plantdesk/vault/kek/v1';

const base64Of = (bytes: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9+/]+={0,2}$/)
    .refine((s) => Buffer.from(s, 'base64').length === bytes, `must be ${bytes} bytes`);

export const ScryptParamsSchema = z.strictObject({
  name: z.literal('scrypt'),
  N: z
    .number()
    .int()
    .min(scryptBounds.minN)
    .max(scryptBounds.maxN)
    .refine((n) => (n & (n - 1)) === 0, 'N must be a power of two'),
  r: z.number().int().min(1).max(scryptBounds.maxR),
  p: z.number().int().min(1).max(scryptBounds.maxP),
});

/** The JSON file beside the database. Holds no secret but the wrapped key. */
export const KeyFileSchema = z.strictObject({
  format: z.literal('plantdesk-vault-key'),
  version: z.literal(1),
  vaultId: z.string().regex(/^[0-9a-f]{32}$/),
  server: z.string().min(1),
  userId: z.string().min(1),
  tenantId: z.string().min(1),
  createdAt: z.string(),
  kdf: ScryptParamsSchema.extend({ salt: base64Of(32) }),
  kek: z.strictObject({ name: z.literal('hkdf-sha256'), info: z.literal(kekInfo) }),
  wrap: z.strictObject({ name: z.literal('aes-256-gcm'), iv: base64Of(12), tag: base64Of(16), wrappedKey: base64Of(32) }),
});
export type KeyFile = z.infer<typeof KeyFileSchema>;

export type KeyFileHeader = Omit<KeyFile, 'wrap' | 'createdAt'>;

/** Everything but the wrap itself, in a fixed order: the GCM additional data. */
function additionalData(header: KeyFileHeader): Buffer {
  const { format, version, vaultId, server, userId, tenantId, kdf, kek } = header;
  return Buffer.from(JSON.stringify([format, version, vaultId, server, userId, tenantId, kdf.name, kdf.N, kdf.r, kdf.p, kdf.salt, kek.name, kek.info]));
}

function scryptAsync(password: Buffer, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // Node refuses work above maxmem (32 MiB by default); scrypt needs 128 * N * r bytes.
  const maxmem = 256 * params.N * params.r + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(password, salt, 32, { N: params.N, r: params.r, p: params.p, maxmem }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

function hkdfAsync(ikm: Buffer, salt: Buffer, info: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    hkdf('sha256', ikm, salt, info, 32, (error, key) => (error ? reject(error) : resolve(Buffer.from(key))));
  });
}

/** The key-encryption key. Zeroes what it derived on the way. */
export async function deriveKek(password: string, deviceSecret: Uint8Array, kdf: KeyFile['kdf']): Promise<Buffer> {
  if (deviceSecret.length !== 32) throw new TypeError('the device secret must be 32 bytes');
  const passwordBytes = Buffer.from(password.normalize('NFC'), 'utf8');
  const salt = Buffer.from(kdf.salt, 'base64');
  const stretched = await scryptAsync(passwordBytes, salt, kdf);
  const ikm = Buffer.concat([stretched, deviceSecret]);
  try {
    return await hkdfAsync(ikm, salt, kekInfo);
  } finally {
    passwordBytes.fill(0);
    stretched.fill(0);
    ikm.fill(0);
  }
}

/** A new key file's header: fresh salt, the given (or default) scrypt cost. */
export function newKeyFileHeader(ids: { vaultId: string; server: string; userId: string; tenantId: string }, params: ScryptParams = defaultScryptParams): KeyFileHeader {
  const checked = ScryptParamsSchema.parse(params);
  return {
    format: 'plantdesk-vault-key',
    version: 1,
    ...ids,
    kdf: { ...checked, salt: randomBytes(32).toString('base64') },
    kek: { name: 'hkdf-sha256', info: kekInfo },
  };
}

export function wrapDataKey(kek: Buffer, dataKey: Uint8Array, header: KeyFileHeader, createdAt: Date = new Date()): KeyFile {
  if (dataKey.length !== 32) throw new TypeError('the data key must be 32 bytes');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  cipher.setAAD(additionalData(header));
  const wrappedKey = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return {
    ...header,
    createdAt: createdAt.toISOString(),
    wrap: { name: 'aes-256-gcm', iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), wrappedKey: wrappedKey.toString('base64') },
  };
}

/** The data key, or null when the KEK (password or device secret) or the file is not the right one. */
export function unwrapDataKey(kek: Buffer, keyFile: KeyFile): Buffer | null {
  const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(keyFile.wrap.iv, 'base64'));
  decipher.setAAD(additionalData(keyFile));
  decipher.setAuthTag(Buffer.from(keyFile.wrap.tag, 'base64'));
  const out = decipher.update(Buffer.from(keyFile.wrap.wrappedKey, 'base64'));
  try {
    return Buffer.concat([out, decipher.final()]);
  } catch {
    return null;
  } finally {
    out.fill(0);
  }
}
