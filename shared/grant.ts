import { z } from 'zod';
import { canonicalJson } from './canonical-json';
import { globalRoles, ModuleFlagsSchema, orgRolePresets, PermissionRuleSchema } from './rbac';

/**
 * The offline grant (SECURITY.md): what a workstation may do, for whom, until when, signed by
 * the server with Ed25519 over the RFC 8785 canonical JSON of the document without its
 * `signature`. The server signs (server/), main/core verifies against the pinned key, and both
 * use `grantSigningInput` so they hash exactly the same bytes.
 */

const isoInstant = z.string().datetime({ offset: true });

export const GrantSchema = z
  .object({
    grantId: z.guid(),
    /** Bumped when the document's shape changes; verifiers refuse versions they do not know. */
    version: z.literal(1),
    user: z
      .object({
        id: z.guid(),
        email: z.string(),
        displayName: z.string(),
        globalRole: z.enum(globalRoles),
      })
      .strict(),
    tenant: z.object({ id: z.guid(), name: z.string() }).strict(),
    roles: z
      .object({
        org: z.union([z.enum(orgRolePresets), z.literal('custom')]).nullable(),
        customRoleId: z.guid().nullable(),
        global: z.enum(globalRoles),
      })
      .strict(),
    /** Effective permissions after module flags: evaluate with shared/rbac `can`. */
    rules: z.array(PermissionRuleSchema),
    moduleFlags: ModuleFlagsSchema,
    /** Area ids the user covers, already expanded down the area tree. */
    areas: z.array(z.guid()),
    policyVersion: z.number().int().nonnegative(),
    deviceId: z.string().min(1).max(200),
    sessionId: z.guid(),
    issuedAt: isoInstant,
    notAfter: isoInstant,
  })
  .strict();
export type Grant = z.infer<typeof GrantSchema>;

export const GrantSignatureSchema = z
  .object({
    alg: z.literal('Ed25519'),
    keyId: z.string().min(1),
    /** base64url (no padding) of the 64-byte Ed25519 signature. */
    value: z.string().regex(/^[A-Za-z0-9_-]{86}$/),
  })
  .strict();
export type GrantSignature = z.infer<typeof GrantSignatureSchema>;

export const SignedGrantSchema = GrantSchema.extend({ signature: GrantSignatureSchema }).strict();
export type SignedGrant = z.infer<typeof SignedGrantSchema>;

/** The server's grant-signing public key, as GET /v1/keys/grant answers (and serverKey at sign-in). */
export const ServerKeySchema = z
  .object({
    alg: z.literal('Ed25519'),
    keyId: z.string().min(1),
    /** base64url (no padding) of the 32-byte raw public key. */
    publicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    /** The same key as SPKI PEM, for node:crypto createPublicKey. */
    publicKeyPem: z.string().startsWith('-----BEGIN PUBLIC KEY-----'),
  })
  .strict();
export type ServerKey = z.infer<typeof ServerKeySchema>;

/** The exact bytes (as a string) that are signed and verified. */
export function grantSigningInput(grant: Grant | SignedGrant): string {
  const { signature: _signature, ...unsigned } = grant as SignedGrant;
  return canonicalJson(unsigned);
}

/** Is `now` inside the grant's window? Verification of the signature is separate. */
/** How far a workstation's clock may be from the server's (sign-in, unlock, a grant's start). */
export const CLOCK_SKEW_LIMIT_MS = 15 * 60_000;

export function grantIsCurrent(grant: Pick<Grant, 'issuedAt' | 'notAfter'>, now: Date): boolean {
  const t = now.getTime();
  return t >= Date.parse(grant.issuedAt) - CLOCK_SKEW_LIMIT_MS && t < Date.parse(grant.notAfter);
}
