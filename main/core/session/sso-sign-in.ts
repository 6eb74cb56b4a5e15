import * as oidc from 'openid-client';
import type { EventPayload } from '../../../shared/contract';
import { SignInResponseSchema, type SignInResponse } from '../../../shared/domain/auth';
import { isAcceptableIssuer, SsoConfigResponseSchema, SsoDevicePollResponseSchema, SsoDeviceStartResponseSchema } from '../../../shared/domain/sso';
import { PlantdeskError } from '../../../shared/errors';
import type { ServerClient } from '../net/server-client';
import { startLoopbackListener } from './sso-loopback';

/**
 * The workstation's part of single sign-on (RFC 8252): the provider is the tenant's, named by
 * the server; the browser is the system's (never a window of the app, which could read what the
 * person types); the code comes back to a loopback listener, bound to this sign-in by `state`,
 * with PKCE and a nonce; the server redeems the code and verifies the ID token. The device flow
 * (RFC 8628) for machines without a browser runs through the server altogether.
 */

export type SsoProvider = ReturnType<typeof SsoConfigResponseSchema.parse>['providers'][number];
export type SsoWaiting = EventPayload<'sso.waiting'>;

export interface SsoFlowHooks {
  /** Opens the authorization page in the system browser (the host's shell; the CLI's opener or printer). */
  openExternal: (url: string) => Promise<void>;
  /** How long the browser part may take. */
  browserTimeoutMs?: number;
  /** Told where the person is sent (the window shows it; the CLI prints it). */
  onWaiting: (waiting: SsoWaiting) => void;
  signal: AbortSignal;
}

export interface SsoDevice {
  deviceId: string;
  deviceName: string;
}

/** The organisations that sign in with SSO for an email domain or an organisation id. */
export async function ssoProviders(client: ServerClient, target: { tenantId?: string; email?: string }): Promise<SsoProvider[]> {
  const query = target.tenantId !== undefined ? { tenant: target.tenantId } : { email: target.email };
  const { providers } = await client.request({ path: '/auth/sso/config', query, schema: SsoConfigResponseSchema });
  return providers;
}

/** The one provider a sign-in is for: by organisation where given, else the only one of the email's domain. */
export async function ssoProviderFor(client: ServerClient, target: { tenantId?: string; email?: string }): Promise<SsoProvider> {
  const providers = (await ssoProviders(client, target)).filter((provider) => target.tenantId === undefined || provider.tenantId === target.tenantId);
  if (providers.length === 0) throw new PlantdeskError('sso_not_configured');
  if (providers.length > 1) {
    throw new PlantdeskError('sso_choose_organisation', undefined, { organisations: providers.map(({ tenantId, tenantName }) => ({ tenantId, tenantName })) });
  }
  return providers[0];
}

async function discover(provider: SsoProvider): Promise<oidc.Configuration> {
  // The server accepted this issuer; checked again here, as it decides where the browser goes.
  if (!isAcceptableIssuer(provider.issuer)) throw new PlantdeskError('sso_provider_unreachable', undefined, { reason: 'insecure_issuer' });
  const issuer = new URL(provider.issuer);
  try {
    return await oidc.discovery(issuer, provider.clientId, undefined, oidc.None(), {
      timeout: 15,
      // http only for a provider on this machine, as the server's settings allow.
      execute: issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
    });
  } catch (error) {
    throw new PlantdeskError('sso_provider_unreachable', undefined, { reason: (error as { code?: string }).code ?? 'discovery' });
  }
}

/** Resolves when the signal aborts: the flow's cancel, as a typed error. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    const fail = () => reject(new PlantdeskError('sso_cancelled'));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

/**
 * The browser flow: PKCE S256, state and nonce made here; the loopback listener waits for the
 * answer; the server redeems the code. The listener is closed whatever happens.
 */
export async function browserSignIn(client: ServerClient, provider: SsoProvider, device: SsoDevice, hooks: SsoFlowHooks, loginHint?: string): Promise<SignInResponse> {
  const config = await discover(provider);
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const timeoutMs = hooks.browserTimeoutMs;
  const listener = await startLoopbackListener({ state, timeoutMs });
  try {
    const authorizationUrl = oidc.buildAuthorizationUrl(config, {
      redirect_uri: listener.redirectUri,
      scope: provider.scopes.join(' '),
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      ...(loginHint ? { login_hint: loginHint } : {}),
    });
    if (hooks.signal.aborted) throw new PlantdeskError('sso_cancelled');
    const onAbort = () => listener.cancel();
    hooks.signal.addEventListener('abort', onAbort, { once: true });
    try {
      hooks.onWaiting({ flow: 'browser', authorizationUrl: authorizationUrl.href, expiresAt: new Date(Date.now() + (timeoutMs ?? 5 * 60_000)).toISOString() });
      await hooks.openExternal(authorizationUrl.href);
      const { code, iss } = await listener.response;
      // RFC 9207: an answer naming another issuer is a mix-up; the server checks it as well.
      if (iss !== null && iss !== config.serverMetadata().issuer) throw new PlantdeskError('sso_token_invalid', undefined, { reason: 'issuer' });
      return await client.request({
        method: 'POST',
        path: '/auth/sso/exchange',
        body: { tenantId: provider.tenantId, code, codeVerifier, redirectUri: listener.redirectUri, nonce, ...(iss !== null ? { iss } : {}), ...device },
        schema: SignInResponseSchema,
      });
    } finally {
      hooks.signal.removeEventListener('abort', onAbort);
    }
  } finally {
    listener.cancel();
    await listener.closed;
  }
}

/** Waits `seconds`, or rejects with sso_cancelled when the flow is cancelled first. */
function pause(seconds: number, signal: AbortSignal): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([new Promise<void>((resolve) => (timer = setTimeout(resolve, seconds * 1000))), aborted(signal)]).finally(() => clearTimeout(timer));
}

/**
 * The device flow through the server: it starts the device authorization and redeems the device
 * code itself; this side shows the code and asks at the interval the server gives.
 */
export async function deviceSignIn(client: ServerClient, provider: SsoProvider, device: SsoDevice, hooks: Pick<SsoFlowHooks, 'onWaiting' | 'signal'>): Promise<SignInResponse> {
  const started = await client.request({ method: 'POST', path: '/auth/sso/device', body: { tenantId: provider.tenantId, ...device }, schema: SsoDeviceStartResponseSchema });
  hooks.onWaiting({ flow: 'device', verificationUri: started.verificationUri, verificationUriComplete: started.verificationUriComplete, userCode: started.userCode, expiresAt: started.expiresAt });
  let interval = started.interval;
  for (;;) {
    await pause(interval, hooks.signal);
    const answer = await client.request({ method: 'POST', path: '/auth/sso/device/poll', body: { tenantId: provider.tenantId, handle: started.handle }, schema: SsoDevicePollResponseSchema });
    if (!('status' in answer)) return answer;
    interval = answer.interval;
  }
}
