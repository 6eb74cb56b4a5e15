import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, AuditReadBackError } from '../../../server/audit/audit-log';
import { PushLedger } from '../../../server/sync/push-ledger';
import { storableText } from '../../../shared/domain/common';
import { mutationSpecs } from '../../../shared/mutations';
import { databaseFingerprint, serverBackends, startTestServer, type TestServer, type TestTenant } from '../../support/server';
import { entryArgs, insertShiftLog, TestClient } from '../../integration/server/sync-fixtures';

/**
 * What is hashed into the audit chain is exactly what is stored, on PGlite and PostgreSQL: free
 * text with invisible format characters is refused (typed) before it is hashed, and a write
 * reads its events back within its transaction and rolls back if one differs.
 */
const invisible = ['\uFEFF', '\u200B', '\u200C', '\u200D', '\u200E', '\u200F', '\u202A', '\u202E', '\u2060', '\u2064', '\u2066', '\u2069', '\u00AD', '\u{E0041}'];

describe('free text the shared schemas accept', () => {
  it('refuses each invisible format character, anywhere in the text, and keeps ordinary text', () => {
    const text = storableText(100);
    for (const char of invisible) {
      for (const value of [`${char}reason`, `rea${char}son`, `reason${char}`]) expect(text.safeParse(value).success, JSON.stringify(value)).toBe(false);
    }
    for (const value of ['Pump P-101 tripped', 'Druck über 5 bar', '泵跳闸', 'Ölstand 😀 ok', 'line one\nline two\ttabbed']) expect(text.safeParse(value).success, value).toBe(true);
    const amend = mutationSpecs['logEntry.amend'].args.safeParse({ id: crypto.randomUUID(), entryId: crypto.randomUUID(), kind: 'correction', body: 'Fixed value', reason: '\uFEFFTypo' });
    expect(amend.success).toBe(false);
  });
});

for (const { name, backend, skip } of serverBackends()) {
  describe.skipIf(skip)(`hashed equals stored (${name})`, () => {
    let t: TestServer;
    let tenant: TestTenant;
    let adminToken: string;
    beforeAll(async () => {
      t = await startTestServer({ backend });
      tenant = await t.createTenant('Chain Works');
      adminToken = (await t.signIn(tenant.admin)).token;
    });
    afterAll(() => t?.stop());

    const verify = async () => (await t.request('GET', `/v1/tenants/${tenant.id}/audit/verify`, { token: adminToken })).body;

    it('refuses a contributor’s amendment reason that starts with U+FEFF, writes nothing, and the trail still verifies', async () => {
      const contributor = await t.addMember(tenant.id, 'contributor', { areas: [tenant.areas.boilers] });
      const client = new TestClient(t, (await t.signIn(contributor)).token);
      const log = await insertShiftLog(t.db, tenant.id, { areaId: tenant.areas.boilers, createdBy: tenant.admin.id, now: t.clock.now() });
      const entry = entryArgs(log);
      expect((await client.apply('logEntry.create', entry)).status).toBe('applied');

      const before = await databaseFingerprint(t.db);
      const answer = await client.push([client.mutation('logEntry.amend', { id: crypto.randomUUID(), entryId: entry.id, kind: 'correction', body: 'Pressure was 5.2 bar', reason: '\uFEFFTranscription error' })]);
      expect([answer.status, answer.body.error?.code]).toEqual([400, 'invalid_request']);
      expect(await databaseFingerprint(t.db)).toBe(before);
      expect(await verify()).toMatchObject({ ok: true, firstBreak: null });
    });

    it('refuses every invisible format character in reasons, names and bodies with a typed error and writes nothing', async () => {
      const viewer = await t.addMember(tenant.id, 'viewer');
      const client = new TestClient(t, (await t.signIn(tenant.admin)).token);
      const log = await insertShiftLog(t.db, tenant.id, { areaId: tenant.areas.boilers, createdBy: tenant.admin.id, now: t.clock.now() });
      // Each session's last use moves to the clock's now before the fingerprint (signing in may move the clock).
      for (const token of [adminToken, client.token]) expect((await t.request('GET', '/v1/auth/session', { token })).status).toBe(200);
      const before = await databaseFingerprint(t.db);
      for (const char of invisible) {
        const attempts = [
          await t.request('PATCH', `/v1/tenants/${tenant.id}/settings`, { token: adminToken, body: { retentionDays: 400, reason: `${char}policy review` } }),
          await t.request('POST', `/v1/tenants/${tenant.id}/users/${viewer.id}/unlock`, { token: adminToken, body: { reason: `Called ${char}back` } }),
          await t.request('PATCH', `/v1/tenants/${tenant.id}/users/${viewer.id}`, { token: adminToken, body: { displayName: `Viewer${char}` } }),
          await client.push([client.mutation('logEntry.create', entryArgs(log, { body: `Pump${char} started` }))]),
          await t.request('POST', '/v1/auth/login', { body: { email: viewer.email, password: viewer.password, deviceId: 'ws', deviceName: `${char}Control room` } }),
        ];
        for (const answer of attempts) expect([answer.status, answer.body.error?.code], JSON.stringify(char)).toEqual([400, 'invalid_request']);
      }
      expect(await databaseFingerprint(t.db)).toBe(before);
      expect(await verify()).toMatchObject({ ok: true });
    });

    // Writes that bypass the HTTP checks (a future code path, a seeding script) meet the second wall.
    const storeKeepsIt = backend === 'postgres';

    it(`reads each audit event back within its transaction: ${storeKeepsIt ? 'PostgreSQL keeps U+FEFF, so the event commits and verifies' : 'PGlite drops a leading U+FEFF, so the write rolls back'}`, async () => {
      const before = await databaseFingerprint(t.db);
      const write = t.db.transaction({ tenantId: tenant.id }, (tx) =>
        appendAudit(tx, tenant.id, { userId: null, sessionId: null, ip: null, deviceId: null }, { action: 'test.append', entity: 'tenant', entityId: tenant.id, reason: '\uFEFFleading mark' }, t.clock.now()),
      );
      if (storeKeepsIt) {
        await write;
        expect(await verify()).toMatchObject({ ok: true });
      } else {
        await expect(write).rejects.toBeInstanceOf(AuditReadBackError);
        expect(await databaseFingerprint(t.db)).toBe(before);
        expect(await verify()).toMatchObject({ ok: true });
      }
    });

    it(`reads a push's events back before it commits: ${storeKeepsIt ? 'kept and verified on PostgreSQL' : 'rolled back on PGlite'}`, async () => {
      const before = await databaseFingerprint(t.db);
      const write = t.db.transaction({ tenantId: tenant.id }, async (tx) => {
        const ledger = await PushLedger.open(tx, tenant.id);
        await ledger.appendAudit({ userId: tenant.admin.id, sessionId: null, ip: null, deviceId: null }, { action: 'test.push', entity: 'tenant', entityId: tenant.id, reason: '\uFEFFleading mark' }, t.clock.now());
        return ledger.flush(tx, []);
      });
      if (storeKeepsIt) {
        await write;
        expect(await verify()).toMatchObject({ ok: true });
      } else {
        await expect(write).rejects.toBeInstanceOf(AuditReadBackError);
        expect(await databaseFingerprint(t.db)).toBe(before);
      }
    });
  });
}
