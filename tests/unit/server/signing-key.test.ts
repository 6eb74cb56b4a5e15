import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadGrantSigner, SIGNING_KEY_FILE } from '../../../server/grant/signing-key';
import { grantSigningInput, ServerKeySchema, SignedGrantSchema, type Grant, type SignedGrant } from '../../../shared/grant';
import { canonicalJson } from '../../../shared/canonical-json';

const dir = mkdtempSync(join(tmpdir(), 'plantdesk-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const grant: Grant = {
  grantId: '0190f0e0-0000-7000-8000-000000000001',
  version: 1,
  user: { id: '0190f0e0-0000-7000-8000-0000000000aa', email: 'a@b.example', displayName: 'Ä B', globalRole: 'none' },
  tenant: { id: '0190f0e0-0000-7000-8000-0000000000bb', name: 'Northfield Plant' },
  roles: { org: 'viewer', customRoleId: null, global: 'none' },
  rules: [{ action: 'read', access: 'org', entity: 'shift_log' }],
  moduleFlags: { shift_logs: true, handovers: true, audit: false, users: false, exports: false },
  areas: [],
  policyVersion: 3,
  deviceId: 'ws-17',
  sessionId: '0190f0e0-0000-7000-8000-0000000000cc',
  issuedAt: '2026-01-15T08:00:00.000Z',
  notAfter: '2026-01-18T08:00:00.000Z',
};

/** What main/core will do: node:crypto Ed25519 over the canonical JSON, with the pinned key. */
function verifies(signed: SignedGrant, publicKeyPem: string): boolean {
  return verify(null, Buffer.from(grantSigningInput(signed), 'utf8'), createPublicKey(publicKeyPem), Buffer.from(signed.signature.value, 'base64url'));
}

describe('grant signing key', () => {
  it('is generated on first start as a 0600 file in the data directory, and reused after', () => {
    const first = loadGrantSigner({ dataDir: dir });
    const path = join(dir, SIGNING_KEY_FILE);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toContain('BEGIN PRIVATE KEY');
    expect(loadGrantSigner({ dataDir: dir }).serverKey).toEqual(first.serverKey);
  });

  it('can come from the environment instead (instances sharing one database)', () => {
    const pem = readFileSync(join(dir, SIGNING_KEY_FILE), 'utf8');
    expect(loadGrantSigner({ pem }).serverKey).toEqual(loadGrantSigner({ dataDir: dir }).serverKey);
  });

  it('publishes a public key that validates against the shared schema', () => {
    const { serverKey } = loadGrantSigner({ dataDir: dir });
    expect(ServerKeySchema.parse(serverKey)).toEqual(serverKey);
    expect(Buffer.from(serverKey.publicKey, 'base64url')).toHaveLength(32);
  });
});

describe('grant signature', () => {
  const signer = loadGrantSigner({ dataDir: dir });
  const signed = signer.sign(grant);

  it('is Ed25519 over the canonical JSON of the grant without its signature', () => {
    expect(SignedGrantSchema.parse(signed)).toEqual(signed);
    expect(grantSigningInput(signed)).toBe(canonicalJson(grant));
    expect(verifies(signed, signer.serverKey.publicKeyPem)).toBe(true);
  });

  it('stays valid whatever the member order the document travels in', () => {
    const reordered = JSON.parse(JSON.stringify({ signature: signed.signature, ...Object.fromEntries(Object.entries(signed).reverse()) }));
    expect(verifies(reordered, signer.serverKey.publicKeyPem)).toBe(true);
  });

  it('fails when any field is changed, or under another key', () => {
    expect(verifies({ ...signed, notAfter: '2027-01-18T08:00:00.000Z' }, signer.serverKey.publicKeyPem)).toBe(false);
    expect(verifies({ ...signed, rules: [...signed.rules, { action: 'manage', access: 'org', entity: 'user' }] }, signer.serverKey.publicKeyPem)).toBe(false);
    expect(verifies(signed, loadGrantSigner({}).serverKey.publicKeyPem)).toBe(false);
  });
});
