import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, hkdfSync, sign, type KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { grantSigningInput, type Grant, type ServerKey, type SignedGrant } from '../../shared/grant';
import { createSecretBox, type SecretBox } from '../crypto/secret-box';

/**
 * The server's Ed25519 key for offline grants. Taken from PLANTDESK_GRANT_SIGNING_KEY (PKCS#8
 * PEM) when set, else from `grant-signing-key.pem` in the data directory, created there (mode
 * 0600) on first start. Instances sharing one database must share this key (same data
 * directory or same environment variable), or a client would see the pinned key change.
 */
export interface GrantSigner {
  serverKey: ServerKey;
  sign(grant: Grant): SignedGrant;
  /**
   * Encrypts TOTP secrets at rest, under a key derived (HKDF, its own label) from this same
   * private key: every instance that can sign grants can read them, with nothing more to share.
   */
  secretBox: SecretBox;
}

export const SIGNING_KEY_FILE = 'grant-signing-key.pem';

function signerFor(privateKey: KeyObject): GrantSigner {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the grant signing key must be an Ed25519 key');
  const publicKey = createPublicKey(privateKey);
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url');
  const serverKey: ServerKey = {
    alg: 'Ed25519',
    keyId: createHash('sha256').update(raw).digest('hex').slice(0, 16),
    publicKey: raw.toString('base64url'),
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
  const boxKey = Buffer.from(hkdfSync('sha256', privateKey.export({ format: 'der', type: 'pkcs8' }), 'plantdesk', 'totp-secrets v1', 32));
  return {
    serverKey,
    secretBox: createSecretBox(boxKey),
    sign(grant) {
      const signature = sign(null, Buffer.from(grantSigningInput(grant), 'utf8'), privateKey);
      return { ...grant, signature: { alg: 'Ed25519', keyId: serverKey.keyId, value: signature.toString('base64url') } };
    },
  };
}

function readOrCreateKeyFile(dataDir: string): KeyObject {
  const path = join(dataDir, SIGNING_KEY_FILE);
  try {
    return createPrivateKey(readFileSync(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  try {
    // 'wx': if another instance created it a moment ago, use theirs instead of replacing it.
    writeFileSync(path, pem, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
    return privateKey;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return createPrivateKey(readFileSync(path, 'utf8'));
    throw error;
  }
}

export function loadGrantSigner(options: { dataDir?: string; pem?: string }): GrantSigner {
  if (options.pem) return signerFor(createPrivateKey(options.pem));
  if (options.dataDir) return signerFor(readOrCreateKeyFile(options.dataDir));
  // No data directory (in-memory database): a key for this process only.
  return signerFor(generateKeyPairSync('ed25519').privateKey);
}
