import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../../main/core/core';
import { dispatchCall } from '../../../shared/dispatch';
import { PlantdeskError } from '../../../shared/errors';
import { secretServiceCapability, skipUnless } from '../../support/capabilities';
import { ownerRows, startTestServer, TEST_PASSWORD, type TestServer, type TestTenant, type TestUser } from '../../support/server';
import { appendChange } from '../../../server/feed/change-log';
import { insertShiftLog, type ShiftLogFixture } from '../server/sync-fixtures';

// The calls the admin app needs beside the data lists: access, areas, per-day counts, the
// outbox, the chain check and "show in folder", through the real core on a real server.
const cheapKdf = { name: 'scrypt', N: 2 ** 14, r: 8, p: 1 } as const;

describe.skipIf(skipUnless(secretServiceCapability()))('the admin app calls of the core', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let boilersLog: ShiftLogFixture;
  let tanksLog: ShiftLogFixture;

  beforeAll(async () => {
    server = await startTestServer({ backend: 'pglite', clockStart: new Date() });
    tenant = await server.createTenant('Northfield Plant');
    // The fixture writes areas straight into the table; publish them to the feed as the server's seeding does.
    await server.db.transaction({ tenantId: tenant.id }, async (tx) => {
      const rows = await tx.query<{ id: string; row: Record<string, unknown> }>('SELECT id::text AS id, to_jsonb(areas) AS row FROM areas WHERE tenant_id = $1', [tenant.id]);
      for (const { id, row } of rows) await appendChange(tx, tenant.id, { entity: 'area', entityId: id, op: 'upsert', row, scope: { area_id: id } });
    });
    boilersLog = await insertShiftLog(server.db, tenant.id, { areaId: tenant.areas.boilers, createdBy: tenant.admin.id, now: server.clock.now() });
    tanksLog = await insertShiftLog(server.db, tenant.id, { areaId: tenant.areas.tanks, createdBy: tenant.admin.id, now: server.clock.now() });
  });
  afterAll(async () => server?.stop());

  async function workstation(user: TestUser) {
    const profileDir = mkdtempSync(path.join(tmpdir(), 'plantdesk-app-calls-'));
    const revealed: string[] = [];
    const target = path.join(profileDir, 'export.csv');
    const core = createCore(
      { profileDir, appVersion: 'test' },
      { now: () => server.clock.now(), kdf: cheapKdf, chooseExportPath: async () => target, revealInFolder: async (file) => void revealed.push(file) },
    );
    const call = async <T>(channel: string, request: unknown = {}): Promise<T> => {
      const result = await dispatchCall(channel, request, (checked, req) => core.call(checked, req));
      if (!result.ok) throw PlantdeskError.fromBody(result.error);
      return result.value as T;
    };
    await call('auth.signIn', { server: server.url, email: user.email, password: TEST_PASSWORD, totpCode: await server.freshCode(user) });
    await call('sync.now');
    return { call, revealed, profileDir, close: () => core.close() };
  }

  const entry = (log: ShiftLogFixture, severity: string, body: string) => ({
    shiftLogId: log.id,
    areaId: log.areaId,
    category: 'operations',
    severity,
    body,
    occurredAt: server.clock.now().toISOString(),
  });

  it('session.access answers the verified grant: the role, its rules and module flags', async () => {
    const viewer = await workstation(await server.addMember(tenant.id, 'viewer'));
    const access = await viewer.call<{ orgRole: string; rules: { action: string; entity: string }[]; moduleFlags: Record<string, boolean> }>('session.access');
    expect(access.orgRole).toBe('viewer');
    expect(access.rules.some((rule) => rule.action === 'read' && rule.entity === 'log_entry')).toBe(true);
    expect(access.rules.some((rule) => rule.action === 'create')).toBe(false);
    await viewer.close();
  });

  it('session.accounts keeps until when the account may work offline, for the unlock screen while locked', async () => {
    const viewer = await workstation(await server.addMember(tenant.id, 'viewer'));
    const status = await viewer.call<{ grantNotAfter: string; user: { id: string } }>('session.status');
    await viewer.call('auth.lock');
    const accounts = await viewer.call<{ userId: string; grantNotAfter?: string | null }[]>('session.accounts');
    expect(accounts.find((account) => account.userId === status.user.id)?.grantNotAfter).toBe(status.grantNotAfter);
    expect(await viewer.call('session.status')).toMatchObject({ state: 'locked', grantNotAfter: null });
    await viewer.close();
  });

  it('areas.list gives the tree parents first, with the site zone inherited below the site', async () => {
    const admin = await workstation(tenant.admin);
    const areas = await admin.call<{ id: string; parent_id: string | null; time_zone: string | null }[]>('areas.list');
    const index = (id: string) => areas.findIndex((area) => area.id === id);
    expect(areas).toHaveLength(5);
    expect(index(tenant.areas.site)).toBeLessThan(index(tenant.areas.north));
    expect(index(tenant.areas.north)).toBeLessThan(index(tenant.areas.boilers));
    expect(areas.find((area) => area.id === tenant.areas.boilers)?.time_zone).toBe('Europe/Berlin');
    await admin.close();
  });

  it('shiftLogs.stats counts the same rows as the entry list, per shift date and severity', async () => {
    const admin = await workstation(tenant.admin);
    await admin.call('logEntries.create', entry(boilersLog, 'high', 'pump seal leaking'));
    await admin.call('logEntries.create', entry(boilersLog, 'high', 'pump seal replaced'));
    await admin.call('logEntries.create', entry(tanksLog, 'info', 'tank level normal'));
    const stats = await admin.call<{ days: { day: string; severity: string; count: number }[] }>('shiftLogs.stats', { filter: {} });
    const countOf = (severity: string) => stats.days.filter((day) => day.severity === severity).reduce((sum, day) => sum + day.count, 0);
    expect(countOf('high')).toBe(2);
    expect(countOf('info')).toBe(1);

    const searched = await admin.call<{ days: { count: number }[] }>('shiftLogs.stats', { filter: { text: 'pump' } });
    const listed = await admin.call<{ items: unknown[] }>('shiftLogs.entries', { filter: { text: 'pump' } });
    expect(searched.days.reduce((sum, day) => sum + day.count, 0)).toBe(listed.items.length);
    const inTanks = await admin.call<{ days: { severity: string; count: number }[] }>('shiftLogs.stats', { filter: { areaIds: [tenant.areas.tanks] } });
    expect(inTanks.days).toEqual([expect.objectContaining({ severity: 'info', count: 1 })]);
    await admin.close();
  });

  it('shiftLogs.list waitingForMySignature lists the submitted logs an admin may sign, with its totals beside all logs', async () => {
    const submitted = await insertShiftLog(server.db, tenant.id, { areaId: tenant.areas.boilers, createdBy: tenant.admin.id, now: server.clock.now(), status: 'submitted' });
    const admin = await workstation(tenant.admin);
    const waiting = await admin.call<{ items: { id: string; area_id: string; status: string }[] }>('shiftLogs.list', { waitingForMySignature: true });
    expect(waiting.items.map((log) => log.id)).toEqual([submitted.id]);
    const all = await admin.call<{ items: unknown[] }>('shiftLogs.list', {});
    expect(await admin.call('shiftLogs.totals', { waitingForMySignature: true })).toEqual({ matching: 1, all: all.items.length });
    await admin.close();
  });

  it('sync.outbox lists changes the server has not answered, oldest first, and sync.state says why the last sync failed', async () => {
    const admin = await workstation(tenant.admin);
    const first = await admin.call<{ mutationId: string }>('logEntries.create', entry(boilersLog, 'low', 'first'));
    const second = await admin.call<{ mutationId: string }>('logEntries.create', entry(boilersLog, 'low', 'second'));
    const outbox = await admin.call<{ mutation_id: string; name: string }[]>('sync.outbox', {});
    expect(outbox.map((item) => item.mutation_id)).toEqual([first.mutationId, second.mutationId]);
    expect(outbox[0].name).toBe('logEntry.create');
    expect(await admin.call('sync.state')).toMatchObject({ pending: 2, running: false, lastError: null });
    await admin.call('sync.now');
    expect(await admin.call('sync.outbox', {})).toEqual([]);
    await admin.close();
  });

  it('exports.reveal shows only files from the export history, never another path', async () => {
    const admin = await workstation(tenant.admin);
    const result = await admin.call<{ path: string }>('exports.start', { exportId: crypto.randomUUID(), module: 'users', format: 'csv' });
    expect(await admin.call('exports.reveal', { path: result.path })).toEqual({ shown: true });
    expect(admin.revealed).toEqual([result.path]);

    const elsewhere = path.join(admin.profileDir, 'not-an-export.txt');
    writeFileSync(elsewhere, 'x');
    await expect(admin.call('exports.reveal', { path: elsewhere })).rejects.toMatchObject({ code: 'not_found' });
    expect(admin.revealed).toEqual([result.path]);
    await admin.close();
  });

  it('audit.verify re-checks the downloaded chain and says whether the grant shows all of it', async () => {
    const admin = await workstation(tenant.admin);
    await admin.call('logEntries.create', entry(boilersLog, 'medium', 'chain link'));
    await admin.call('sync.now');
    const verified = await admin.call<{ ok: boolean; complete: boolean; firstBreak: unknown; checked: number; lastSeq: number }>('audit.verify');
    expect(verified).toMatchObject({ ok: true, complete: true, firstBreak: null });
    // Every event of the tenant's trail came down and each link was re-hashed here.
    const [{ n }] = await ownerRows(server.db, 'SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1', [tenant.id]);
    expect(verified.checked).toBe(n);
    expect(verified.lastSeq).toBe(n);

    const viewer = await workstation(await server.addMember(tenant.id, 'viewer'));
    await expect(viewer.call('audit.verify')).rejects.toMatchObject({ code: 'forbidden' });
    await viewer.close();
    await admin.close();
  });
});
