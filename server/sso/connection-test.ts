import type { SsoConnectionTest } from '../../shared/domain/sso';
import { discoverProvider, ProviderUnreachable } from './oidc-client';

type Problem = SsoConnectionTest['problems'][number];

const problemWords: Record<Problem['code'], (issuer: string) => string> = {
  unreachable: (issuer) => `Nothing answered at ${issuer} (wrong address, DNS, firewall or the provider is down).`,
  not_an_issuer: (issuer) => `${issuer} answered, but not with OpenID Connect discovery (/.well-known/openid-configuration); check the issuer URL your provider shows.`,
  issuer_mismatch: (issuer) => `The provider's discovery document names a different issuer than ${issuer}; enter exactly the issuer it names (trailing slash included).`,
  insecure: () => 'The issuer must be reached over https (plain http only on this machine).',
  no_jwks: () => 'The provider publishes no signing keys (jwks_uri), so its ID tokens cannot be verified.',
  jwks_unusable: () => 'The provider\'s signing keys (jwks_uri) could not be fetched or hold no keys.',
  no_token_endpoint: () => 'The provider has no token endpoint, so sign-in codes cannot be redeemed.',
  no_pkce_s256: () => 'The provider does not list PKCE with S256, which the desktop sign-in needs.',
};

const problem = (code: Problem['code'], issuer: string): Problem => ({ code, message: problemWords[code](issuer) });

/** Discovery and the signing keys, checked the way a sign-in would need them; each problem in words. */
export async function testSsoConnection(issuer: string, clientId: string): Promise<SsoConnectionTest> {
  let config;
  try {
    config = await discoverProvider(issuer, clientId, null);
  } catch (error) {
    if (!(error instanceof ProviderUnreachable)) throw error;
    return { ok: false, issuer, problems: [problem(error.problem, issuer)], provider: null };
  }
  const metadata = config.serverMetadata();
  const problems: Problem[] = [];
  if (!metadata.token_endpoint) problems.push(problem('no_token_endpoint', issuer));
  if (metadata.code_challenge_methods_supported && !metadata.code_challenge_methods_supported.includes('S256')) problems.push(problem('no_pkce_s256', issuer));
  let jwksKeys = 0;
  if (!metadata.jwks_uri) {
    problems.push(problem('no_jwks', issuer));
  } else {
    jwksKeys = await countKeys(metadata.jwks_uri);
    if (jwksKeys === 0) problems.push(problem('jwks_unusable', issuer));
  }
  return {
    ok: problems.length === 0,
    issuer,
    problems,
    provider: {
      authorizationEndpoint: metadata.authorization_endpoint ?? '',
      tokenEndpoint: metadata.token_endpoint ?? '',
      deviceAuthorizationEndpoint: metadata.device_authorization_endpoint ?? null,
      jwksKeys,
    },
  };
}

async function countKeys(jwksUri: string): Promise<number> {
  try {
    const url = new URL(jwksUri);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname))) return 0;
    const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000), headers: { accept: 'application/json' } });
    if (!response.ok) return 0;
    const body = (await response.json()) as { keys?: unknown };
    return Array.isArray(body.keys) ? body.keys.length : 0;
  } catch {
    return 0;
  }
}
