import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../../shared/uuid7';
import { ownerRows, serverBackends, startTestServer, type TestTenant } from '../../support/server';
import { entryArgs, insertShiftLog, TestClient, type ShiftLogFixture } from '../../integration/server/sync-fixtures';

/**
 * Ids of another tenant are indistinguishable from ids that were never used: creating a row or
 * pushing a mutation under an id another tenant holds answers exactly as under a fresh id, and
 * never touches or reveals the other tenant's row.
 */
for (const { name, backend, skip } of serverBackends()) {
  describe.skipIf(skip)(`no id oracle across tenants (${name})`, () => {
    let server: Awaited<ReturnType<typeof startTestServer>>;
    let alpha: TestTenant;
    let beta: TestTenant;
    let alphaClient: TestClient;
    let betaClient: TestClient;
    let alphaLog: ShiftLogFixture;
    let betaLog: ShiftLogFixture;

    beforeAll(async () => {
      server = await startTestServer({ backend });
      alpha = await server.createTenant('Alpha');
      beta = await server.createTenant('Beta');
      alphaClient = new TestClient(server, (await server.signIn(alpha.admin)).token);
      betaClient = new TestClient(server, (await server.signIn(beta.admin)).token);
      alphaLog = await insertShiftLog(server.db, alpha.id, { areaId: alpha.areas.boilers, createdBy: alpha.admin.id, now: server.clock.now() });
      betaLog = await insertShiftLog(server.db, beta.id, { areaId: beta.areas.boilers, createdBy: beta.admin.id, now: server.clock.now() });
    });
    afterAll(async () => server?.stop());

    /** A result as a client could compare it: everything but the ids and seqs it chose or got. */
    const shape = (result: Record<string, unknown>) => ({ status: result.status, reason: result.reason, message: result.message, serverRow: result.serverRow, applied: typeof result.appliedSeq === 'number' });
    const rowsOf = (table: string, id: string) => ownerRows(server.db, `SELECT tenant_id, body FROM ${table} WHERE id = $1 ORDER BY tenant_id`, [id]);

    it("answers an entry, a comment and an amendment made under another tenant's ids exactly as under fresh ids", async () => {
      const taken = entryArgs(alphaLog, { body: 'Alpha: pump P-101 started' });
      expect((await alphaClient.apply('logEntry.create', taken)).status).toBe('applied');
      const takenComment = { id: uuidv7(), shiftLogId: alphaLog.id, entryId: taken.id, body: 'Alpha: watch the trend' };
      expect((await alphaClient.apply('comment.create', takenComment)).status).toBe('applied');
      const takenAmendment = { id: uuidv7(), entryId: taken.id, kind: 'addendum', body: 'Alpha: checked again', reason: 'Follow-up' };
      expect((await alphaClient.apply('logEntry.amend', takenAmendment)).status).toBe('applied');

      for (const id of [taken.id, uuidv7()]) {
        const entry = await betaClient.apply('logEntry.create', entryArgs(betaLog, { id, body: 'Beta: boiler B-2 lit' }));
        const comment = await betaClient.apply('comment.create', { id: id === taken.id ? takenComment.id : uuidv7(), shiftLogId: betaLog.id, entryId: id, body: 'Beta: noted' });
        const amendment = await betaClient.apply('logEntry.amend', { id: id === taken.id ? takenAmendment.id : uuidv7(), entryId: id, kind: 'addendum', body: 'Beta: fine', reason: 'Check' });
        for (const result of [entry, comment, amendment]) expect(shape(result), id === taken.id ? "another tenant's id" : 'a fresh id').toEqual({ status: 'applied', reason: null, message: null, serverRow: null, applied: true });
      }
      // Each tenant holds its own row under the shared id; Alpha's is untouched.
      const entries = new Map((await rowsOf('log_entries', taken.id)).map((row) => [row.tenant_id, row.body]));
      expect(Object.fromEntries(entries)).toEqual({ [alpha.id]: 'Alpha: pump P-101 started', [beta.id]: 'Beta: boiler B-2 lit' });
      expect((await rowsOf('comments', takenComment.id)).map((row) => row.tenant_id).sort()).toEqual([alpha.id, beta.id].sort());
      expect((await rowsOf('entry_amendments', takenAmendment.id)).map((row) => row.tenant_id).sort()).toEqual([alpha.id, beta.id].sort());
    });

    it("answers a reference to another tenant's entry exactly as one to an entry that does not exist", async () => {
      const alphaEntry = entryArgs(alphaLog);
      expect((await alphaClient.apply('logEntry.create', alphaEntry)).status).toBe('applied');
      const answers = [];
      for (const entryId of [alphaEntry.id, uuidv7()]) {
        answers.push([
          shape(await betaClient.apply('logEntry.amend', { id: uuidv7(), entryId, kind: 'addendum', body: 'x', reason: 'y' })),
          shape(await betaClient.apply('comment.create', { id: uuidv7(), shiftLogId: betaLog.id, entryId, body: 'x' })),
        ]);
      }
      expect(answers[0]).toEqual(answers[1]);
      expect(answers[0].every((answer) => answer.status === 'rejected')).toBe(true);
    });

    it("treats a mutation id used in another tenant as unused: applied as new, the other tenant's result neither revealed nor changed", async () => {
      const original = alphaClient.mutation('logEntry.create', entryArgs(alphaLog));
      const first = await alphaClient.push([original]);
      expect(first.body.results[0].status).toBe('applied');
      const copy = { ...betaClient.mutation('logEntry.create', entryArgs(betaLog)), id: original.id };
      const fresh = betaClient.mutation('logEntry.create', entryArgs(betaLog));
      const answer = await betaClient.push([copy, fresh]);
      expect(answer.status).toBe(200);
      expect(shape(answer.body.results[0])).toEqual(shape(answer.body.results[1]));
      expect(answer.body.results[0]).toMatchObject({ id: original.id, status: 'applied' });
      expect(answer.body.results[0].appliedSeq).not.toBe(first.body.results[0].appliedSeq);
      // Alpha's replay still gets its own stored result.
      expect((await alphaClient.push([original])).body.results[0]).toEqual(first.body.results[0]);
      expect((await ownerRows(server.db, 'SELECT tenant_id FROM client_mutations WHERE mutation_id = $1', [original.id])).map((row) => row.tenant_id).sort()).toEqual([alpha.id, beta.id].sort());
    });

    it('still refuses a second row under an id its own tenant already used', async () => {
      const entry = entryArgs(betaLog);
      expect((await betaClient.apply('logEntry.create', entry)).status).toBe('applied');
      expect(await betaClient.apply('logEntry.create', { ...entry, body: 'Again' })).toMatchObject({ status: 'rejected', reason: 'invalid' });
      expect((await ownerRows(server.db, 'SELECT body FROM log_entries WHERE tenant_id = $1 AND id = $2', [beta.id, entry.id])).map((row) => row.body)).toEqual([entry.body]);
    });
  });
}
