import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../../main/core/core';
import { dispatchCall } from '../../../shared/dispatch';
import { PlantdeskError } from '../../../shared/errors';
import { secretServiceCapability, skipUnless } from '../../support/capabilities';
import { ownerRows, startTestServer, TEST_PASSWORD, type TestServer, type TestTenant, type TestUser } from '../../support/server';
import { insertHandover, insertShiftLog, type ShiftLogFixture } from '../server/sync-fixtures';

// Two real workstations (encrypted caches, real keychain) syncing with the real server.
const cheapKdf = { name: 'scrypt', N: 2 ** 14, r: 8, p: 1 } as const;
type Page = { items: { id: string; body?: string; pending_mutation_id?: string | null }[] };

describe.skipIf(skipUnless(secretServiceCapability()))('sync between workstations and the server', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let boilersLog: ShiftLogFixture;

  beforeAll(async () => {
    server = await startTestServer({ backend: 'pglite', clockStart: new Date() });
    tenant = await server.createTenant('Northfield Plant');
    boilersLog = await insertShiftLog(server.db, tenant.id, { areaId: tenant.areas.boilers, createdBy: tenant.admin.id, now: server.clock.now() });
  });
  afterAll(async () => server?.stop());

  async function workstation(user: TestUser, autoSync?: { intervalMs: number; afterWriteMs: number }) {
    const profileDir = mkdtempSync(path.join(tmpdir(), 'plantdesk-sync-'));
    const core = createCore({ profileDir, appVersion: 'test', autoSync }, { now: () => server.clock.now(), kdf: cheapKdf });
    const call = async <T>(channel: string, request: unknown = {}): Promise<T> => {
      const result = await dispatchCall(channel, request, (checked, req) => core.call(checked, req));
      if (!result.ok) throw PlantdeskError.fromBody(result.error);
      return result.value as T;
    };
    await call('auth.signIn', { server: server.url, email: user.email, password: TEST_PASSWORD, totpCode: await server.freshCode(user) });
    return { call, close: () => core.close() };
  }

  const entry = (body: string) => ({
    shiftLogId: boilersLog.id,
    areaId: tenant.areas.boilers,
    category: 'operations',
    severity: 'info',
    body,
    occurredAt: server.clock.now().toISOString(),
  });

  it('two workstations with offline edits converge on the server state, each change applied and audited once', async () => {
    const a = await workstation(await server.addMember(tenant.id, 'contributor', { areas: [tenant.areas.boilers] }));
    const b = await workstation(await server.addMember(tenant.id, 'contributor', { areas: [tenant.areas.boilers] }));
    // The first sync carries the workstation's own sign-in record: applied, but no person's change.
    expect(await a.call('sync.now')).toMatchObject({ applied: 1, appliedChanges: 0 });
    await b.call('sync.now');
    for (const body of ['A1 pump restarted', 'A2 valve checked']) await a.call('logEntries.create', entry(body));
    for (const body of ['B1 alarm reset', 'B2 sample taken']) await b.call('logEntries.create', entry(body));

    expect(await a.call('sync.now')).toMatchObject({ pushed: 2, applied: 2, appliedChanges: 2, conflicts: 0, rejected: 0 });
    expect(await b.call('sync.now')).toMatchObject({ pushed: 2, applied: 2 });
    await a.call('sync.now');

    for (const ws of [a, b]) {
      const entries = await ws.call<Page>('shiftLogs.entries', {});
      expect(entries.items.map((item) => item.body).sort()).toEqual(['A1 pump restarted', 'A2 valve checked', 'B1 alarm reset', 'B2 sample taken']);
      expect(entries.items.every((item) => item.pending_mutation_id === null)).toBe(true);
      expect(await ws.call('sync.state')).toMatchObject({ pending: 0, conflicts: 0 });
    }
    const serverEntries = await ownerRows(server.db, 'SELECT id FROM log_entries WHERE shift_log_id = $1', [boilersLog.id]);
    expect(serverEntries).toHaveLength(4);
    const audited = await ownerRows(server.db, "SELECT entity_id FROM audit_events WHERE tenant_id = $1 AND entity = 'log_entry'", [tenant.id]);
    expect(audited.map((row) => row.entity_id).sort()).toEqual(serverEntries.map((row) => row.id).sort());
    await a.close();
    await b.close();
  });

  it('a contributor whose area was removed while offline gets forbidden writes in the conflicts inbox and loses the area rows', async () => {
    // Presets read org-wide (DOMAIN.md), so an area-bound contributor is a custom role here.
    const adminToken = (await server.signIn(tenant.admin)).token;
    const grants = ['shift_log', 'log_entry', 'comment', 'signoff'].map((entity) => ({ action: 'read', access: 'area', entity }));
    const role = await server.request('POST', `/v1/tenants/${tenant.id}/roles`, {
      token: adminToken,
      body: { name: 'Area contributor', grants: [...grants, { action: 'create', access: 'area', entity: 'log_entry' }] },
    });
    expect(role.status).toBe(201);
    const flags = { shift_logs: true, handovers: true, audit: false, users: false, exports: false };
    const user = await server.addMember(tenant.id, { customRoleId: role.body.id }, { areas: [tenant.areas.boilers], moduleFlags: flags });
    const ws = await workstation(user);
    await ws.call('sync.now');
    expect((await ws.call<Page>('shiftLogs.list', {})).items.map((item) => item.id)).toContain(boilersLog.id);
    await ws.call('logEntries.create', entry('written offline in boilers'));

    const patched = await server.request('PATCH', `/v1/tenants/${tenant.id}/users/${user.id}`, { token: adminToken, body: { areas: [tenant.areas.tanks] } });
    expect(patched.status).toBe(200);

    const summary = await ws.call<{ rejected: number }>('sync.now');
    expect(summary.rejected).toBe(1);
    expect(await ws.call('sync.state')).toMatchObject({ pending: 0, conflicts: 1 });
    // The boilers log and its entries are gone; the refused entry stays visible in the inbox only.
    expect((await ws.call<Page>('shiftLogs.list', {})).items).toEqual([]);
    const entries = await ws.call<Page>('shiftLogs.entries', {});
    expect(entries.items.filter((item) => item.body !== 'written offline in boilers')).toEqual([]);

    const [conflict] = await ws.call<{ id: number; reason: string; args: { body: string } }[]>('conflicts.list');
    expect(conflict).toMatchObject({ reason: 'forbidden', args: { body: 'written offline in boilers' } });
    await ws.call('conflicts.discard', { id: conflict.id });
    expect(await ws.call('conflicts.list')).toEqual([]);
    await ws.call('sync.now');
    const discarded = await ownerRows(server.db, "SELECT actor_id FROM audit_events WHERE tenant_id = $1 AND action = 'local.conflict_discarded'", [tenant.id]);
    expect(discarded).toEqual([{ actor_id: user.id }]);
    await ws.close();
  });

  it('takes the new grant with the sync that brings a rights change, so local checks use the rights of now', async () => {
    const adminToken = (await server.signIn(tenant.admin)).token;
    const grants = ['shift_log', 'log_entry'].map((entity) => ({ action: 'read', access: 'area', entity }));
    const role = await server.request('POST', `/v1/tenants/${tenant.id}/roles`, {
      token: adminToken,
      body: { name: 'Area writer', grants: [...grants, { action: 'create', access: 'area', entity: 'log_entry' }] },
    });
    expect(role.status).toBe(201);
    const flags = { shift_logs: true, handovers: false, audit: false, users: false, exports: false };
    const user = await server.addMember(tenant.id, { customRoleId: role.body.id }, { areas: [tenant.areas.boilers], moduleFlags: flags });
    const ws = await workstation(user);
    await ws.call('sync.now');
    expect((await ws.call<{ areas: string[] }>('session.access')).areas).toContain(tenant.areas.boilers);

    const patched = await server.request('PATCH', `/v1/tenants/${tenant.id}/users/${user.id}`, { token: adminToken, body: { areas: [tenant.areas.tanks] } });
    expect(patched.status).toBe(200);
    await ws.call('sync.now');
    // Without a fresh grant the workstation would queue the write and learn of the refusal at push.
    const access = await ws.call<{ areas: string[] }>('session.access');
    expect(access.areas).not.toContain(tenant.areas.boilers);
    await expect(ws.call('logEntries.create', entry('after the area was taken away'))).rejects.toMatchObject({ code: 'forbidden' });
    expect(await ws.call('sync.state')).toMatchObject({ pending: 0 });
    await ws.close();
  });

  it('two admins sign off the same shift log offline: one applied, the other a visible conflict to retry or discard', async () => {
    const log = await insertShiftLog(server.db, tenant.id, { areaId: tenant.areas.tanks, createdBy: tenant.admin.id, now: server.clock.now(), status: 'submitted' });
    const first = await workstation(await server.addMember(tenant.id, 'admin'));
    const second = await workstation(await server.addMember(tenant.id, 'admin'));
    await first.call('sync.now');
    await second.call('sync.now');

    await expect(first.call('shiftLogs.signOff', { shiftLogId: log.id, meaning: 'approved', password: 'not-my-password-123' })).rejects.toMatchObject({ code: 'wrong_password' });
    expect(await first.call('sync.state')).toMatchObject({ pending: 0 });
    const signed = await first.call<{ contentHash: string }>('shiftLogs.signOff', { shiftLogId: log.id, meaning: 'approved', password: TEST_PASSWORD });
    expect(signed.contentHash).toMatch(/^[0-9a-f]{64}$/);
    await second.call('shiftLogs.signOff', { shiftLogId: log.id, meaning: 'approved', password: TEST_PASSWORD });

    expect(await first.call('sync.now')).toMatchObject({ applied: 1, conflicts: 0 });
    expect(await second.call('sync.now')).toMatchObject({ applied: 0, conflicts: 1 });
    const [conflict] = await second.call<{ id: number; reason: string; serverRow: { status: string } }[]>('conflicts.list');
    expect(conflict).toMatchObject({ reason: 'conflict', serverRow: { status: 'signed' } });
    const signoffs = await ownerRows(server.db, 'SELECT signer_id, content_hash FROM signoffs WHERE shift_log_id = $1', [log.id]);
    expect(signoffs).toHaveLength(1);
    expect(signoffs[0].content_hash).toBe(signed.contentHash);
    await first.close();
    await second.close();
  });

  it('carries amendments, comments, status changes and handover acknowledgements made offline to the server', async () => {
    const log = await insertShiftLog(server.db, tenant.id, { areaId: tenant.areas.tanks, createdBy: tenant.admin.id, now: server.clock.now() });
    const handoverId = await insertHandover(server.db, tenant.id, { from: log, createdBy: tenant.admin.id, now: server.clock.now() });
    const ws = await workstation(await server.addMember(tenant.id, 'admin'));
    await ws.call('sync.now');
    const { entryId } = await ws.call<{ entryId: string }>('logEntries.create', { ...entry('tank level high'), shiftLogId: log.id, areaId: tenant.areas.tanks });
    await ws.call('sync.now');

    await ws.call('logEntries.amend', { entryId, kind: 'addendum', body: 'level back to normal at 03:10', reason: 'follow-up' });
    await ws.call('comments.create', { shiftLogId: log.id, entryId, body: 'check the float switch' });
    await ws.call('handovers.acknowledge', { handoverId, side: 'outgoing' });
    await ws.call('shiftLogs.submit', { shiftLogId: log.id });
    expect(await ws.call('sync.now')).toMatchObject({ pushed: 4, applied: 4, rejected: 0, conflicts: 0 });
    await ws.call('shiftLogs.signOff', { shiftLogId: log.id, meaning: 'approved', password: TEST_PASSWORD });
    expect(await ws.call('sync.now')).toMatchObject({ applied: 1 });
    await ws.call('shiftLogs.reopen', { shiftLogId: log.id, reason: 'late lab result to add' });
    expect(await ws.call('sync.now')).toMatchObject({ applied: 1 });

    const detail = await ws.call<{ shiftLog: { status: string; reopened_at: string | null }; entries: { amendments: { body: string }[] }[]; comments: unknown[]; signoffs: unknown[] }>('shiftLogs.get', { id: log.id });
    expect(detail.shiftLog.status).toBe('open');
    expect(detail.shiftLog.reopened_at).not.toBeNull();
    expect(detail.entries[0].amendments.map((a) => a.body)).toEqual(['level back to normal at 03:10']);
    expect(detail.comments).toHaveLength(1);
    expect(detail.signoffs).toHaveLength(1);
    const actions = await ownerRows(server.db, 'SELECT action FROM audit_events WHERE tenant_id = $1 AND entity_id IN ($2, $3, $4) ORDER BY seq', [tenant.id, log.id, entryId, handoverId]);
    expect(actions.map((row) => row.action)).toEqual(expect.arrayContaining(['shift_log.submitted', 'shift_log.signed_off', 'shift_log.reopened']));
    await ws.close();
  });

  it('syncs by itself: a local write is pushed, and news from another workstation arrives through the head long-poll', async () => {
    const auto = { intervalMs: 600_000, afterWriteMs: 200 };
    const watcher = await workstation(await server.addMember(tenant.id, 'contributor', { areas: [tenant.areas.boilers] }), auto);
    const writer = await workstation(await server.addMember(tenant.id, 'contributor', { areas: [tenant.areas.boilers] }), auto);
    const eventually = async (check: () => Promise<boolean>) => {
      for (let i = 0; i < 100; i++) {
        if (await check()) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error('not within 20 s');
    };
    // The first automatic sync after sign-in brings the shift log.
    for (const ws of [writer, watcher]) await eventually(async () => (await ws.call<Page>('shiftLogs.list', {})).items.some((item) => item.id === boilersLog.id));
    // From here only the head long-poll can tell the watcher (its timer is 10 minutes away).
    const { entryId } = await writer.call<{ entryId: string }>('logEntries.create', entry('pushed without sync.now'));
    await eventually(async () => (await writer.call<{ pending: number }>('sync.state')).pending === 0);
    await eventually(async () => (await watcher.call<Page>('shiftLogs.entries', {})).items.some((item) => item.id === entryId));
    await watcher.close();
    await writer.close();
  });
});
