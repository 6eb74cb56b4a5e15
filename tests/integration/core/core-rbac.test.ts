import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../../main/core/core';
import { createKeychainSecretStore } from '../../../main/core/secrets/keychain';
import { upsertRows } from '../../../main/core/store/writes';
import { unlockVault } from '../../../main/core/vault/vault';
import { dispatchCall } from '../../../shared/dispatch';
import { PlantdeskError } from '../../../shared/errors';
import type { ModuleFlags } from '../../../shared/rbac';
import { secretServiceCapability, skipUnless } from '../../support/capabilities';
import { startTestServer, TEST_PASSWORD, type TestServer, type TestTenant, type TestUser } from '../../support/server';
import { secretOwnerOf } from '../../../main/core/secrets/secret-owner';

// RBAC enforced by the core's own methods from the verified grant, with the row scope applied
// inside the cache's SQL: presets, a custom area-scoped role, and a module flag switched off.
const cheapKdf = { name: 'scrypt', N: 2 ** 14, r: 8, p: 1 } as const;

describe.skipIf(skipUnless(secretServiceCapability()))('RBAC through the core', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let otherAreaLog: string;
  let ownAreaLog: string;

  beforeAll(async () => {
    server = await startTestServer({ backend: 'pglite', clockStart: new Date() });
    tenant = await server.createTenant('Northfield Plant');
    ownAreaLog = randomUUID();
    otherAreaLog = randomUUID();
  });
  afterAll(async () => server?.stop());

  /** Signs the user in on a fresh workstation and puts two shift logs (two areas) in its cache. */
  async function workstationFor(user: TestUser, exportPath?: string) {
    const profileDir = mkdtempSync(path.join(tmpdir(), 'plantdesk-rbac-'));
    const core = createCore({ profileDir, appVersion: 'test' }, { now: () => server.clock.now(), kdf: cheapKdf, chooseExportPath: async () => exportPath ?? null });
    const call = async (channel: string, request: unknown = {}) => {
      const result = await dispatchCall(channel, request, (checked, req) => core.call(checked, req));
      if (!result.ok) throw PlantdeskError.fromBody(result.error);
      return result.value as { items: { id: string }[] };
    };
    const status = (await call('auth.signIn', { server: server.url, email: user.email, password: TEST_PASSWORD, totpCode: await server.freshCode(user) })) as unknown as {
      user: { id: string };
    };
    await call('auth.lock');
    const location = { profileDir, server: server.url, userId: status.user.id, tenantId: tenant.id };
    const vault = await unlockVault(location, { secrets: createKeychainSecretStore(secretOwnerOf(location)), password: TEST_PASSWORD });
    const entryRow = (id: string, logId: string, area: string) => ({
      id, shift_log_id: logId, area_id: area, equipment_tag: null, category: 'operations' as const, severity: 'info' as const, body: `entry in ${area}`,
      occurred_at: '2026-11-20T20:00:00.000Z', recorded_at: '2026-11-20T20:01:00.000Z', author_id: 'someone', late: 0 as const, late_reason: null, state: 'active' as const, version: 1, pending_mutation_id: null,
    });
    const log = (id: string, area: string) => ({
      id, area_id: area, shift_date: '2026-11-20', shift_name: 'Night', crew: 'B', starts_at: '2026-11-20T19:00:00.000Z',
      ends_at: '2026-11-21T07:00:00.000Z', status: 'open' as const, created_by: null, reopened_at: null, version: 1, pending_mutation_id: null,
    });
    vault.db.transaction(() => {
      upsertRows(vault.db, 'shift_log', [log(ownAreaLog, tenant.areas.boilers), log(otherAreaLog, tenant.areas.tanks)]);
      upsertRows(vault.db, 'log_entry', [entryRow(randomUUID(), ownAreaLog, tenant.areas.boilers), entryRow(randomUUID(), otherAreaLog, tenant.areas.tanks)]);
    })();
    vault.lock();
    await call('auth.unlock', { password: TEST_PASSWORD });
    return { call, close: () => core.close() };
  }

  const flags = (overrides: Partial<ModuleFlags>): ModuleFlags => ({ shift_logs: true, handovers: true, audit: false, users: false, exports: false, ...overrides });

  it.each([
    ['viewer', 'viewer', {}, { 'shiftLogs.list': 2, 'users.list': 'forbidden', 'sessions.list': 'forbidden', 'audit.list': 'forbidden' }],
    ['contributor', 'contributor', {}, { 'shiftLogs.list': 2, 'users.list': 'forbidden', 'audit.list': 'forbidden' }],
    ['admin', 'admin', {}, { 'shiftLogs.list': 2, 'users.list': 0, 'sessions.list': 0, 'audit.list': 0 }],
    ['contributor, shift_logs module off', 'contributor', { moduleFlags: flags({ shift_logs: false }) }, { 'shiftLogs.list': 'forbidden', 'shiftLogs.entries': 'forbidden' }],
    ['admin, users module off', 'admin', { moduleFlags: { shift_logs: true, handovers: true, audit: true, users: false, exports: true } }, { 'users.list': 'forbidden', 'audit.list': 0 }],
  ] as const)('%s', async (_label, role, options, expectations) => {
    const user = await server.addMember(tenant.id, role, { areas: [tenant.areas.boilers], ...options });
    const ws = await workstationFor(user);
    for (const [channel, expected] of Object.entries(expectations)) {
      if (expected === 'forbidden') {
        await expect(ws.call(channel, {}), channel).rejects.toMatchObject({ code: 'forbidden' });
      } else {
        const page = await ws.call(channel, {});
        if (channel === 'shiftLogs.list') expect(page.items.length, channel).toBe(expected);
        else expect(Array.isArray(page.items), channel).toBe(true);
      }
    }
    await ws.close();
  });

  it('a custom role that reads shift logs in its areas sees only those rows', async () => {
    const adminToken = (await server.signIn(tenant.admin)).token;
    const role = await server.request('POST', `/v1/tenants/${tenant.id}/roles`, {
      token: adminToken,
      body: { name: `Area reader ${randomUUID().slice(0, 8)}`, grants: [{ action: 'read', access: 'area', entity: 'shift_log' }, { action: 'read', access: 'area', entity: 'log_entry' }] },
    });
    expect(role.status).toBe(201);
    const user = await server.addMember(tenant.id, { customRoleId: role.body.id }, { areas: [tenant.areas.boilers], moduleFlags: flags({}) });
    const ws = await workstationFor(user);
    const page = await ws.call('shiftLogs.list', {});
    expect(page.items.map((item) => item.id)).toEqual([ownAreaLog]);
    await expect(ws.call('shiftLogs.get', { id: otherAreaLog })).resolves.toBeNull();
    await ws.close();
  });

  const entry = (shiftLogId: string, areaId: string) => ({
    shiftLogId,
    areaId,
    category: 'operations',
    severity: 'low',
    body: 'Pump P-101 restarted after trip',
    occurredAt: server.clock.now().toISOString(),
    lateReason: 'Entered after handover, radio log copied',
  });

  it("refuses a viewer's write through the core and writes nothing", async () => {
    const user = await server.addMember(tenant.id, 'viewer', { areas: [tenant.areas.boilers] });
    const ws = await workstationFor(user);
    // Sign-in and unlock are queued as audit.local mutations; the refused write adds nothing.
    const before = (await ws.call('sync.state')) as unknown as { pending: number };
    await expect(ws.call('logEntries.create', entry(ownAreaLog, tenant.areas.boilers))).rejects.toMatchObject({ code: 'forbidden' });
    expect(await ws.call('sync.state')).toMatchObject({ pending: before.pending });
    expect((await ws.call('shiftLogs.entries', {})).items).toHaveLength(2);
    await ws.close();
  });

  it('lets a contributor write in their area only, as a pending entry with its outbox mutation', async () => {
    const user = await server.addMember(tenant.id, 'contributor', { areas: [tenant.areas.boilers] });
    const ws = await workstationFor(user);
    const before = ((await ws.call('sync.state')) as unknown as { pending: number }).pending;
    await expect(ws.call('logEntries.create', entry(otherAreaLog, tenant.areas.tanks))).rejects.toMatchObject({ code: 'forbidden' });
    const created = (await ws.call('logEntries.create', entry(ownAreaLog, tenant.areas.boilers))) as unknown as { entryId: string; mutationId: string; seq: number };
    expect(created.seq).toBe(before + 1);
    expect(await ws.call('sync.state')).toMatchObject({ pending: before + 1 });
    const entries = (await ws.call('shiftLogs.entries', {})).items as unknown as { id: string; pending_mutation_id: string; late: number }[];
    expect(entries.filter((item) => item.pending_mutation_id !== null)).toEqual([expect.objectContaining({ id: created.entryId, pending_mutation_id: created.mutationId, late: 1 })]);
    const withoutReason = { ...entry(ownAreaLog, tenant.areas.boilers), lateReason: undefined };
    await expect(ws.call('logEntries.create', withoutReason)).rejects.toMatchObject({ code: 'invalid_request' });
    expect(await ws.call('sync.state')).toMatchObject({ pending: before + 1 });
    await ws.close();
  });

  it('refuses an export to a viewer', async () => {
    const ws = await workstationFor(await server.addMember(tenant.id, 'viewer'), path.join(tmpdir(), `never-${randomUUID()}.csv`));
    await expect(ws.call('exports.start', { exportId: randomUUID(), module: 'shift-logs', format: 'csv' })).rejects.toMatchObject({ code: 'forbidden' });
    await ws.close();
  });

  it("exports only the shift-log rows of a contributor's areas", async () => {
    const adminToken = (await server.signIn(tenant.admin)).token;
    const grants = [
      ...['shift_log', 'log_entry'].map((entity) => ({ action: 'read', access: 'area', entity })),
      { action: 'export', access: 'area', entity: 'log_entry' },
      { action: 'export', access: 'org', entity: 'export' },
    ];
    const role = await server.request('POST', `/v1/tenants/${tenant.id}/roles`, { token: adminToken, body: { name: `Area exporter ${randomUUID().slice(0, 8)}`, grants } });
    expect(role.status).toBe(201);
    const user = await server.addMember(tenant.id, { customRoleId: role.body.id }, { areas: [tenant.areas.boilers], moduleFlags: flags({ exports: true }) });
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'plantdesk-rbac-export-')), 'entries.jsonl');
    const ws = await workstationFor(user, out);
    const result = (await ws.call('exports.start', { exportId: randomUUID(), module: 'shift-logs', format: 'jsonl' })) as unknown as { rows: number };
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(result.rows).toBe(1);
    expect(lines.map((line) => line.area_id)).toEqual([tenant.areas.boilers]);
    await ws.close();
  });

  it('refuses an export whose filter its module does not take: invalid_request with the issues, no file, nothing audited', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'plantdesk-rbac-bad-filter-'));
    const ws = await workstationFor(await server.addMember(tenant.id, 'admin'), path.join(folder, 'never.csv'));
    const pendingBefore = ((await ws.call('sync.state')) as unknown as { pending: number }).pending;
    const badFilters = { 'shift-logs': { severities: ['apocalyptic'] }, audit: { from: 'last tuesday' }, users: { statuses: ['asleep'] }, sessions: { active: 'yes' } };
    for (const [module, filter] of Object.entries(badFilters)) {
      const refused = await ws.call('exports.start', { exportId: randomUUID(), module, format: 'csv', filter }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(PlantdeskError);
      expect(refused).toMatchObject({ code: 'invalid_request', details: { issues: [expect.objectContaining({ path: expect.stringMatching(/^filter\./) })] } });
    }
    expect(readdirSync(folder)).toEqual([]);
    expect(await ws.call('sync.state')).toMatchObject({ pending: pendingBefore });
    await ws.close();
  });

  it('refuses an export of records the role may export but not read', async () => {
    const adminToken = (await server.signIn(tenant.admin)).token;
    const grants = [
      { action: 'read', access: 'org', entity: 'shift_log' },
      { action: 'export', access: 'org', entity: 'log_entry' },
      { action: 'export', access: 'org', entity: 'export' },
    ];
    const role = await server.request('POST', `/v1/tenants/${tenant.id}/roles`, { token: adminToken, body: { name: `Blind exporter ${randomUUID().slice(0, 8)}`, grants } });
    expect(role.status).toBe(201);
    const user = await server.addMember(tenant.id, { customRoleId: role.body.id }, { moduleFlags: flags({ exports: true }) });
    const folder = mkdtempSync(path.join(tmpdir(), 'plantdesk-rbac-unread-'));
    const ws = await workstationFor(user, path.join(folder, 'entries.csv'));
    await expect(ws.call('exports.start', { exportId: randomUUID(), module: 'shift-logs', format: 'csv' })).rejects.toMatchObject({ code: 'forbidden' });
    expect(readdirSync(folder)).toEqual([]);
    await ws.close();
  });

  it('refuses every guarded call while locked', async () => {
    const user = await server.addMember(tenant.id, 'admin');
    const ws = await workstationFor(user);
    await ws.call('auth.lock');
    await expect(ws.call('shiftLogs.list', {})).rejects.toMatchObject({ code: 'locked' });
    await ws.close();
  });
});
