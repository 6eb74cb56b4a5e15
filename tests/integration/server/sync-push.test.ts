import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATE_ENTRY_GRACE_MINUTES } from '../../../shared/mutations';
import { MAX_PUSH_MUTATIONS, MutationResultSchema, PushResponseSchema } from '../../../shared/sync-protocol';
import { uuidv7 } from '../../../shared/uuid7';
import { ownerRows, serverBackends, startTestServer, type TestTenant, type TestUser } from '../../support/server';
import { countRows, entryArgs, insertHandover, insertShiftLog, signOffArgs, TestClient } from './sync-fixtures';

/**
 * POST /v1/sync/push (SYNC.md): duplicate delivery, gaps, current-permission checks, argument
 * and domain validation, baseVersion conflicts, and exactly one audit event plus the change-log
 * rows per applied mutation, every result recorded whatever it was.
 */
for (const { name, backend, skip } of serverBackends()) {
  describe.skipIf(skip)(`sync push (${name})`, () => {
    let server: Awaited<ReturnType<typeof startTestServer>>;
    let tenant: TestTenant;
    let contributor: TestUser;
    let admin: TestClient;
    let boilersWriter: TestClient;
    let viewer: TestClient;
    const now = () => server.clock.now();
    const newLog = (area: 'boilers' | 'tanks', options: { status?: 'open' | 'submitted' | 'reviewed' | 'signed'; hoursLeft?: number } = {}) =>
      insertShiftLog(server.db, tenant.id, { areaId: tenant.areas[area], createdBy: tenant.admin.id, now: now(), ...options });
    const auditCount = (entityId: string) => countRows(server.db, 'SELECT count(*) AS n FROM audit_events WHERE tenant_id = $1 AND entity_id = $2', [tenant.id, entityId]);

    beforeAll(async () => {
      server = await startTestServer({ backend, server: { rateLimits: { perIp: { limit: 100_000, windowMs: 60_000 }, perUser: { limit: 100_000, windowMs: 60_000 } } } });
      // Long sessions: the late-entry test moves the clock past a shift's end.
      tenant = await server.createTenant('Push Works', { session_idle_minutes: 1440, session_absolute_hours: 720 });
      contributor = await server.addMember(tenant.id, 'contributor', { areas: [tenant.areas.boilers] });
      admin = new TestClient(server, (await server.signIn(tenant.admin)).token);
      boilersWriter = new TestClient(server, (await server.signIn(contributor)).token);
      viewer = new TestClient(server, (await server.signIn(await server.addMember(tenant.id, 'viewer'))).token);
    });
    afterAll(async () => server?.stop());

    it('applies a new entry once and answers a duplicate delivery with the stored result', async () => {
      const log = await newLog('boilers');
      const mutation = boilersWriter.mutation('logEntry.create', entryArgs(log));
      const first = await boilersWriter.push([mutation]);
      expect(first.status).toBe(200);
      expect(PushResponseSchema.parse(first.body).results[0]).toMatchObject({ id: mutation.id, seq: mutation.seq, status: 'applied' });
      const again = await boilersWriter.push([mutation]);
      expect(again.body).toEqual(first.body);
      const entryId = (mutation.args as { id: string }).id;
      expect(await countRows(server.db, 'SELECT count(*) AS n FROM log_entries WHERE id = $1', [entryId])).toBe(1);
      expect(await auditCount(entryId)).toBe(1);
      expect(await countRows(server.db, "SELECT count(*) AS n FROM change_log WHERE tenant_id = $1 AND entity = 'log_entry' AND entity_id = $2", [tenant.id, entryId])).toBe(1);
    });

    it('writes one audit event with the actor, session, client time and diff, and one change-log row at the applied seq', async () => {
      const log = await newLog('boilers');
      const clientTime = '2026-01-02T03:04:05.000Z';
      const args = entryArgs(log, { body: 'Boiler B-2 tripped on low water' });
      const result = await boilersWriter.apply('logEntry.create', args, { clientTime });
      const [event] = await ownerRows(server.db, 'SELECT * FROM audit_events WHERE tenant_id = $1 AND entity_id = $2', [tenant.id, args.id]);
      expect(event.actor_id).toBe(contributor.id);
      expect(event.action).toBe('log_entry.created');
      expect(event.session_id).toBeTruthy();
      expect(event.device_id).toBe('test-device');
      expect(new Date(event.client_time as string).toISOString()).toBe(clientTime);
      expect((event.diff as Record<string, { before: unknown; after: unknown }>).body).toEqual({ before: null, after: 'Boiler B-2 tripped on low water' });
      const changes = await ownerRows(server.db, 'SELECT seq, scope FROM change_log WHERE tenant_id = $1 AND entity_id = $2', [tenant.id, args.id]);
      expect(changes).toHaveLength(1);
      expect(Number(changes[0].seq)).toBe(result.appliedSeq);
      expect(changes[0].scope).toEqual({ area_id: log.areaId, author_id: contributor.id });
    });

    it('stops the batch at a seq gap, keeps the results before it, and applies nothing after', async () => {
      const client = new TestClient(server, admin.token);
      const log = await newLog('tanks');
      const first = client.mutation('logEntry.create', entryArgs(log));
      client.mutation('logEntry.create', entryArgs(log)); // seq 2 is never sent
      const third = client.mutation('logEntry.create', entryArgs(log));
      const response = await client.push([first, third]);
      expect(response.status).toBe(200);
      expect(response.body.results.map((r: { seq: number }) => r.seq)).toEqual([1]);
      expect(response.body.gap).toEqual({ expectedSeq: 2 });
      expect(await countRows(server.db, 'SELECT count(*) AS n FROM log_entries WHERE id = $1', [(third.args as { id: string }).id])).toBe(0);
    });

    it('refuses a new mutation id under a seq already used, applying nothing', async () => {
      const client = new TestClient(server, admin.token);
      const log = await newLog('tanks');
      await client.apply('logEntry.create', entryArgs(log));
      const reused = { ...client.mutation('logEntry.create', entryArgs(log)), seq: 1 };
      const response = await client.push([reused]);
      expect(response.body.results[0]).toMatchObject({ status: 'rejected', reason: 'invalid' });
      expect(await countRows(server.db, 'SELECT count(*) AS n FROM log_entries WHERE id = $1', [(reused.args as { id: string }).id])).toBe(0);
    });

    it('rejects as forbidden a contributor writing outside their areas and a viewer writing at all', async () => {
      const tanks = await newLog('tanks');
      const outside = await boilersWriter.apply('logEntry.create', entryArgs(tanks));
      expect(outside).toMatchObject({ status: 'rejected', reason: 'forbidden' });
      const boilers = await newLog('boilers');
      const byViewer = await viewer.apply('logEntry.create', entryArgs(boilers));
      expect(byViewer).toMatchObject({ status: 'rejected', reason: 'forbidden' });
      const viewerSignOff = await viewer.apply('shiftLog.signOff', await signOffArgs(server.db, tenant.id, boilers));
      expect(viewerSignOff).toMatchObject({ status: 'rejected', reason: 'forbidden' });
      expect(await countRows(server.db, 'SELECT count(*) AS n FROM log_entries WHERE shift_log_id IN ($1, $2)', [tanks.id, boilers.id])).toBe(0);
    });

    it('uses the current rights, not the grant: an area removed after sign-in makes the next write forbidden', async () => {
      const member = await server.addMember(tenant.id, 'contributor', { areas: [tenant.areas.tanks] });
      const client = new TestClient(server, (await server.signIn(member)).token);
      const log = await newLog('tanks');
      expect((await client.apply('logEntry.create', entryArgs(log))).status).toBe('applied');
      const patched = await server.request('PATCH', `/v1/tenants/${tenant.id}/users/${member.id}`, { token: admin.token, body: { areas: [tenant.areas.boilers] } });
      expect(patched.status).toBe(200);
      expect(await client.apply('logEntry.create', entryArgs(log))).toMatchObject({ status: 'rejected', reason: 'forbidden' });
    });

    it('records rejected mutations as processed: the next seq goes on and a resend answers the same', async () => {
      const client = new TestClient(server, (await server.signIn(contributor)).token);
      const tanks = await newLog('tanks');
      const refused = client.mutation('logEntry.create', entryArgs(tanks));
      const first = await client.push([refused]);
      expect(first.body.results[0].status).toBe('rejected');
      expect((await client.push([refused])).body).toEqual(first.body);
      const boilers = await newLog('boilers');
      expect((await client.apply('logEntry.create', entryArgs(boilers))).status).toBe('applied');
    });

    it('needs a late reason after the shift end plus grace, judged at server receive time', async () => {
      const log = await newLog('boilers', { hoursLeft: 1 });
      server.clock.advance((60 + LATE_ENTRY_GRACE_MINUTES + 1) * 60_000);
      const withoutReason = await boilersWriter.apply('logEntry.create', entryArgs(log));
      expect(withoutReason).toMatchObject({ status: 'rejected', reason: 'invalid' });
      expect(withoutReason.message).toMatch(/late reason/);
      const args = entryArgs(log, { lateReason: 'Written on paper during the outage' });
      expect((await boilersWriter.apply('logEntry.create', args)).status).toBe('applied');
      const [entry] = await ownerRows(server.db, 'SELECT late, late_reason FROM log_entries WHERE id = $1', [args.id]);
      expect(entry).toEqual({ late: true, late_reason: 'Written on paper during the outage' });
    });

    it('rejects as invalid malformed args, unknown names, unknown logs and an entry area that is not its log area', async () => {
      const log = await newLog('boilers');
      const cases = [
        await admin.apply('logEntry.create', { ...entryArgs(log), severity: 'catastrophic' }),
        await admin.apply('logEntry.create', { ...entryArgs(log), extra: 1 }),
        await admin.apply('logEntry.destroy', {}),
        await admin.apply('logEntry.create', entryArgs({ ...log, id: uuidv7() })),
        await admin.apply('logEntry.create', entryArgs({ ...log, areaId: tenant.areas.tanks })),
        await admin.apply('logEntry.amend', { id: uuidv7(), entryId: uuidv7(), kind: 'correction', body: null, fieldsChanged: null, reason: 'x' }),
      ];
      for (const result of cases) expect(MutationResultSchema.parse(result)).toMatchObject({ status: 'rejected', reason: 'invalid' });
    });

    it('does not create a second row for an entry id already used by another mutation', async () => {
      const log = await newLog('boilers');
      const args = entryArgs(log);
      expect((await admin.apply('logEntry.create', args)).status).toBe('applied');
      expect(await admin.apply('logEntry.create', { ...args, body: 'Another text' })).toMatchObject({ status: 'rejected', reason: 'invalid' });
      expect(await ownerRows(server.db, 'SELECT body FROM log_entries WHERE id = $1', [args.id])).toEqual([{ body: args.body }]);
    });

    it('walks open -> submitted -> reviewed -> signed and refuses transitions out of order', async () => {
      const log = await newLog('boilers');
      expect(await admin.apply('shiftLog.signOff', await signOffArgs(server.db, tenant.id, log, 'approved'))).toMatchObject({ status: 'rejected', reason: 'invalid' });
      expect(await admin.apply('shiftLog.reopen', { shiftLogId: log.id, reason: 'typo' })).toMatchObject({ status: 'rejected', reason: 'invalid' });
      expect((await boilersWriter.apply('shiftLog.submit', { shiftLogId: log.id })).status).toBe('applied');
      expect((await admin.apply('shiftLog.signOff', await signOffArgs(server.db, tenant.id, log, 'reviewed'))).status).toBe('applied');
      expect((await admin.apply('shiftLog.signOff', await signOffArgs(server.db, tenant.id, log, 'approved'))).status).toBe('applied');
      const [row] = await ownerRows(server.db, 'SELECT status, version FROM shift_logs WHERE id = $1', [log.id]);
      expect(row).toEqual({ status: 'signed', version: 4 });
      expect(await countRows(server.db, 'SELECT count(*) AS n FROM signoffs WHERE shift_log_id = $1', [log.id])).toBe(2);
      // A contributor may not sign or reopen.
      expect(await boilersWriter.apply('shiftLog.reopen', { shiftLogId: log.id, reason: 'please' })).toMatchObject({ status: 'rejected', reason: 'forbidden' });
    });

    it('locks a signed log to new entries, takes amendments and comments marked after sign-off, and reopens', async () => {
      const log = await newLog('boilers', { status: 'reviewed' });
      const entry = entryArgs(log);
      expect((await boilersWriter.apply('logEntry.create', entry)).status).toBe('applied');
      expect((await admin.apply('shiftLog.signOff', await signOffArgs(server.db, tenant.id, log))).status).toBe('applied');
      expect(await boilersWriter.apply('logEntry.create', entryArgs(log))).toMatchObject({ status: 'rejected', reason: 'invalid' });
      const amendment = { id: uuidv7(), entryId: entry.id, kind: 'addendum', body: 'Pressure rechecked at 07:30', fieldsChanged: null, reason: 'Follow-up' };
      expect((await boilersWriter.apply('logEntry.amend', amendment)).status).toBe('applied');
      const comment = { id: uuidv7(), shiftLogId: log.id, entryId: entry.id, body: 'Seen' };
      expect((await boilersWriter.apply('comment.create', comment)).status).toBe('applied');
      expect(await ownerRows(server.db, 'SELECT added_after_signoff FROM entry_amendments WHERE id = $1', [amendment.id])).toEqual([{ added_after_signoff: true }]);
      expect(await ownerRows(server.db, 'SELECT added_after_signoff FROM comments WHERE id = $1', [comment.id])).toEqual([{ added_after_signoff: true }]);
      expect((await admin.apply('shiftLog.reopen', { shiftLogId: log.id, reason: 'Missing reading' })).status).toBe('applied');
      const later = entryArgs(log);
      expect((await boilersWriter.apply('logEntry.create', later)).status).toBe('applied');
      expect(await ownerRows(server.db, 'SELECT added_after_signoff FROM log_entries WHERE id IN ($1, $2) ORDER BY added_after_signoff', [entry.id, later.id])).toEqual([
        { added_after_signoff: false },
        { added_after_signoff: true },
      ]);
      const [row] = await ownerRows(server.db, 'SELECT status, reopened_at FROM shift_logs WHERE id = $1', [log.id]);
      expect(row.status).toBe('open');
      expect(row.reopened_at).not.toBeNull();
    });

    it('voids an entry with a new amendment row and keeps the original body', async () => {
      const log = await newLog('boilers');
      const entry = entryArgs(log);
      await boilersWriter.apply('logEntry.create', entry);
      const voiding = { id: uuidv7(), entryId: entry.id, kind: 'void', body: null, fieldsChanged: null, reason: 'Wrong log' };
      const result = await boilersWriter.apply('logEntry.amend', voiding, { baseVersion: 1 });
      expect(result.status).toBe('applied');
      expect(await ownerRows(server.db, 'SELECT body, state, version FROM log_entries WHERE id = $1', [entry.id])).toEqual([{ body: entry.body, state: 'voided', version: 2 }]);
      expect(await countRows(server.db, "SELECT count(*) AS n FROM entry_amendments WHERE entry_id = $1 AND kind = 'void'", [entry.id])).toBe(1);
      const changes = await ownerRows(server.db, 'SELECT entity, seq FROM change_log WHERE tenant_id = $1 AND entity_id IN ($2, $3) ORDER BY seq', [tenant.id, entry.id, voiding.id]);
      expect(changes.map((c) => c.entity)).toEqual(['log_entry', 'entry_amendment', 'log_entry']);
      expect(Number(changes[2].seq)).toBe(result.appliedSeq);
      expect(await auditCount(entry.id)).toBe(2);
      expect(await boilersWriter.apply('logEntry.amend', { ...voiding, id: uuidv7(), kind: 'addendum', body: 'more' })).toMatchObject({ status: 'rejected', reason: 'invalid' });
    });

    it('answers a stale baseVersion with a conflict carrying the server row', async () => {
      const log = await newLog('boilers');
      const result = await boilersWriter.apply('shiftLog.submit', { shiftLogId: log.id }, { baseVersion: 7 });
      expect(result.status).toBe('conflict');
      expect(result.serverRow).toMatchObject({ id: log.id, status: 'open', version: 1 });
      // A row no audited change touched (written by the fixture) names no one.
      expect(result.conflict).toEqual({ kind: 'changed_on_server', changedBy: null, changedAt: null });
      expect(await ownerRows(server.db, 'SELECT status FROM shift_logs WHERE id = $1', [log.id])).toEqual([{ status: 'open' }]);
    });

    it('lets one of two admins signing the same log at once win; the other gets a conflict', async () => {
      const log = await newLog('tanks', { status: 'reviewed' });
      const secondAdmin = await server.addMember(tenant.id, 'admin');
      const second = new TestClient(server, (await server.signIn(secondAdmin)).token);
      const results = await Promise.all([admin.apply('shiftLog.signOff', await signOffArgs(server.db, tenant.id, log), { baseVersion: 1 }), second.apply('shiftLog.signOff', await signOffArgs(server.db, tenant.id, log), { baseVersion: 1 })]);
      expect(results.map((r) => r.status).sort()).toEqual(['applied', 'conflict']);
      const lost = results.find((r) => r.status === 'conflict');
      expect(lost.serverRow).toMatchObject({ status: 'signed', version: 2 });
      // The loser's card can say who signed first and when: the winner's audited sign-off.
      const winner = results[0].status === 'applied' ? tenant.admin.id : secondAdmin.id;
      expect(lost.conflict).toMatchObject({ changedBy: winner, changedAt: expect.stringMatching(/Z$/) });
      expect(['changed_on_server', 'already_done']).toContain(lost.conflict.kind);
      expect(await countRows(server.db, 'SELECT count(*) AS n FROM signoffs WHERE shift_log_id = $1', [log.id])).toBe(1);
      expect(await auditCount(log.id)).toBe(1);
    });

    it('acknowledges a handover side once; acknowledging it again is a conflict', async () => {
      const log = await newLog('boilers');
      const handoverId = await insertHandover(server.db, tenant.id, { from: log, createdBy: tenant.admin.id, now: now() });
      expect((await boilersWriter.apply('handover.acknowledge', { handoverId, side: 'incoming' })).status).toBe('applied');
      expect(await ownerRows(server.db, 'SELECT incoming_ack_by, version FROM handovers WHERE id = $1', [handoverId])).toEqual([{ incoming_ack_by: contributor.id, version: 2 }]);
      const again = await admin.apply('handover.acknowledge', { handoverId, side: 'incoming' });
      expect(again.status).toBe('conflict');
      expect(again.conflict).toEqual({ kind: 'already_done', changedBy: contributor.id, changedAt: now().toISOString() });
    });

    it('takes a full batch of MAX_PUSH_MUTATIONS entries in one request, above the server-wide body limit', async () => {
      const client = new TestClient(server, admin.token);
      const log = await newLog('tanks');
      const mutations = Array.from({ length: MAX_PUSH_MUTATIONS }, () => client.mutation('logEntry.create', entryArgs(log, { body: 'Routine round: all readings within limits. '.repeat(4) })));
      expect(JSON.stringify(mutations).length).toBeGreaterThan(64 * 1024);
      const response = await client.push(mutations);
      expect(response.status).toBe(200);
      expect(response.body.results.filter((result: { status: string }) => result.status === 'applied')).toHaveLength(MAX_PUSH_MUTATIONS);
      expect(await countRows(server.db, 'SELECT count(*) AS n FROM log_entries WHERE shift_log_id = $1', [log.id])).toBe(MAX_PUSH_MUTATIONS);
      // Numbered in the order sent, each at its own entry's change, each with its own event right before it.
      const applied = PushResponseSchema.parse(response.body).results.map((result) => result.appliedSeq!);
      const changes = await ownerRows(server.db, 'SELECT seq, entity, entity_id FROM change_log WHERE tenant_id = $1 AND seq = ANY($2::bigint[]) ORDER BY seq', [tenant.id, applied]);
      expect(changes.map((change) => [Number(change.seq), change.entity_id])).toEqual(mutations.map((mutation, i) => [applied[i], (mutation.args as { id: string }).id]));
      expect(applied.every((seq, i) => i === 0 || seq === applied[i - 1] + 2)).toBe(true);
    });

    it('keeps each outcome of a mixed batch apart: refused and conflicting mutations leave no row, event or change, and the trail stays one gapless chain', async () => {
      const client = new TestClient(server, admin.token);
      const log = await newLog('tanks');
      const head = await countRows(server.db, 'SELECT last_seq AS n FROM tenant_seq WHERE tenant_id = $1', [tenant.id]);
      const eventsBefore = await countRows(server.db, 'SELECT count(*) AS n FROM audit_events WHERE tenant_id = $1', [tenant.id]);
      const first = client.mutation('logEntry.create', entryArgs(log));
      const sameEntryId = client.mutation('logEntry.create', entryArgs(log, { id: (first.args as { id: string }).id }));
      const stale = client.mutation('shiftLog.submit', { shiftLogId: log.id }, { baseVersion: 9 });
      const amendment = client.mutation('logEntry.amend', { id: uuidv7(), entryId: (first.args as { id: string }).id, kind: 'void', body: null, reason: 'Wrong pump' });
      const submit = client.mutation('shiftLog.submit', { shiftLogId: log.id });
      const response = await client.push([first, sameEntryId, stale, first, amendment, submit]);
      expect(response.status).toBe(200);
      const results = PushResponseSchema.parse(response.body).results;
      expect(results.map((result) => result.status)).toEqual(['applied', 'rejected', 'conflict', 'applied', 'applied', 'applied']);
      // The repeated delivery inside the batch answers the stored result of the first.
      expect(results[3]).toEqual(results[0]);
      // Three applied mutations: three events, and their rows, numbered on from the head without a gap.
      expect(await countRows(server.db, 'SELECT count(*) AS n FROM audit_events WHERE tenant_id = $1', [tenant.id])).toBe(eventsBefore + 3);
      const changes = await ownerRows(server.db, 'SELECT seq, entity FROM change_log WHERE tenant_id = $1 AND seq > $2 ORDER BY seq', [tenant.id, head]);
      expect(changes.map((change) => Number(change.seq))).toEqual(Array.from({ length: changes.length }, (_, i) => head + i + 1));
      expect(changes.map((change) => change.entity)).toEqual(['audit_event', 'log_entry', 'audit_event', 'entry_amendment', 'log_entry', 'audit_event', 'shift_log']);
      expect([results[0].appliedSeq, results[4].appliedSeq, results[5].appliedSeq]).toEqual([head + 2, head + 5, head + 7]);
      expect(await countRows(server.db, 'SELECT last_seq AS n FROM tenant_seq WHERE tenant_id = $1', [tenant.id])).toBe(head + 7);
      expect(await ownerRows(server.db, 'SELECT status, version FROM shift_logs WHERE id = $1', [log.id])).toEqual([{ status: 'submitted', version: 2 }]);
      const verify = await server.request('GET', `/v1/tenants/${tenant.id}/audit/verify`, { token: admin.token });
      expect(verify.body).toMatchObject({ ok: true, firstBreak: null });
      // The next batch goes on after the last seq stored, the refused ones included.
      expect((await client.apply('logEntry.create', entryArgs(log))).status).toBe('applied');
    });

    it('decides a run of new entries in order: one refused in the middle changes nothing, the others are numbered as sent', async () => {
      const client = new TestClient(server, admin.token);
      const open = await newLog('tanks');
      const signed = await newLog('tanks', { status: 'signed' });
      const head = await countRows(server.db, 'SELECT last_seq AS n FROM tenant_seq WHERE tenant_id = $1', [tenant.id]);
      const batch = [open, open, signed, open].map((log) => client.mutation('logEntry.create', entryArgs(log)));
      const results = PushResponseSchema.parse((await client.push(batch)).body).results;
      expect(results.map((result) => [result.status, result.appliedSeq])).toEqual([['applied', head + 2], ['applied', head + 4], ['rejected', null], ['applied', head + 6]]);
      expect(results[2].message).toMatch(/signed/);
      expect(await countRows(server.db, 'SELECT count(*) AS n FROM log_entries WHERE shift_log_id = $1', [signed.id])).toBe(0);
      const events = await ownerRows(server.db, "SELECT entity_id FROM audit_events WHERE tenant_id = $1 AND action = 'log_entry.created' AND entity_id = ANY($2::text[]) ORDER BY seq", [tenant.id, batch.map((m) => (m.args as { id: string }).id)]);
      expect(events.map((event) => event.entity_id)).toEqual([0, 1, 3].map((i) => (batch[i].args as { id: string }).id));
    });

    it('records a local action as an audit event of the actor, whose only change-log row is the event in the feed', async () => {
      const client = new TestClient(server, (await server.signIn(contributor)).token);
      const head = await countRows(server.db, 'SELECT last_seq AS n FROM tenant_seq WHERE tenant_id = $1', [tenant.id]);
      const result = await client.apply('audit.local', { action: 'unlock', at: '2026-03-01T10:00:00.000Z', details: { online: false } }, { clientTime: '2026-03-01T10:00:01.000Z' });
      expect(result).toMatchObject({ status: 'applied', appliedSeq: head + 1 });
      const changes = await ownerRows(server.db, 'SELECT entity FROM change_log WHERE tenant_id = $1 AND seq > $2', [tenant.id, head]);
      expect(changes).toEqual([{ entity: 'audit_event' }]);
      const events = await ownerRows(server.db, "SELECT actor_id, client_time, diff FROM audit_events WHERE tenant_id = $1 AND action = 'local.unlock'", [tenant.id]);
      expect(events).toHaveLength(1);
      expect(events[0].actor_id).toBe(contributor.id);
      expect(new Date(events[0].client_time as string).toISOString()).toBe('2026-03-01T10:00:01.000Z');
      expect(await countRows(server.db, 'SELECT last_seq AS n FROM tenant_seq WHERE tenant_id = $1', [tenant.id])).toBe(head + 1);
    });
  });
}
