import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../../server/crypto/totp';
import { DEMO_TENANT_ID, DemoCredentialsSchema } from '../../../server/demo/seed-demo';
import { SignInResponseSchema } from '../../../shared/domain/auth';
import { ownerRows, serverBackends, startTestServer, type TestServer } from '../../support/server';

const repo = join(import.meta.dirname, '../../..');
// `node --import tsx` is what `npm run server` (tsx server/main.ts) runs, minus tsx's CLI wrapper,
// which relays signals with a 30 ms deadline and would blur the exit code of a clean shutdown.
const serverCommand = ['--import', 'tsx', 'server/main.ts'];
const listeningLine = /^plantdesk-server listening on (http:\/\/127\.0\.0\.1:\d+)$/m;

interface Started {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stop(): Promise<number | null>;
}

/** Runs the server as `npm run server` does (tsx server/main.ts) and waits for its line. */
function runServer(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Started> {
  const child = spawn(process.execPath, [...serverCommand, ...args], { cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += String(chunk)));
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line within 90 s; stdout: ${stdout}; stderr: ${stderr.slice(-2000)}`)), 90_000);
    child.stdout!.on('data', () => {
      const match = listeningLine.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        child,
        url: match[1],
        stdout: () => stdout,
        async stop() {
          child.kill('SIGTERM');
          return exited;
        },
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening; stdout: ${stdout}; stderr: ${stderr.slice(-2000)}`));
    });
  });
}

function runToExit(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...serverCommand, ...args], { cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run server', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'plantdesk-demo-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts through `npm run server -- --demo` and prints the listening line', async () => {
    // Its own process group, so the npm -> sh -> node chain we started is ended together.
    const child = spawn('npm', ['run', 'server', '--', '--data', join(dir, 'npm'), '--port', '0', '--demo', '--demo-entries', '100'], { cwd: repo, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listening line: ${stdout}`)), 90_000);
        child.stdout.on('data', () => {
          if (listeningLine.test(stdout)) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const url = listeningLine.exec(stdout)![1];
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      expect(DemoCredentialsSchema.parse(JSON.parse(readFileSync(join(dir, 'npm', 'demo-credentials.json'), 'utf8'))).server).toBe(url);
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
  });

  it('prints exactly the listening line of API.md without --demo, and stops cleanly on SIGTERM', async () => {
    const server = await runServer(['--data', join(dir, 'plain'), '--port', '0']);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(await server.stop()).toBe(0);
    expect(server.stdout()).toMatch(/^plantdesk-server listening on http:\/\/127\.0\.0\.1:\d+\n$/);
  });

  it('seeds the demo once: credentials printed and written 0600, the admin signs in with an authenticator code', async () => {
    const data = join(dir, 'demo');
    const server = await runServer(['--data', data, '--port', '0', '--demo', '--demo-entries', '300']);
    try {
      const path = join(data, 'demo-credentials.json');
      expect(statSync(path).mode & 0o777).toBe(0o600);
      const credentials = DemoCredentialsSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
      expect(credentials.server).toBe(server.url);
      expect(credentials.tenantId).toBe(DEMO_TENANT_ID);
      expect(credentials.users.map((user) => [user.email, user.role])).toEqual([
        ['admin@northfield.example', 'admin'],
        ['contributor@northfield.example', 'contributor'],
        ['viewer@northfield.example', 'viewer'],
      ]);
      for (const user of credentials.users) {
        expect(server.stdout()).toContain(user.password);
        expect(server.stdout()).toContain(user.totpSecret);
        expect(user.totpSecret).toMatch(/^[A-Z2-7]{32}$/);
      }
      expect(statSync(join(data, 'grant-signing-key.pem')).mode & 0o777).toBe(0o600);

      const admin = credentials.users[0];
      const login = await fetch(`${server.url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: admin.email, password: admin.password, deviceId: 'demo-test', deviceName: 'Demo test' }),
      });
      const { challengeId } = (await login.json()) as { challengeId: string };
      // Exactly what an authenticator app computes from the base32 secret, at the real time.
      const code = await totpCode(admin.totpSecret, new Date());
      const signedIn = await fetch(`${server.url}/v1/auth/totp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ challengeId, code }) });
      expect(signedIn.status).toBe(200);
      const body = SignInResponseSchema.parse(await signedIn.json());
      expect(body.memberships.map((membership) => membership.tenant_name)).toEqual(['Northfield Plant']);
      expect(body.grant.roles.org).toBe('admin');
    } finally {
      expect(await server.stop()).toBe(0);
    }

    // A second start finds the tenant: nothing is seeded again, the same credentials still work.
    const before = readFileSync(join(data, 'demo-credentials.json'), 'utf8');
    const again = await runServer(['--data', data, '--port', '0', '--demo']);
    try {
      const after = DemoCredentialsSchema.parse(JSON.parse(readFileSync(join(data, 'demo-credentials.json'), 'utf8')));
      expect(after.users).toEqual(DemoCredentialsSchema.parse(JSON.parse(before)).users);
      expect(after.server).toBe(again.url);
    } finally {
      expect(await again.stop()).toBe(0);
    }
  });

  it('refuses --demo in production mode', async () => {
    const result = await runToExit(['--data', join(dir, 'prod'), '--port', '0', '--demo'], { NODE_ENV: 'production' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/refused in production/);
    expect(result.stdout).not.toMatch(listeningLine);
  });

  it('answers a usage error with exit code 2', async () => {
    const result = await runToExit(['--port', 'seventy'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/usage: npm run server/);
  });
});

for (const { name, backend, skip } of serverBackends()) {
  describe.skipIf(skip)(`demo shift-log generator (${name})`, () => {
    let t: TestServer;
    beforeAll(async () => {
      // Just after the US spring-forward (8 March 2026): one generated night is 11 hours long.
      t = await startTestServer({ backend, clockStart: new Date('2026-03-10T15:00:00Z'), server: { demo: { entries: 4000 } } });
    });
    afterAll(() => t?.stop());

    const count = async (sql: string) => Number((await ownerRows(t.db, sql, [DEMO_TENANT_ID]))[0].n);

    it('seeds the requested number of entries, spread over shift logs and areas', async () => {
      expect(await count('SELECT count(*)::int AS n FROM log_entries WHERE tenant_id = $1')).toBe(4000);
      expect(await count('SELECT count(*)::int AS n FROM shift_logs WHERE tenant_id = $1')).toBe(100);
      expect(await count('SELECT count(DISTINCT area_id)::int AS n FROM log_entries WHERE tenant_id = $1')).toBe(8);
      expect(await count('SELECT count(DISTINCT equipment_tag)::int AS n FROM log_entries WHERE tenant_id = $1')).toBeGreaterThan(50);
      expect(await count("SELECT count(DISTINCT category)::int AS n FROM log_entries WHERE tenant_id = $1")).toBe(6);
      expect(await count("SELECT count(DISTINCT severity)::int AS n FROM log_entries WHERE tenant_id = $1")).toBe(5);
      expect(await count('SELECT count(*)::int AS n FROM log_entries WHERE tenant_id = $1 AND (occurred_at < (SELECT starts_at FROM shift_logs s WHERE s.id = shift_log_id) OR occurred_at > (SELECT ends_at FROM shift_logs s WHERE s.id = shift_log_id))')).toBe(0);
    });

    it('includes late entries with a reason, amendments, voids, sign-offs and handovers', async () => {
      const late = await count('SELECT count(*)::int AS n FROM log_entries WHERE tenant_id = $1 AND late');
      expect(late).toBeGreaterThan(40);
      expect(await count('SELECT count(*)::int AS n FROM log_entries e JOIN shift_logs s ON s.id = e.shift_log_id WHERE e.tenant_id = $1 AND e.late AND (e.late_reason IS NULL OR e.recorded_at <= s.ends_at)')).toBe(0);
      expect(await count('SELECT count(*)::int AS n FROM entry_amendments WHERE tenant_id = $1')).toBeGreaterThan(30);
      expect(await count("SELECT count(*)::int AS n FROM log_entries e WHERE tenant_id = $1 AND state = 'voided' AND NOT EXISTS (SELECT 1 FROM entry_amendments a WHERE a.entry_id = e.id AND a.kind = 'void')")).toBe(0);
      expect(await count("SELECT count(*)::int AS n FROM shift_logs s WHERE tenant_id = $1 AND status = 'signed' AND NOT EXISTS (SELECT 1 FROM signoffs o WHERE o.shift_log_id = s.id)")).toBe(0);
      expect(await count("SELECT count(*)::int AS n FROM signoffs WHERE tenant_id = $1")).toBeGreaterThan(50);
      expect(await count('SELECT count(*)::int AS n FROM handovers WHERE tenant_id = $1')).toBe(100 - 8);
    });

    it('lays shifts out in the site time zone, so a DST night lasts 11 hours', async () => {
      const durations = await ownerRows(t.db, "SELECT DISTINCT extract(epoch FROM ends_at - starts_at)::int / 3600 AS hours FROM shift_logs WHERE tenant_id = $1 ORDER BY 1", [DEMO_TENANT_ID]);
      expect(durations.map((row) => Number(row.hours))).toEqual([11, 12]);
      const day = await ownerRows(t.db, "SELECT to_char(starts_at AT TIME ZONE 'America/Chicago', 'HH24:MI') AS local FROM shift_logs WHERE tenant_id = $1 AND shift_name = 'Day' LIMIT 1", [DEMO_TENANT_ID]);
      expect(day[0].local).toBe('07:00');
    });

    it('puts every seeded row in the change log, gapless, without secrets', async () => {
      const [{ n, max, last }] = await ownerRows(t.db, 'SELECT count(*)::int AS n, max(seq)::int AS max, (SELECT last_seq FROM tenant_seq WHERE tenant_id = $1)::int AS last FROM change_log WHERE tenant_id = $1', [DEMO_TENANT_ID]);
      expect(Number(n)).toBe(Number(max));
      expect(Number(last)).toBe(Number(max));
      expect(await count("SELECT count(DISTINCT entity_id)::int AS n FROM change_log WHERE tenant_id = $1 AND entity = 'log_entry'")).toBe(4000);
      // A voided entry changed after it was written: its latest change carries the voided state.
      const voided = await count("SELECT count(*)::int AS n FROM log_entries WHERE tenant_id = $1 AND state = 'voided'");
      expect(await count("SELECT count(*)::int AS n FROM change_log WHERE tenant_id = $1 AND entity = 'log_entry'")).toBe(4000 + voided);
      expect(
        await count(`SELECT count(*)::int AS n FROM log_entries e WHERE e.tenant_id = $1 AND e.state <> (
          SELECT c.row ->> 'state' FROM change_log c WHERE c.tenant_id = $1 AND c.entity = 'log_entry' AND c.entity_id = e.id::text ORDER BY c.seq DESC LIMIT 1)`),
      ).toBe(0);
      expect(await count("SELECT count(*)::int AS n FROM change_log WHERE tenant_id = $1 AND (row ? 'password_hash' OR row ? 'totp_secret')")).toBe(0);
    });

    it('records the seeding in a valid audit chain', async () => {
      const events = await ownerRows(t.db, 'SELECT action FROM audit_events WHERE tenant_id = $1 ORDER BY seq', [DEMO_TENANT_ID]);
      expect(events.map((event) => event.action)).toEqual(['demo.seeded']);
    });
  });
}
