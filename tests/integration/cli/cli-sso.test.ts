import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canOpenBrowser, openerFor } from '../../../main/cli/browser';
import { secretServiceCapability, skipUnless } from '../../support/capabilities';
import { DEVICE_CLIENT_ID, DEVICE_CLIENT_SECRET, NATIVE_CLIENT_ID, startOidcProvider, type TestOidcProvider } from '../../support/oidc-provider';
import { converseWithCli, runCli } from '../../support/processes';
import { startTestServer, type TestServer } from '../../support/server';

// `plantdesk login --sso` (the real binary) against the test server and a real OpenID provider,
// with the real keychain. The test plays the person: it opens the printed address or approves the
// printed device code at the provider.
const PASSPHRASE = 'quiet-harbour-under-the-crane-4';

describe('the command line picks the system browser only where there is a display', () => {
  it('prints instead of opening on Linux without X11 or Wayland, or with --no-browser', () => {
    expect(canOpenBrowser({}, false, 'linux')).toBe(false);
    expect(canOpenBrowser({ DISPLAY: ':0' }, false, 'linux')).toBe(true);
    expect(canOpenBrowser({ WAYLAND_DISPLAY: 'wayland-0' }, false, 'linux')).toBe(true);
    expect(canOpenBrowser({ DISPLAY: ':0' }, true, 'linux')).toBe(false);
    expect(canOpenBrowser({}, false, 'darwin')).toBe(true);
    expect(canOpenBrowser({}, true, 'win32')).toBe(false);
  });

  it('hands the address to the opener as one argument, never to a shell', () => {
    const url = 'https://idp.example/auth?a=1&b=2^3';
    expect(openerFor(url, 'linux')).toEqual(['xdg-open', [url]]);
    expect(openerFor(url, 'darwin')).toEqual(['open', [url]]);
    expect(openerFor(url, 'win32')).toEqual(['rundll32', ['url.dll,FileProtocolHandler', url]]);
  });
});

describe.skipIf(skipUnless(secretServiceCapability()))('plantdesk login --sso', () => {
  let t: TestServer;
  let idp: TestOidcProvider;

  beforeAll(async () => {
    t = await startTestServer({ backend: 'pglite', clockStart: new Date() });
    idp = await startOidcProvider();
  }, 60_000);

  afterAll(async () => {
    await t?.stop();
    await idp?.stop();
  });

  async function ssoTenant(name: string, domain: string, client: Record<string, unknown>) {
    const tenant = await t.createTenant(name);
    const token = (await t.signIn(tenant.admin)).token;
    const answer = await t.request('PATCH', `/v1/tenants/${tenant.id}/sso`, { token, body: { enabled: true, issuer: idp.issuer, allowedDomains: [domain], ...client } });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return tenant;
  }

  it('with --no-browser prints the address; opened elsewhere, it signs in and creates the cache under the passphrase', async () => {
    const tenant = await ssoTenant('Harbour Cranes', 'harbour.example', { clientId: NATIVE_CLIENT_ID });
    const member = await t.addMember(tenant.id, 'viewer', { email: `crane-${Date.now().toString(36)}@harbour.example` });
    idp.addAccount({ id: member.email, email: member.email });
    const profile = mkdtempSync(path.join(tmpdir(), 'plantdesk-cli-sso-'));
    let browsed: { status: number; body: string } | null = null;
    const result = await converseWithCli(
      ['login', '--sso', '--no-browser', '--server', t.url, '--email', member.email, '--json', '--profile', profile],
      [
        { after: null, answer: () => [PASSPHRASE] },
        {
          after: /Open this address in a browser[^\n]*\n\s+(http\S+)/,
          answer: async (stdout) => {
            const url = /Open this address in a browser[^\n]*\n\s+(http\S+)/.exec(stdout)![1];
            expect(new URL(url).origin).toBe(idp.issuer);
            browsed = await idp.browse(url);
            return [];
          },
        },
      ],
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(browsed).toMatchObject({ status: 200, body: expect.stringMatching(/Return to Plantdesk/) });
    expect(JSON.parse(result.stdout.trim().split('\n').at(-1)!)).toMatchObject({ state: 'unlocked', online: true, tenantId: tenant.id, user: { email: member.email } });

    // The cache opens with the passphrase, as the other commands unlock it.
    const status = await converseWithCli(['status', '--json', '--password-stdin', '--profile', profile], [{ after: null, answer: () => [PASSPHRASE] }]);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).session).toMatchObject({ state: 'unlocked', user: { email: member.email } });
    // Asked for without --password-stdin, it is a passphrase, not a password (no terminal here: it says what it needs).
    const asked = await runCli(['status', '--profile', profile]);
    expect(asked.stderr).toMatch(/Passphrase is needed/);
  }, 60_000);

  it('with --device prints the verification address and code, and signs in once the person approves it', async () => {
    const tenant = await ssoTenant('Harbour Locks', 'locks.example', { clientId: DEVICE_CLIENT_ID, clientSecret: DEVICE_CLIENT_SECRET });
    const member = await t.addMember(tenant.id, 'viewer', { email: `lock-${Date.now().toString(36)}@locks.example` });
    idp.addAccount({ id: `device-${member.id}`, email: member.email });
    const profile = mkdtempSync(path.join(tmpdir(), 'plantdesk-cli-device-'));
    // The server lets the CLI ask at most once per interval of its (manual) clock.
    const ticking = setInterval(() => t.clock.advance(2_500), 1_000);
    try {
      const result = await converseWithCli(
        ['login', '--sso', '--device', '--server', t.url, '--tenant', tenant.id, '--json', '--profile', profile],
        [
          { after: null, answer: () => [PASSPHRASE] },
          {
            after: /or open: (\S+)/,
            answer: async (stdout) => {
              expect(stdout).toMatch(/To sign in, open \S+ on any device and enter the code \S+/);
              await idp.approveDevice(/or open: (\S+)/.exec(stdout)![1], `device-${member.id}`);
              return [];
            },
          },
        ],
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout.trim().split('\n').at(-1)!)).toMatchObject({ state: 'unlocked', tenantId: tenant.id, user: { email: member.email } });
    } finally {
      clearInterval(ticking);
    }
  }, 60_000);
});
