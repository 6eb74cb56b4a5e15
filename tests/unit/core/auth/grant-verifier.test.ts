import { describe, expect, it } from 'vitest';
import { verifySignedGrant } from '../../../../main/core/auth/grant-verifier';
import { PlantdeskError } from '../../../../shared/errors';
import { makeGrant, makeSigningKey, signGrant } from '../../../support/grant-fixtures';

const server = makeSigningKey();
const issuedAt = new Date('2026-11-23T08:00:00Z');
const inWindow = new Date('2026-11-24T08:00:00Z');
const signed = signGrant(makeGrant({ issuedAt, hours: 72 }), server.privateKey);

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as PlantdeskError).code;
  }
}

describe('verifySignedGrant', () => {
  it('accepts a grant signed by the pinned key inside its window', () => {
    expect(verifySignedGrant(signed, server.serverKey, inWindow).grantId).toBe(signed.grantId);
  });

  it('refuses a grant with one character of its content changed', () => {
    const tampered = { ...signed, user: { ...signed.user, displayName: signed.user.displayName.replace('A', 'B') } };
    expect(codeOf(() => verifySignedGrant(tampered, server.serverKey, inWindow))).toBe('grant_invalid');
  });

  it('refuses a grant whose rules were widened after signing', () => {
    const widened = { ...signed, rules: [...signed.rules, { action: 'manage', access: 'org', entity: 'user' }] };
    expect(codeOf(() => verifySignedGrant(widened, server.serverKey, inWindow))).toBe('grant_invalid');
  });

  it('refuses a grant with one byte of the signature changed', () => {
    const bytes = Buffer.from(signed.signature.value, 'base64url');
    bytes[10] ^= 0x01;
    const broken = { ...signed, signature: { ...signed.signature, value: bytes.toString('base64url') } };
    expect(codeOf(() => verifySignedGrant(broken, server.serverKey, inWindow))).toBe('grant_invalid');
  });

  it('refuses a grant signed by another key, even under the pinned key id', () => {
    const attacker = makeSigningKey();
    const forged = signGrant(makeGrant({ issuedAt }), attacker.privateKey, server.serverKey.keyId);
    expect(codeOf(() => verifySignedGrant(forged, server.serverKey, inWindow))).toBe('grant_invalid');
  });

  it('refuses a document that is not a grant', () => {
    expect(codeOf(() => verifySignedGrant({ hello: 'world' }, server.serverKey, inWindow))).toBe('grant_invalid');
    expect(codeOf(() => verifySignedGrant(null, server.serverKey, inWindow))).toBe('grant_invalid');
  });

  it('reports grant_expired after notAfter', () => {
    const after = new Date(issuedAt.getTime() + 72 * 3_600_000 + 1);
    expect(codeOf(() => verifySignedGrant(signed, server.serverKey, after))).toBe('grant_expired');
  });
});
