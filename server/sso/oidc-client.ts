import * as oidc from 'openid-client';
import type { ErrorCode } from '../../shared/errors';
import type { SecretBox } from '../crypto/secret-box';
import type { SsoSettingsRecord } from '../store/sso';

/**
 * The server's side of talking to a tenant's identity provider, all through openid-client:
 * discovery, the token endpoint, and the ID token's checks (issuer, audience, expiry, nonce and,
 * with non-repudiation on, the JWS signature against the provider's JWKS). Nothing here parses
 * a JWT by hand.
 */

const PROVIDER_TIMEOUT_SECONDS = 10;

const loopbackHosts = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** The secret box context of a tenant's client secret: a sealed secret moved to another tenant does not open. */
export const clientSecretContext = (tenantId: string) => `sso-client-secret:${tenantId}`;

/** http is accepted for a provider on this machine only (settings refuse it elsewhere). */
function discoveryOptions(issuer: URL): oidc.DiscoveryRequestOptions {
  return { timeout: PROVIDER_TIMEOUT_SECONDS, execute: issuer.protocol === 'http:' && loopbackHosts.has(issuer.hostname) ? [oidc.allowInsecureRequests] : [] };
}

export class ProviderUnreachable extends Error {
  constructor(readonly problem: 'unreachable' | 'not_an_issuer' | 'issuer_mismatch' | 'insecure', cause: unknown) {
    super(`identity provider discovery failed: ${problem}`, { cause });
    this.name = 'ProviderUnreachable';
  }
}

/** What discovery failed on, in the words the connection test uses. */
export function discoveryProblem(error: unknown): ProviderUnreachable['problem'] {
  const code = (error as { code?: string }).code;
  if (code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED') return 'issuer_mismatch';
  if (code === 'OAUTH_HTTP_REQUEST_FORBIDDEN' || code === 'OAUTH_REQUEST_PROTOCOL_FORBIDDEN') return 'insecure';
  if (code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || code === 'OAUTH_RESPONSE_IS_NOT_JSON' || code === 'OAUTH_PARSE_ERROR' || code === 'OAUTH_INVALID_RESPONSE' || code === 'OAUTH_INVALID_SERVER_METADATA' || code === 'OAUTH_MISSING_SERVER_METADATA') {
    return 'not_an_issuer';
  }
  return 'unreachable';
}

/** Discovery against the issuer, with the tenant's client; throws ProviderUnreachable. */
export async function discoverProvider(issuer: string, clientId: string, clientSecret: string | null): Promise<oidc.Configuration> {
  const url = new URL(issuer);
  let config: oidc.Configuration;
  try {
    config = await oidc.discovery(url, clientId, undefined, clientSecret ? oidc.ClientSecretBasic(clientSecret) : oidc.None(), discoveryOptions(url));
  } catch (error) {
    throw new ProviderUnreachable(discoveryProblem(error), error);
  }
  // The token comes straight from the provider's token endpoint, where TLS alone would vouch for
  // it (OIDC Core 3.1.3.7); checking the signature as well keeps one rule for every path.
  oidc.enableNonRepudiationChecks(config);
  return config;
}

export function providerFor(settings: SsoSettingsRecord, secretBox: SecretBox): Promise<oidc.Configuration> {
  const secret = settings.client_secret_sealed ? secretBox.open(settings.client_secret_sealed, clientSecretContext(settings.tenant_id)) : null;
  return discoverProvider(settings.issuer, settings.client_id, secret);
}

export type TokenRefusal = 'signature' | 'issuer' | 'audience' | 'expired' | 'not_yet_valid' | 'nonce' | 'code_refused' | 'malformed';

/** An error from the token step as a typed refusal: which check failed, never the token. */
export function classifyTokenError(error: unknown): { code: ErrorCode; reason: TokenRefusal | 'provider_unreachable' } {
  if (error instanceof oidc.ResponseBodyError) return { code: 'sso_token_invalid', reason: 'code_refused' };
  const code = (error as { code?: string }).code;
  const claim = findClaim(error);
  if (code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED') {
    if (claim === 'iss') return { code: 'sso_token_invalid', reason: 'issuer' };
    if (claim === 'aud' || claim === 'azp') return { code: 'sso_token_invalid', reason: 'audience' };
    if (claim === 'nonce') return { code: 'sso_token_invalid', reason: 'nonce' };
    return { code: 'sso_token_invalid', reason: 'malformed' };
  }
  if (code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED') return { code: 'sso_token_invalid', reason: claim === 'exp' ? 'expired' : 'not_yet_valid' };
  if (code === 'OAUTH_KEY_SELECTION_FAILED' || (code === 'OAUTH_INVALID_RESPONSE' && /signature/i.test(messages(error)))) return { code: 'sso_token_invalid', reason: 'signature' };
  if (error instanceof oidc.ClientError && code !== 'OAUTH_RESPONSE_IS_NOT_CONFORM' && code !== 'OAUTH_RESPONSE_IS_NOT_JSON') return { code: 'sso_token_invalid', reason: 'malformed' };
  return { code: 'sso_provider_unreachable', reason: 'provider_unreachable' };
}

function findClaim(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth += 1) {
    const claim = (current as { claim?: unknown }).claim;
    if (typeof claim === 'string') return claim;
  }
  return undefined;
}

function messages(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth += 1) {
    if (current instanceof Error) parts.push(current.message);
  }
  return parts.join(' | ');
}
