import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretServiceCapability, skipUnless } from '../../support/capabilities';
import { runCli, startServerProcess, type RunningProcess } from '../../support/processes';

// The real `plantdesk` binary against the real demo server, with the real keychain.
describe.skipIf(skipUnless(secretServiceCapability()))('the plantdesk CLI session commands', () => {
  let server: RunningProcess | null = null;
  let admin: { email: string; password: string; totpSecret: string };
  const profile = mkdtempSync(path.join(tmpdir(), 'plantdesk-cli-profile-'));
  const dataDir = mkdtempSync(path.join(tmpdir(), 'plantdesk-cli-server-'));

  beforeAll(async () => {
    server = await startServerProcess(['--data', dataDir, '--port', '0', '--demo', '--demo-entries', '200']);
    const credentials = JSON.parse(readFileSync(path.join(dataDir, 'demo-credentials.json'), 'utf8'));
    admin = credentials.users.find((user: { role: string }) => user.role === 'admin');
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('logs in with --password-stdin and --totp, leaving the profile signed in with a cache', async () => {
    const totp = await generate({ secret: admin.totpSecret });
    const result = await runCli(['login', '--server', server!.url, '--email', admin.email, '--password-stdin', '--totp', totp, '--profile', profile, '--json'], {
      stdin: `${admin.password}\n`,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ state: 'unlocked', online: true, tenantName: 'Northfield Plant' });
    expect(readdirSync(path.join(profile, 'vaults')).some((name) => name.endsWith('.db'))).toBe(true);
  });

  it('reports status online, from the cache', async () => {
    const result = await runCli(['status', '--password-stdin', '--json', '--profile', profile], { stdin: admin.password });
    expect(result.code).toBe(0);
    const status = JSON.parse(result.stdout);
    expect(status.session).toMatchObject({ state: 'unlocked', online: true, user: { email: admin.email } });
    // sign_in and unlock wait in the outbox as audit.local mutations until the next sync.
    expect(status.sync).toMatchObject({ pending: 2, conflicts: 0 });
  });

  it('syncs: pushes the queued audit records and pulls the tenant, with a JSON summary as its last line', async () => {
    const result = await runCli(['sync', '--password-stdin', '--json', '--profile', profile], { stdin: admin.password });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
    expect(summary).toMatchObject({ pushed: 3, applied: 3, conflicts: 0, rejected: 0 });
    expect(summary.pulled).toBeGreaterThan(200);
    expect(summary.cursor).toBeGreaterThan(0);
  });

  it('exports shift logs to CSV from the cache: every entry and amendment, file hash as printed, audited', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'plantdesk-cli-export-')), 'shift-logs.csv');
    const result = await runCli(['export', 'shift-logs', '--format', 'csv', '--out', out, '--password-stdin', '--json', '--profile', profile], { stdin: admin.password });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    const bytes = readFileSync(out);
    expect(summary).toMatchObject({ path: out, format: 'csv', bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    const records = parse(bytes, { columns: true, relax_quotes: false, relax_column_count: false }) as { Record: string }[];
    expect(records).toHaveLength(summary.rows);
    expect(records.filter((r) => r.Record === 'entry')).toHaveLength(200);
    const status = JSON.parse((await runCli(['status', '--password-stdin', '--json', '--profile', profile], { stdin: admin.password })).stdout);
    expect(status.sync.pending).toBeGreaterThanOrEqual(2);
  });

  it('refuses bad export usage with exit 2', async () => {
    const result = await runCli(['export', 'shift-logs', '--format', 'pdf', '--out', 'x.pdf', '--profile', profile]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--format must be csv, jsonl or xlsx');
  });

  it('reports status offline from the cache and the grant when the server is stopped', async () => {
    await server!.stop();
    server = null;
    const result = await runCli(['status', '--password-stdin', '--json', '--profile', profile], { stdin: admin.password });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).session).toMatchObject({ state: 'unlocked', online: false });
  });

  it('refuses a wrong password with exit 1 and a clear message', async () => {
    const result = await runCli(['status', '--password-stdin', '--profile', profile], { stdin: 'definitely-not-it' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('password does not open the local copy');
  });

  it('wipes the workstation data: no cache files remain and status needs sign-in (exit 3)', async () => {
    // Unsynced changes wait in the cache (local audit records of the unlocks above): --yes alone refuses.
    const refused = await runCli(['wipe', '--yes', '--profile', profile]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/nothing was removed: \d+ change\(s\) have not reached the server/);
    const wiped = await runCli(['wipe', '--password-stdin', '--profile', profile], { stdin: admin.password });
    expect(wiped.code).toBe(0);
    const vaults = path.join(profile, 'vaults');
    expect(existsSync(vaults) ? readdirSync(vaults) : []).toEqual([]);
    const status = await runCli(['status', '--profile', profile]);
    expect(status.code).toBe(3);
    expect(status.stdout).toContain('Not signed in');
  });

  it('exits 2 with a hint when login misses --server', async () => {
    const result = await runCli(['login', '--email', 'a@b.example', '--password-stdin', '--profile', profile], { stdin: 'x' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--server is required');
  });
});
