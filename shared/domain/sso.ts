import { z } from 'zod';
import { SignInResponseSchema, DeviceIdSchema } from './auth';
import { Id, IsoInstant, singleLine, textLimits } from './common';
import { orgRolePresets } from '../rbac';

/**
 * Enterprise sign-in with OpenID Connect (API.md "Single sign-on"). The desktop app runs the
 * browser part itself (RFC 8252: system browser, loopback redirect, PKCE S256, state, nonce)
 * and hands the server the code; the server redeems it and verifies the ID token.
 */

/** The scopes the app asks for; the groups scope only where the tenant maps a groups claim. */
export const SSO_BASE_SCOPES = ['openid', 'email', 'profile'] as const;

const loopbackHosts = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** https, or http on this machine only (a provider on loopback is as local as the server). */
export function isAcceptableIssuer(value: string): boolean {
  try {
    const url = new URL(value);
    if (url.search || url.hash || url.username || url.password) return false;
    return url.protocol === 'https:' || (url.protocol === 'http:' && loopbackHosts.has(url.hostname));
  } catch {
    return false;
  }
}

/** RFC 8252 7.3: a native app's redirect is http on a loopback IP literal, any port. */
export function isLoopbackRedirect(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === '[::1]') && !url.search && !url.hash && !url.username && !url.password;
  } catch {
    return false;
  }
}

const Domain = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a domain such as plant.example');

const SsoRole = z.enum(orgRolePresets);

export const SsoSettingsPatchSchema = z
  .object({
    enabled: z.boolean(),
    issuer: z.string().max(500).refine(isAcceptableIssuer, { message: 'must be an https URL (http only on 127.0.0.1 or localhost)' }),
    clientId: singleLine(255),
    /** Write-only; null removes it (a public client). */
    clientSecret: singleLine(1000).nullable(),
    allowedDomains: z.array(Domain).max(50),
    groupsClaim: singleLine(100).nullable(),
    groupRoles: z.record(singleLine(255), SsoRole).refine((map) => Object.keys(map).length <= 200, { message: 'at most 200 groups' }),
    ssoRequired: z.boolean(),
    breakGlassUserIds: z.array(Id).max(20),
    createMembers: z.boolean(),
    defaultRole: z.enum(['viewer', 'contributor']),
    reason: singleLine(textLimits.adminReason).optional(),
  })
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).some((key) => key !== 'reason'), { message: 'change at least one setting' });
export type SsoSettingsPatch = z.infer<typeof SsoSettingsPatchSchema>;

/** As admins read them: the client secret only as whether one is set. */
export const SsoSettingsRowSchema = z
  .object({
    tenantId: Id,
    configured: z.boolean(),
    enabled: z.boolean(),
    issuer: z.string().nullable(),
    clientId: z.string().nullable(),
    hasClientSecret: z.boolean(),
    allowedDomains: z.array(z.string()),
    groupsClaim: z.string().nullable(),
    groupRoles: z.record(z.string(), SsoRole),
    ssoRequired: z.boolean(),
    breakGlassUserIds: z.array(Id),
    createMembers: z.boolean(),
    defaultRole: z.enum(['viewer', 'contributor']),
    version: z.number().int(),
    updatedAt: IsoInstant.nullable(),
  })
  .strict();
export type SsoSettingsRow = z.infer<typeof SsoSettingsRowSchema>;

export const ssoConnectionProblems = ['unreachable', 'not_an_issuer', 'issuer_mismatch', 'no_jwks', 'jwks_unusable', 'no_token_endpoint', 'insecure', 'no_pkce_s256'] as const;

/** What "test the connection" found: ok, or each problem in words. */
export const SsoConnectionTestSchema = z
  .object({
    ok: z.boolean(),
    issuer: z.string(),
    problems: z.array(z.object({ code: z.enum(ssoConnectionProblems), message: z.string() }).strict()),
    /** What the provider offers, where discovery got that far. */
    provider: z
      .object({ authorizationEndpoint: z.string(), tokenEndpoint: z.string(), deviceAuthorizationEndpoint: z.string().nullable(), jwksKeys: z.number().int() })
      .strict()
      .nullable(),
  })
  .strict();
export type SsoConnectionTest = z.infer<typeof SsoConnectionTestSchema>;

export const SsoConnectionTestRequestSchema = z
  .object({ issuer: z.string().max(500).refine(isAcceptableIssuer, { message: 'must be an https URL (http only on 127.0.0.1 or localhost)' }), clientId: singleLine(255) })
  .partial()
  .strict();

export const SsoConfigQuerySchema = z
  .object({ tenant: Id.optional(), email: z.string().trim().max(254).pipe(z.email()).transform((value) => value.toLowerCase()).optional() })
  .strict()
  .refine((query) => (query.tenant === undefined) !== (query.email === undefined), { message: 'give either tenant or email' });

/** What the app needs to start the browser part against a tenant's provider. */
export const SsoProviderSchema = z
  .object({
    tenantId: Id,
    tenantName: z.string(),
    issuer: z.string(),
    clientId: z.string(),
    scopes: z.array(z.string()),
    ssoRequired: z.boolean(),
  })
  .strict();
export const SsoConfigResponseSchema = z.object({ providers: z.array(SsoProviderSchema) }).strict();
export type SsoConfigResponse = z.infer<typeof SsoConfigResponseSchema>;

/** PKCE verifier (RFC 7636 4.1) and the random values the app made for this sign-in. */
const CodeVerifier = z.string().regex(/^[A-Za-z0-9\-._~]{43,128}$/, 'must be a PKCE code verifier (43 to 128 unreserved characters)');
const OpaqueValue = z.string().min(16).max(512).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

export const SsoExchangeRequestSchema = z
  .object({
    tenantId: Id,
    code: z.string().min(1).max(2048).regex(/^[\x21-\x7e]+$/),
    codeVerifier: CodeVerifier,
    redirectUri: z.string().max(500).refine(isLoopbackRedirect, { message: 'must be an http://127.0.0.1 or http://[::1] loopback redirect (RFC 8252)' }),
    nonce: OpaqueValue,
    /** The `iss` parameter of the authorization response, where the provider sent one (RFC 9207). */
    iss: z.string().max(500).optional(),
    deviceId: DeviceIdSchema,
    deviceName: singleLine(200),
  })
  .strict();
export type SsoExchangeRequest = z.infer<typeof SsoExchangeRequestSchema>;

export const SsoDeviceStartRequestSchema = z.object({ tenantId: Id, deviceId: DeviceIdSchema, deviceName: singleLine(200) }).strict();

export const SsoDeviceStartResponseSchema = z
  .object({
    handle: z.string(),
    userCode: z.string(),
    verificationUri: z.string(),
    verificationUriComplete: z.string().nullable(),
    expiresAt: IsoInstant,
    interval: z.number().int().positive(),
  })
  .strict();
export type SsoDeviceStartResponse = z.infer<typeof SsoDeviceStartResponseSchema>;

export const SsoDevicePollRequestSchema = z.object({ tenantId: Id, handle: z.string().regex(/^[A-Za-z0-9_-]{43}$/) }).strict();

/** Still waiting for the person in the browser: poll again after `interval` seconds. */
export const SsoDevicePendingSchema = z.object({ status: z.literal('pending'), interval: z.number().int().positive() }).strict();
export const SsoDevicePollResponseSchema = z.union([SsoDevicePendingSchema, SignInResponseSchema]);
