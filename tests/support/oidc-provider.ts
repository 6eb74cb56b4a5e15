import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import Provider from 'oidc-provider';

/**
 * Identity providers on 127.0.0.1 for the single sign-on tests.
 *
 * `startOidcProvider`: a real OpenID Provider (oidc-provider) with a public native client
 * (loopback redirects, PKCE S256 required), a confidential client allowed the device grant, and
 * test accounts. There is no browser: `authorize` follows the redirects itself and the
 * interaction step signs in the account named in `login_hint` (or, for the device flow, the
 * one passed to `approveDevice`), so tests get real authorization codes.
 *
 * `startScriptedIssuer`: a bare issuer whose token endpoint answers with whatever ID token the
 * test minted (wrong audience, wrong issuer, expired, signed with a stranger's key...).
 */

export interface IdpAccount {
  id: string;
  email: string;
  emailVerified?: boolean;
  name?: string;
  groups?: string[];
  /** Asked for on the provider's sign-in page when that page is on (see showSignInPage). */
  password?: string;
}

export const NATIVE_CLIENT_ID = 'plantdesk-desktop';
export const DEVICE_CLIENT_ID = 'plantdesk-cli';
export const DEVICE_CLIENT_SECRET = 'device-client-secret-for-tests-only-0123456789';

export interface PkceSet {
  codeVerifier: string;
  codeChallenge: string;
  nonce: string;
  state: string;
}

/** What the desktop app makes before opening the browser. */
export function newPkceSet(): PkceSet {
  const codeVerifier = randomBytes(32).toString('base64url');
  return {
    codeVerifier,
    codeChallenge: createHash('sha256').update(codeVerifier).digest('base64url'),
    nonce: randomBytes(16).toString('base64url'),
    state: randomBytes(16).toString('base64url'),
  };
}

export interface AuthorizationResult {
  code: string;
  state: string | null;
  iss: string | null;
}

export interface TestOidcProvider {
  issuer: string;
  addAccount(account: IdpAccount): void;
  /** The browser part of RFC 8252, driven without a browser; the account signs in at once. */
  authorize(options: { account: string; redirectUri: string; pkce: PkceSet; clientId?: string; scope?: string }): Promise<AuthorizationResult>;
  /**
   * Plays the system browser for an authorization URL the app made: the account named in its
   * `login_hint` signs in, and the redirect is followed to the app's loopback listener, whose
   * answer is returned.
   */
  browse(authorizationUrl: string): Promise<{ url: URL; status: number; body: string }>;
  /** Opens the verification URI (complete) and confirms the code as `account`. */
  approveDevice(verificationUriComplete: string, account: string): Promise<void>;
  /**
   * On: a browser meets the provider's own sign-in page (email and password) and signs in there,
   * as a person would at Entra ID or Keycloak. Off (the default): the account in login_hint is
   * signed in at once, for tests that play the browser with fetch.
   */
  showSignInPage(on: boolean): void;
  stop(): Promise<void>;
}

/** A minimal cookie jar: the provider's interaction cookies across the redirects of one flow. */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attributes.some((attribute) => /^\s*expires=.*1970/i.test(attribute)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

export async function startOidcProvider(options: { accounts?: IdpAccount[] } = {}): Promise<TestOidcProvider> {
  const accounts = new Map((options.accounts ?? []).map((account) => [account.id, account]));
  let deviceAccount: string | null = null;
  const server = createServer();
  const port = await listen(server);
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'test-signing-key', use: 'sig', alg: 'RS256' };

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: NATIVE_CLIENT_ID,
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        redirect_uris: ['http://127.0.0.1/callback'],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
      {
        client_id: DEVICE_CLIENT_ID,
        client_secret: DEVICE_CLIENT_SECRET,
        token_endpoint_auth_method: 'client_secret_basic',
        redirect_uris: [],
        grant_types: ['urn:ietf:params:oauth:grant-type:device_code'],
        response_types: [],
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: ['oidc-provider-test-cookie-key'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    // Email and groups in the ID token itself, as most enterprise providers send them.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false }, deviceFlow: { enabled: true } },
    pkce: { required: () => true },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx: unknown, id: string) => {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        claims: () => ({ sub: id, email: account.email, email_verified: account.emailVerified ?? true, name: account.name ?? id, groups: account.groups ?? [] }),
      };
    },
  });
  const callback = provider.callback();

  let signInPage = false;
  const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  const signInForm = (uid: string, hint: string, problem: string | null) =>
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test identity provider: sign in</title></head><body>` +
    `<h1>Sign in to the test identity provider</h1>${problem ? `<p role="alert">${escapeHtml(problem)}</p>` : ''}` +
    `<form method="post" action="/interaction/${escapeHtml(uid)}/login">` +
    `<label>Email <input name="email" type="email" value="${escapeHtml(hint)}"></label> ` +
    `<label>Password <input name="password" type="password"></label> <button type="submit">Sign in</button></form></body></html>`;
  const formFields = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  };

  // The interaction a browser would show: signs in the named account and consents at once, or,
  // with the sign-in page on, asks for the email and password first.
  const interact = async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const details = await provider.interactionDetails(req, res);
      const hint = typeof details.params.login_hint === 'string' ? details.params.login_hint : '';
      if (signInPage && details.prompt.name === 'login' && !deviceAccount) {
        if (req.method !== 'POST') {
          res.setHeader('content-type', 'text/html; charset=utf-8');
          res.end(signInForm(details.uid, accounts.get(hint)?.email ?? '', null));
          return;
        }
        const fields = await formFields(req);
        const found = [...accounts.values()].find((account) => account.email === fields.get('email'));
        if (!found || (found.password !== undefined && found.password !== fields.get('password'))) {
          res.setHeader('content-type', 'text/html; charset=utf-8');
          res.end(signInForm(details.uid, fields.get('email') ?? '', 'The email or password is not right.'));
          return;
        }
        const grant = new provider.Grant({ accountId: found.id, clientId: String(details.params.client_id) });
        grant.addOIDCScope(String(details.params.scope ?? 'openid'));
        await provider.interactionFinished(req, res, { login: { accountId: found.id }, consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: false });
        return;
      }
      const accountId = hint || deviceAccount;
      if (!accountId || !accounts.has(accountId)) {
        res.statusCode = 400;
        res.end('unknown test account');
        return;
      }
      const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
      grant.addOIDCScope(String(details.params.scope ?? 'openid'));
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith('/interaction/')) void interact(req, res);
    else callback(req, res);
  });

  const follow = async (start: URL, jar: CookieJar, stopAt: (url: URL) => boolean, init?: RequestInit): Promise<{ url: URL; response: Response }> => {
    let url = start;
    let requestInit: RequestInit | undefined = init;
    for (let hop = 0; hop < 12; hop += 1) {
      const response = await fetch(url, { ...requestInit, redirect: 'manual', headers: { ...(requestInit?.headers as Record<string, string>), cookie: jar.header() } });
      jar.store(response);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return { url, response };
      url = new URL(location, url);
      requestInit = undefined;
      if (stopAt(url)) return { url, response };
    }
    throw new Error('too many redirects at the test identity provider');
  };

  return {
    issuer,
    addAccount: (account) => accounts.set(account.id, account),
    async authorize({ account, redirectUri, pkce, clientId = NATIVE_CLIENT_ID, scope = 'openid email profile groups' }) {
      const url = new URL('/auth', issuer);
      for (const [key, value] of Object.entries({
        client_id: clientId,
        response_type: 'code',
        redirect_uri: redirectUri,
        scope,
        state: pkce.state,
        nonce: pkce.nonce,
        code_challenge: pkce.codeChallenge,
        code_challenge_method: 'S256',
        login_hint: account,
      })) {
        url.searchParams.set(key, value);
      }
      const jar = new CookieJar();
      const { url: landed, response } = await follow(url, jar, (next) => next.href.startsWith(redirectUri));
      if (!landed.href.startsWith(redirectUri)) throw new Error(`authorization did not return to the app: ${response.status} ${await response.text()}`);
      const code = landed.searchParams.get('code');
      if (!code) throw new Error(`authorization refused: ${landed.search}`);
      return { code, state: landed.searchParams.get('state'), iss: landed.searchParams.get('iss') };
    },
    showSignInPage(on) {
      signInPage = on;
    },
    async browse(authorizationUrl) {
      const { url, response } = await follow(new URL(authorizationUrl), new CookieJar(), () => false);
      return { url, status: response.status, body: await response.text() };
    },
    async approveDevice(verificationUriComplete, account) {
      deviceAccount = account;
      const jar = new CookieJar();
      const page = await follow(new URL(verificationUriComplete), jar, () => false);
      const html = await page.response.text();
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
      const userCode = /name="user_code" value="([^"]+)"/.exec(html)?.[1];
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      if (!xsrf || !userCode || !action) throw new Error(`no confirmation form at the device page: ${html.slice(0, 300)}`);
      const done = await follow(new URL(action, page.url), jar, () => false, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ xsrf, user_code: userCode, confirm: 'yes' }).toString(),
      });
      if (done.response.status !== 200) throw new Error(`device approval failed: ${done.response.status}`);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ScriptedIssuer {
  issuer: string;
  /** The key in the issuer's JWKS. */
  sign(claims: JWTPayload, options?: { key?: 'issuer' | 'stranger' }): Promise<string>;
  /** The ID token the token endpoint answers next, given the form it received. */
  respondWith(mint: (form: URLSearchParams) => Promise<string>): void;
  stop(): Promise<void>;
}

/**
 * An issuer with discovery, JWKS and a token endpoint that returns the test's ID token for any
 * code: the server's checks on the token are all that stands between it and a session.
 */
export async function startScriptedIssuer(): Promise<ScriptedIssuer> {
  const server = createServer();
  const port = await listen(server);
  const issuer = `http://127.0.0.1:${port}`;
  const own = await generateKeyPair('RS256', { extractable: true });
  const stranger = await generateKeyPair('RS256', { extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(own.publicKey)), kid: 'issuer-key', use: 'sig', alg: 'RS256' };
  let mint: ((form: URLSearchParams) => Promise<string>) | null = null;

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/.well-known/openid-configuration') {
      send(200, {
        issuer,
        authorization_endpoint: `${issuer}/auth`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
      });
      return;
    }
    if (req.url === '/jwks') return send(200, { keys: [publicJwk] });
    if (req.url === '/token' && req.method === 'POST') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        if (!mint) return send(400, { error: 'invalid_grant' });
        mint(new URLSearchParams(body)).then(
          (idToken) => send(200, { access_token: randomBytes(16).toString('hex'), token_type: 'Bearer', expires_in: 300, id_token: idToken }),
          () => send(500, { error: 'server_error' }),
        );
      });
      return;
    }
    send(404, { error: 'not_found' });
  });

  return {
    issuer,
    async sign(claims, options = {}) {
      const key = options.key === 'stranger' ? stranger.privateKey : own.privateKey;
      return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'issuer-key' }).sign(key);
    },
    respondWith(next) {
      mint = next;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
