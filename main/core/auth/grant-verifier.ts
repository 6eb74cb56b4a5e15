import { createPublicKey, verify } from 'node:crypto';
import { PlantdeskError } from '../../../shared/errors';
import { grantIsCurrent, grantSigningInput, SignedGrantSchema, type ServerKey, type SignedGrant } from '../../../shared/grant';

/**
 * Checks an offline grant against the server key pinned at first sign-in: the document must
 * parse, name the pinned key, carry a valid Ed25519 signature over its canonical JSON, and be
 * inside its window. Anything else is refused: the core enforces RBAC from this document while
 * offline, so a forged or edited one must never be taken.
 */
export function verifySignedGrant(candidate: unknown, pinnedKey: ServerKey, now: Date): SignedGrant {
  const parsed = SignedGrantSchema.safeParse(candidate);
  if (!parsed.success) throw new PlantdeskError('grant_invalid', undefined, { reason: 'shape' });
  const grant = parsed.data;
  if (grant.signature.keyId !== pinnedKey.keyId) throw new PlantdeskError('grant_invalid', undefined, { reason: 'key' });
  const signature = Buffer.from(grant.signature.value, 'base64url');
  const valid = verify(null, Buffer.from(grantSigningInput(grant), 'utf8'), createPublicKey(pinnedKey.publicKeyPem), signature);
  if (!valid) throw new PlantdeskError('grant_invalid', undefined, { reason: 'signature' });
  if (!grantIsCurrent(grant, now)) throw new PlantdeskError('grant_expired', undefined, { notAfter: grant.notAfter });
  return grant;
}

/** The raw key and the PEM must be one key: a pin with two different keys is refused. */
export function checkServerKeyConsistent(key: ServerKey): void {
  const fromPem = createPublicKey(key.publicKeyPem).export({ format: 'jwk' }) as { x?: string; crv?: string };
  if (fromPem.crv !== 'Ed25519' || fromPem.x !== key.publicKey) {
    throw new PlantdeskError('invalid_server_response', 'The server sent an inconsistent signing key; nothing was stored.');
  }
}
