import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change } from '../../../shared/sync-protocol';
import { ownerRows, serverBackends, startTestServer, type TestTenant } from '../../support/server';
import { entryArgs, insertShiftLog, TestClient } from '../../integration/server/sync-fixtures';

/** Sync never crosses tenants: not by ids in args, not by a reused mutation id, not in the feed. */
for (const { name, backend, skip } of serverBackends()) {
  describe.skipIf(skip)(`sync tenant isolation (${name})`, () => {
    let server: Awaited<ReturnType<typeof startTestServer>>;
    let alpha: TestTenant;
    let beta: TestTenant;
    let alphaClient: TestClient;
    let betaClient: TestClient;

    beforeAll(async () => {
      server = await startTestServer({ backend });
      alpha = await server.createTenant('Alpha');
      beta = await server.createTenant('Beta');
      alphaClient = new TestClient(server, (await server.signIn(alpha.admin)).token);
      betaClient = new TestClient(server, (await server.signIn(beta.admin)).token);
    });
    afterAll(async () => server?.stop());

    it("treats another tenant's shift log as non-existent and writes nothing there", async () => {
      const betaLog = await insertShiftLog(server.db, beta.id, { areaId: beta.areas.boilers, createdBy: beta.admin.id, now: server.clock.now() });
      const result = await alphaClient.apply('logEntry.create', entryArgs({ ...betaLog, areaId: betaLog.areaId }));
      expect(result).toMatchObject({ status: 'rejected', reason: 'invalid' });
      expect(await ownerRows(server.db, 'SELECT id FROM log_entries WHERE shift_log_id = $1', [betaLog.id])).toEqual([]);
      for (const shiftLogId of [betaLog.id]) {
        expect(await alphaClient.apply('shiftLog.submit', { shiftLogId })).toMatchObject({ status: 'rejected', reason: 'invalid' });
      }
    });

    it("treats a mutation id already used in another tenant as unused, without revealing or touching its result", async () => {
      const alphaLog = await insertShiftLog(server.db, alpha.id, { areaId: alpha.areas.boilers, createdBy: alpha.admin.id, now: server.clock.now() });
      const betaLog = await insertShiftLog(server.db, beta.id, { areaId: beta.areas.boilers, createdBy: beta.admin.id, now: server.clock.now() });
      const original = alphaClient.mutation('logEntry.create', entryArgs(alphaLog));
      const stored = (await alphaClient.push([original])).body.results[0];
      expect(stored.status).toBe('applied');
      const copy = { ...betaClient.mutation('logEntry.create', entryArgs(betaLog)), id: original.id };
      const answer = await betaClient.push([copy]);
      expect(answer.status).toBe(200);
      expect(answer.body.results[0]).toMatchObject({ id: original.id, status: 'applied', serverRow: null });
      expect(await ownerRows(server.db, 'SELECT id FROM log_entries WHERE shift_log_id = $1', [alphaLog.id])).toHaveLength(1);
      expect((await alphaClient.push([original])).body.results[0]).toEqual(stored);
    });

    it("never hands out another tenant's changes, and refuses to pull another tenant's feed", async () => {
      await insertShiftLog(server.db, beta.id, { areaId: beta.areas.tanks, createdBy: beta.admin.id, now: server.clock.now() });
      const page = await server.request('GET', `/v1/sync/pull?tenant=${alpha.id}&since=0&limit=5000`, { token: alphaClient.token });
      expect(page.status).toBe(200);
      const betaIds = new Set((await ownerRows(server.db, 'SELECT entity_id FROM change_log WHERE tenant_id = $1', [beta.id])).map((row) => row.entity_id));
      expect(page.body.changes.some((change: Change) => betaIds.has(change.entityId))).toBe(false);
      const foreign = await server.request('GET', `/v1/sync/pull?tenant=${beta.id}&since=0`, { token: alphaClient.token });
      expect(foreign.status).toBe(404);
      expect((await server.request('GET', `/v1/sync/pull?tenant=${randomUUID()}&since=0`, { token: alphaClient.token })).status).toBe(404);
    });

    it('needs a valid session for push, pull and head', async () => {
      for (const [method, path] of [['POST', '/v1/sync/push'], ['GET', `/v1/sync/pull?tenant=${alpha.id}&since=0`], ['GET', '/v1/sync/head']] as const) {
        const answer = await server.request(method, path, { token: 'not-a-token', body: method === 'POST' ? {} : undefined });
        expect(answer.status).toBe(401);
      }
    });
  });
}
