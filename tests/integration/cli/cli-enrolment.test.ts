import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretServiceCapability, skipUnless } from '../../support/capabilities';
import { converseWithCli, runCli, startServerProcess, type RunningProcess } from '../../support/processes';

const ownPassword = 'Piet-chooses-his-own-17';
const changedPassword = 'Piet-changed-it-later-28';

/**
 * `plantdesk login --enrol` and `plantdesk password` against the real server process, with the
 * real keychain: the person reads the link in, is shown their authenticator key, answers with
 * their own password and a code from that key; later changes the password, and the local cache
 * opens with the new one.
 */
describe.skipIf(skipUnless(secretServiceCapability()))('enrolment and password change from the CLI', () => {
  let server: RunningProcess | null = null;
  let link = '';
  let email = '';
  const profile = mkdtempSync(path.join(tmpdir(), 'plantdesk-cli-enrol-'));
  const dataDir = mkdtempSync(path.join(tmpdir(), 'plantdesk-cli-enrol-server-'));

  beforeAll(async () => {
    server = await startServerProcess(['--data', dataDir, '--port', '0', '--demo', '--demo-entries', '50']);
    const credentials = JSON.parse(readFileSync(path.join(dataDir, 'demo-credentials.json'), 'utf8'));
    const admin = credentials.users.find((user: { role: string }) => user.role === 'admin');
    const post = async (url: string, body: unknown, token?: string) => {
      const response = await fetch(`${server!.url}${url}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
      return (await response.json()) as Record<string, unknown>;
    };
    const login = await post('/v1/auth/login', { email: admin.email, password: admin.password, deviceId: 'cli-test', deviceName: 'CLI test' });
    const session = await post('/v1/auth/totp', { challengeId: login.challengeId, code: await generate({ secret: admin.totpSecret }) });
    email = `piet-${Date.now()}@northfield.example`;
    const created = await post(`/v1/tenants/${credentials.tenantId}/users`, { email, displayName: 'Piet Pump', role: 'contributor' }, session.token as string);
    link = (created.enrolment as { link: string }).link;
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('login --enrol: reads the link, shows the key, takes the person’s own password and a code, and signs in', async () => {
    let secret = '';
    const result = await converseWithCli(['login', '--enrol', '--json', '--profile', profile], [
      { after: null, answer: () => [link] },
      {
        after: /"totpSecret"/,
        answer: async (stdout) => {
          secret = JSON.parse(stdout.split('\n')[0]).totpSecret as string;
          return [ownPassword, await generate({ secret })];
        },
      },
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [shown, status] = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(shown).toMatchObject({ email, tenantName: 'Northfield Plant', totpSecret: secret });
    expect(shown.otpauthUri).toContain(`secret=${secret}`);
    expect(status).toMatchObject({ state: 'unlocked', online: true, user: { email, displayName: 'Piet Pump' } });
    // The link worked once.
    const again = await runCli(['login', '--enrol', '--profile', mkdtempSync(path.join(tmpdir(), 'plantdesk-cli-enrol-again-'))], { stdin: `${link}\n` });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('enrolment link');
  });

  it('password: changes the password on the server and moves the local cache over to it', async () => {
    const changed = await runCli(['password', '--json', '--profile', profile], { stdin: `${ownPassword}\n${changedPassword}\n` });
    expect(changed.stderr).toBe('');
    expect(changed.code).toBe(0);
    expect(JSON.parse(changed.stdout)).toEqual({ changed: true });
    const oldOne = await runCli(['status', '--password-stdin', '--profile', profile], { stdin: ownPassword });
    expect(oldOne.code).toBe(1);
    const newOne = await runCli(['status', '--password-stdin', '--json', '--profile', profile], { stdin: changedPassword });
    expect(newOne.code).toBe(0);
    expect(JSON.parse(newOne.stdout).session).toMatchObject({ state: 'unlocked', user: { email } });
  });

  it('says how many seconds to wait when the server throttles a sign-in', async () => {
    const attempt = () =>
      runCli(['login', '--server', server!.url, '--email', email, '--password-stdin', '--totp', '000000', '--profile', mkdtempSync(path.join(tmpdir(), 'plantdesk-cli-throttle-'))], {
        stdin: 'not-the-password-at-all',
      });
    let last = await attempt();
    for (let i = 0; i < 6 && !/wait \d+ seconds?/.test(last.stderr); i++) last = await attempt();
    expect(last.code).toBe(1);
    expect(last.stderr).toMatch(/^plantdesk: Too many failed attempts: wait \d+ seconds?, then try again\.$/m);
  });

  it('refuses text that is not an enrolment link with a typed message, before asking anything else', async () => {
    const result = await runCli(['login', '--enrol', '--profile', mkdtempSync(path.join(tmpdir(), 'plantdesk-cli-enrol-bad-'))], { stdin: 'https://plant.example/not-a-link\n' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('That is not a Plantdesk enrolment link');
  });
});
