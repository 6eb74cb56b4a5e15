import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../main/core/core';
import { secretServiceCapability, skipUnless } from '../../support/capabilities';
import { signedInWorkstation, type CoreCall } from '../../support/core-workstation';
import { startCuttingProxy, type CuttingProxy } from '../../support/cutting-proxy';
import { ownerRows, startTestServer, TEST_PASSWORD, type TestServer, type TestTenant } from '../../support/server';
import { entryArgs, insertShiftLog, TestClient, type ShiftLogFixture } from '../server/sync-fixtures';

type Detail = { signoffs: { auth_method: string; printed_name: string; signed_at: string; claimed_signed_at: string | null; pending_mutation_id: string | null }[] };
type Conflict = { id: number; name: string; signOffReview: { shiftLogId: string; changes: { kind: string; body: string | null }[] } | null };

/**
 * Signing from a workstation against the real server: online, the password also goes to the
 * server, which vouches for the signature; offline, the signature is recorded as checked on
 * the workstation; a sign-off that meets changed content comes back as a conflict that is
 * retried only with the password again, over content the person is shown.
 */
describe.skipIf(skipUnless(secretServiceCapability()))('signing shift logs from a workstation', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let proxy: CuttingProxy;
  const cores: Core[] = [];
  const submittedLog = (): Promise<ShiftLogFixture> =>
    insertShiftLog(server.db, tenant.id, { areaId: tenant.areas.boilers, createdBy: tenant.admin.id, now: server.clock.now(), status: 'submitted' });
  /** Another admin adds an entry to a submitted log on the server (reopened for it, then submitted again). */
  async function addEntryOnServer(log: ShiftLogFixture, body: string): Promise<void> {
    await ownerRows(server.db, "UPDATE shift_logs SET status = 'open' WHERE id = $1", [log.id]);
    const other = new TestClient(server, (await server.signIn(tenant.admin)).token);
    expect((await other.apply('logEntry.create', entryArgs(log, { body }))).status).toBe('applied');
    await ownerRows(server.db, "UPDATE shift_logs SET status = 'submitted' WHERE id = $1", [log.id]);
  }
  /** The network goes away: the workstation's next sync finds the server unreachable. */
  async function goOffline(call: CoreCall): Promise<void> {
    proxy.setDown(true);
    await expect(call('sync.now')).rejects.toMatchObject({ code: 'server_unreachable' });
  }
  const stored = (log: ShiftLogFixture) => ownerRows(server.db, 'SELECT auth_method, printed_name FROM signoffs WHERE shift_log_id = $1', [log.id]);

  beforeAll(async () => {
    server = await startTestServer({ backend: 'pglite', clockStart: new Date() });
    tenant = await server.createTenant('Signing Plant', { session_idle_minutes: 1440, session_absolute_hours: 720 });
    proxy = await startCuttingProxy(server.server.port);
  });
  afterEach(async () => {
    proxy.setDown(false);
    await Promise.all(cores.splice(0).map((core) => core.close()));
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.stop();
  });

  it('online: the server checks the password too and records the signature as verified by it', async () => {
    const log = await submittedLog();
    const call: CoreCall = await signedInWorkstation(server, tenant.id, proxy.url, {}, cores);
    await call('sync.now');
    await call('shiftLogs.signOff', { shiftLogId: log.id, meaning: 'approved', password: TEST_PASSWORD });
    expect(proxy.requests.some((line) => line.startsWith(`POST /v1/tenants/${tenant.id}/shift-logs/${log.id}/signing-tickets`))).toBe(true);
    expect(await call('sync.now')).toMatchObject({ applied: 1, conflicts: 0 });
    expect(await stored(log)).toEqual([{ auth_method: 'password_online', printed_name: 'Test admin' }]);
    const detail = await call<Detail>('shiftLogs.get', { id: log.id });
    expect(detail.signoffs).toMatchObject([{ auth_method: 'password_online', printed_name: 'Test admin', pending_mutation_id: null }]);
  });

  it('offline: the signature is queued as checked on the workstation and recorded so', async () => {
    const log = await submittedLog();
    const call = await signedInWorkstation(server, tenant.id, proxy.url, {}, cores);
    await call('sync.now');
    await goOffline(call);
    await call('shiftLogs.signOff', { shiftLogId: log.id, meaning: 'approved', password: TEST_PASSWORD });
    const pending = await call<Detail>('shiftLogs.get', { id: log.id });
    expect(pending.signoffs).toMatchObject([{ auth_method: 'password_offline' }]);
    expect(pending.signoffs[0].pending_mutation_id).not.toBeNull();
    proxy.setDown(false);
    expect(await call('sync.now')).toMatchObject({ applied: 1, conflicts: 0 });
    expect(await stored(log)).toEqual([{ auth_method: 'password_offline', printed_name: 'Test admin' }]);
  });

  it('online over content that changed on the server: refused before anything is queued', async () => {
    const log = await submittedLog();
    const call = await signedInWorkstation(server, tenant.id, proxy.url, {}, cores);
    await call('sync.now');
    await addEntryOnServer(log, 'Flare lit at 02:10');
    await expect(call('shiftLogs.signOff', { shiftLogId: log.id, meaning: 'approved', password: TEST_PASSWORD })).rejects.toMatchObject({ code: 'content_changed' });
    expect(await call('sync.state')).toMatchObject({ pending: 0 });
  });

  it('a conflicted sign-off shows what changed and is signed again only with the password', async () => {
    const log = await submittedLog();
    const call = await signedInWorkstation(server, tenant.id, proxy.url, {}, cores);
    await call('sync.now');
    await goOffline(call);
    await call('shiftLogs.signOff', { shiftLogId: log.id, meaning: 'approved', password: TEST_PASSWORD });
    // Meanwhile on the server, an entry is added to the log the person signed without it.
    server.clock.advance(60_000);
    await addEntryOnServer(log, 'Flare lit at 02:10');
    proxy.setDown(false);

    expect(await call('sync.now')).toMatchObject({ conflicts: 1 });
    expect(await stored(log)).toEqual([]);
    const [conflict] = await call<Conflict[]>('conflicts.list');
    expect(conflict.name).toBe('shiftLog.signOff');
    expect(conflict.signOffReview?.shiftLogId).toBe(log.id);
    expect(conflict.signOffReview?.changes).toEqual([expect.objectContaining({ kind: 'entry', body: 'Flare lit at 02:10' })]);

    await expect(call('conflicts.retry', { id: conflict.id })).rejects.toMatchObject({ code: 'password_required' });
    await expect(call('conflicts.retry', { id: conflict.id, password: 'not-my-password-123' })).rejects.toMatchObject({ code: 'wrong_password' });
    expect(await call<Conflict[]>('conflicts.list')).toHaveLength(1);
    await call('conflicts.retry', { id: conflict.id, password: TEST_PASSWORD });
    expect(await call<Conflict[]>('conflicts.list')).toEqual([]);
    expect(await call('sync.now')).toMatchObject({ applied: 1, conflicts: 0 });
    expect(await stored(log)).toEqual([{ auth_method: 'password_online', printed_name: 'Test admin' }]);
  });
});
