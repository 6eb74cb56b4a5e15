import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../../shared/uuid7';
import { ownerRows, serverBackends, startTestServer, type TestTenant, type TestUser } from '../../support/server';
import { entryArgs, insertShiftLog, serverHashOf, TestClient, type ShiftLogFixture } from '../../integration/server/sync-fixtures';

/**
 * Sign-off evidence is the server's (21 CFR Part 11 §11.50, §11.70): a client cannot choose the
 * printed name, the method, the content hash or the recorded time of a signature. The server
 * recomputes the hash (a different one is a conflict), names the signer from the user record,
 * keeps the client's time only as claimed, and says "password_online" only for a signing
 * ticket it issued after checking the password itself, for exactly that signature.
 */
for (const { name, backend, skip } of serverBackends()) {
  describe.skipIf(skip)(`sign-offs the server vouches for (${name})`, () => {
    let server: Awaited<ReturnType<typeof startTestServer>>;
    let tenant: TestTenant;
    let adminToken: string;
    let admin: TestClient;
    let otherAdmin: TestUser;
    let otherToken: string;
    const elevenMonthsAgo = () => new Date(server.clock.now().getTime() - 335 * 86_400_000).toISOString();
    const newLog = (status: 'submitted' | 'reviewed' = 'submitted'): Promise<ShiftLogFixture> =>
      insertShiftLog(server.db, tenant.id, { areaId: tenant.areas.boilers, createdBy: tenant.admin.id, now: server.clock.now(), status });
    const signoffsOf = (log: ShiftLogFixture) =>
      ownerRows(server.db, 'SELECT printed_name, auth_method, content_hash, signed_at, claimed_signed_at FROM signoffs WHERE shift_log_id = $1', [log.id]);
    const ticketFor = (token: string, log: ShiftLogFixture, body: Record<string, unknown>) =>
      server.request('POST', `/v1/tenants/${tenant.id}/shift-logs/${log.id}/signing-tickets`, { token, body });

    beforeAll(async () => {
      server = await startTestServer({ backend, server: { rateLimits: { perIp: { limit: 100_000, windowMs: 60_000 }, perUser: { limit: 100_000, windowMs: 60_000 } } } });
      tenant = await server.createTenant('Signatures', { session_idle_minutes: 1440, session_absolute_hours: 720 });
      await ownerRows(server.db, "UPDATE users SET display_name = 'Alex Admin' WHERE id = $1", [tenant.admin.id]);
      adminToken = (await server.signIn(tenant.admin)).token;
      admin = new TestClient(server, adminToken);
      otherAdmin = await server.addMember(tenant.id, 'admin');
      otherToken = (await server.signIn(otherAdmin)).token;
    });
    afterAll(async () => server?.stop());

    it('refuses a sign-off that names its own printed name and method, and stores nothing', async () => {
      const log = await newLog();
      const forged = {
        id: uuidv7(),
        shiftLogId: log.id,
        meaning: 'approved',
        printedName: 'Dr. Somebody Else',
        authMethod: 'password_online',
        contentHash: 'f'.repeat(64),
        signedAt: elevenMonthsAgo(),
      };
      expect(await admin.apply('shiftLog.signOff', forged)).toMatchObject({ status: 'rejected', reason: 'invalid' });
      expect(await signoffsOf(log)).toEqual([]);
    });

    it('answers a content hash the server does not compute as a conflict, never applied', async () => {
      const log = await newLog();
      const result = await admin.apply('shiftLog.signOff', { id: uuidv7(), shiftLogId: log.id, meaning: 'approved', contentHash: 'f'.repeat(64), signedAt: server.clock.now().toISOString() });
      expect(result.status).toBe('conflict');
      expect(result.serverRow).toMatchObject({ id: log.id, status: 'submitted' });
      expect(await signoffsOf(log)).toEqual([]);
      expect((await ownerRows(server.db, 'SELECT status FROM shift_logs WHERE id = $1', [log.id]))[0].status).toBe('submitted');
    });

    it('stores the signer’s name on record, the server’s time beside the claimed one, and "checked on the workstation" without a ticket', async () => {
      const log = await newLog();
      const claimed = elevenMonthsAgo();
      const contentHash = await serverHashOf(server.db, tenant.id, log);
      const result = await admin.apply('shiftLog.signOff', { id: uuidv7(), shiftLogId: log.id, meaning: 'approved', contentHash, signedAt: claimed });
      expect(result.status).toBe('applied');
      const [stored] = await signoffsOf(log);
      expect(stored).toMatchObject({ printed_name: 'Alex Admin', auth_method: 'password_offline', content_hash: contentHash });
      expect((stored.signed_at as Date).toISOString()).toBe(server.clock.now().toISOString());
      expect((stored.claimed_signed_at as Date).toISOString()).toBe(claimed);
      const [event] = await ownerRows(server.db, "SELECT diff FROM audit_events WHERE tenant_id = $1 AND entity_id = $2 AND action = 'shift_log.signed_off'", [tenant.id, log.id]);
      expect(event.diff).toMatchObject({ auth_method: { after: 'password_offline' }, claimed_signed_at: { after: claimed } });
    });

    it('records "password_online" only for a ticket issued after the server checked the password, once', async () => {
      const log = await newLog();
      const contentHash = await serverHashOf(server.db, tenant.id, log);
      const wrong = await ticketFor(adminToken, log, { meaning: 'approved', contentHash, password: 'not-the-password-at-all' });
      expect([wrong.status, wrong.body.error.code]).toEqual([401, 'invalid_credentials']);
      const failed = await ownerRows(server.db, "SELECT count(*)::int AS n FROM audit_events WHERE entity_id = $1 AND action = 'shift_log.signing_password_failed'", [log.id]);
      expect(failed[0].n).toBe(1);

      // A right password over content that changed is no failed attempt: never throttled for it.
      for (let i = 0; i < 6; i++) {
        const stale = await ticketFor(adminToken, log, { meaning: 'approved', contentHash: 'e'.repeat(64), password: tenant.admin.password });
        expect([stale.status, stale.body.error.code]).toEqual([409, 'content_changed']);
      }

      const issued = await ticketFor(adminToken, log, { meaning: 'approved', contentHash, password: tenant.admin.password });
      expect(issued.status).toBe(201);
      const ticket = issued.body.ticket as string;
      // Another signer, another log, another meaning: the ticket proves nothing there.
      const otherLog = await newLog();
      const other = new TestClient(server, otherToken);
      const otherHash = await serverHashOf(server.db, tenant.id, otherLog);
      expect((await other.apply('shiftLog.signOff', { id: uuidv7(), shiftLogId: log.id, meaning: 'approved', contentHash, signedAt: server.clock.now().toISOString(), signingTicket: ticket })).status).toBe('applied');
      expect((await admin.apply('shiftLog.signOff', { id: uuidv7(), shiftLogId: otherLog.id, meaning: 'approved', contentHash: otherHash, signedAt: server.clock.now().toISOString(), signingTicket: ticket })).status).toBe('applied');
      const methods = await ownerRows(server.db, 'SELECT shift_log_id, signer_id, auth_method FROM signoffs WHERE shift_log_id = ANY($1::uuid[]) ORDER BY signed_at', [[log.id, otherLog.id]]);
      expect(methods.map((row) => row.auth_method)).toEqual(['password_offline', 'password_offline']);

      // The signer, the log, the meaning it was issued for: vouched for, and only once.
      const reviewLog = await newLog('submitted');
      const reviewHash = await serverHashOf(server.db, tenant.id, reviewLog);
      const good = (await ticketFor(adminToken, reviewLog, { meaning: 'reviewed', contentHash: reviewHash, password: tenant.admin.password })).body.ticket as string;
      expect((await admin.apply('shiftLog.signOff', { id: uuidv7(), shiftLogId: reviewLog.id, meaning: 'reviewed', contentHash: reviewHash, signedAt: server.clock.now().toISOString(), signingTicket: good })).status).toBe('applied');
      expect((await admin.apply('shiftLog.signOff', { id: uuidv7(), shiftLogId: reviewLog.id, meaning: 'handed_over', contentHash: reviewHash, signedAt: server.clock.now().toISOString(), signingTicket: good })).status).toBe('applied');
      const reviewMethods = await ownerRows(server.db, 'SELECT meaning, auth_method FROM signoffs WHERE shift_log_id = $1 ORDER BY meaning', [reviewLog.id]);
      expect(reviewMethods).toEqual([
        { meaning: 'handed_over', auth_method: 'password_offline' },
        { meaning: 'reviewed', auth_method: 'password_online' },
      ]);
    });

    it('does not vouch for a ticket past its few minutes', async () => {
      const log = await newLog();
      const contentHash = await serverHashOf(server.db, tenant.id, log);
      const ticket = (await ticketFor(adminToken, log, { meaning: 'approved', contentHash, password: tenant.admin.password })).body.ticket as string;
      server.clock.advance(6 * 60_000);
      expect((await admin.apply('shiftLog.signOff', { id: uuidv7(), shiftLogId: log.id, meaning: 'approved', contentHash, signedAt: server.clock.now().toISOString(), signingTicket: ticket })).status).toBe('applied');
      expect((await signoffsOf(log))[0].auth_method).toBe('password_offline');
    });

    it('turns a signature over content that changed after the ticket into a conflict', async () => {
      const log = await newLog();
      const contentHash = await serverHashOf(server.db, tenant.id, log);
      const ticket = (await ticketFor(adminToken, log, { meaning: 'approved', contentHash, password: tenant.admin.password })).body.ticket as string;
      // Someone amends the record between the password check and the sign-off.
      await insertShiftLog(server.db, tenant.id, { areaId: tenant.areas.boilers, createdBy: tenant.admin.id, now: server.clock.now() });
      await ownerRows(server.db, "UPDATE shift_logs SET status = 'open' WHERE id = $1", [log.id]);
      expect((await admin.apply('logEntry.create', entryArgs(log, { body: 'Late note: valve V-7 left open' }))).status).toBe('applied');
      await ownerRows(server.db, "UPDATE shift_logs SET status = 'submitted' WHERE id = $1", [log.id]);
      const result = await admin.apply('shiftLog.signOff', { id: uuidv7(), shiftLogId: log.id, meaning: 'approved', contentHash, signedAt: server.clock.now().toISOString(), signingTicket: ticket });
      expect(result.status).toBe('conflict');
      expect(await signoffsOf(log)).toEqual([]);
    });
  });
}
