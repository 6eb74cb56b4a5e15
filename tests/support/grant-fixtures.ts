import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { grantSigningInput, type Grant, type ServerKey, type SignedGrant } from '../../shared/grant';
import { effectiveRules, defaultModuleFlags, type OrgRolePreset } from '../../shared/rbac';

/** A grant-signing key pair like the server's, for tests that need to forge or sign grants. */
export function makeSigningKey(keyId = 'test-key') {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' }) as { x: string };
  const serverKey: ServerKey = {
    alg: 'Ed25519',
    keyId,
    publicKey: jwk.x,
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
  return { serverKey, privateKey };
}

export function makeGrant(options: { role?: OrgRolePreset; issuedAt?: Date; hours?: number; areas?: string[] } = {}): Grant {
  const role = options.role ?? 'contributor';
  const issuedAt = options.issuedAt ?? new Date('2026-11-23T08:00:00Z');
  const moduleFlags = defaultModuleFlags(role);
  return {
    grantId: randomUUID(),
    version: 1,
    user: { id: randomUUID(), email: 'ana@northfield.example', displayName: 'Ana Costa', globalRole: 'none' },
    tenant: { id: randomUUID(), name: 'Northfield Plant' },
    roles: { org: role, customRoleId: null, global: 'none' },
    rules: effectiveRules({ orgRole: role, moduleFlags, globalRole: 'none' }),
    moduleFlags,
    areas: options.areas ?? [randomUUID()],
    policyVersion: 1,
    deviceId: 'device-test-1',
    sessionId: randomUUID(),
    issuedAt: issuedAt.toISOString(),
    notAfter: new Date(issuedAt.getTime() + (options.hours ?? 72) * 3_600_000).toISOString(),
  };
}

export function signGrant(grant: Grant, privateKey: KeyObject, keyId = 'test-key'): SignedGrant {
  const value = sign(null, Buffer.from(grantSigningInput(grant), 'utf8'), privateKey).toString('base64url');
  return { ...grant, signature: { alg: 'Ed25519', keyId, value } };
}
