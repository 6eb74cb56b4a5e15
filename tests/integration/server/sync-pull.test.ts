import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStoreDatabase } from '../../../main/core/store/open';
import { EXACT_TOTAL_RANGE } from '../../../server/sync/pull';
import { syncedTables, type AuditEventRow } from '../../../main/core/store/rows';
import { appendAuditEvents, deleteRows, upsertRows } from '../../../main/core/store/writes';
import { PullResponseSchema, SYNC_SCHEMA_VERSION, type Change } from '../../../shared/sync-protocol';
import { uuidv7 } from '../../../shared/uuid7';
import { serverBackends, startTestServer, type TestTenant, type TestUser } from '../../support/server';
import { countRows, entryArgs, insertHandover, insertShiftLog, signOffArgs, TestClient } from './sync-fixtures';

/**
 * GET /v1/sync/pull and /v1/sync/head: only what the caller may read now, keyset pages by seq
 * with no gap or duplicate, total for progress, a policyVersion that moves with the caller's
 * access, 409 reset, and rows the desktop cache accepts as they are.
 */
for (const { name, backend, skip } of serverBackends()) {
  describe.skipIf(skip)(`sync pull and head (${name})`, () => {
    let server: Awaited<ReturnType<typeof startTestServer>>;
    let tenant: TestTenant;
    let adminToken: string;
    let admin: TestClient;
    const now = () => server.clock.now();

    const pull = (token: string, since: number, extra = '') => server.request('GET', `/v1/sync/pull?tenant=${tenant.id}&since=${since}${extra}`, { token });
    /** Every change visible to the token, page by page. */
    const pullAll = async (token: string, limit: number) => {
      const changes: Change[] = [];
      let since = 0;
      let pages = 0;
      let total: number | null = null;
      for (;;) {
        const page = await pull(token, since, `&limit=${limit}`);
        expect(page.status).toBe(200);
        const body = PullResponseSchema.parse(page.body);
        total ??= body.total;
        changes.push(...body.changes);
        since = body.cursor;
        pages += 1;
        if (!body.hasMore) return { changes, total, pages, cursor: body.cursor, policyVersion: body.policyVersion };
      }
    };

    beforeAll(async () => {
      server = await startTestServer({ backend, server: { rateLimits: { perIp: { limit: 100_000, windowMs: 60_000 }, perUser: { limit: 100_000, windowMs: 60_000 } } } });
      tenant = await server.createTenant('Pull Works');
      adminToken = (await server.signIn(tenant.admin)).token;
      admin = new TestClient(server, adminToken);
      // Shift data in both areas, every kind of row.
      for (const area of ['boilers', 'tanks'] as const) {
        const log = await insertShiftLog(server.db, tenant.id, { areaId: tenant.areas[area], createdBy: tenant.admin.id, now: now(), status: 'reviewed' });
        const entry = entryArgs(log);
        await admin.apply('logEntry.create', entry);
        await admin.apply('logEntry.amend', { id: uuidv7(), entryId: entry.id, kind: 'correction', body: 'Pressure 4.2 bar', fieldsChanged: { severity: 'low' }, reason: 'Misread' });
        await admin.apply('comment.create', { id: uuidv7(), shiftLogId: log.id, entryId: null, body: 'Quiet shift' });
        await admin.apply('shiftLog.signOff', await signOffArgs(server.db, tenant.id, log));
        const handoverId = await insertHandover(server.db, tenant.id, { from: log, createdBy: tenant.admin.id, now: now() });
        await admin.apply('handover.acknowledge', { handoverId, side: 'outgoing' });
      }
    });
    afterAll(async () => server?.stop());

    it('pages the whole feed by seq without gap or duplicate, with the right total', async () => {
      const { changes, total, pages } = await pullAll(adminToken, 3);
      const seqs = changes.map((change) => change.seq);
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(pages).toBeGreaterThan(3);
      expect(total).toBe(changes.length);
      const head = await server.request('GET', '/v1/sync/head', { token: adminToken });
      expect(seqs.at(-1)).toBe(head.body.seq);
      // From the middle: exactly the rest.
      const middle = seqs[Math.floor(seqs.length / 2)];
      const rest = await pullAll(adminToken, 1000).then(() => pull(adminToken, middle, '&limit=5000'));
      expect(rest.body.changes.map((change: Change) => change.seq)).toEqual(seqs.filter((seq) => seq > middle));
      expect(rest.body.total).toBe(seqs.filter((seq) => seq > middle).length);
    });

    it("opens a new tenant's feed with its own row, so a first sync knows the organisation's name and settings", async () => {
      const fresh = await server.createTenant('Fresh Works');
      const token = (await server.signIn(fresh.admin)).token;
      const page = await server.request('GET', `/v1/sync/pull?tenant=${fresh.id}&since=0`, { token });
      const tenantRows = PullResponseSchema.parse(page.body).changes.filter((change) => change.entity === 'tenant');
      expect(tenantRows).toHaveLength(1);
      expect(tenantRows[0].row).toMatchObject({ id: fresh.id, name: 'Fresh Works', offline_grant_hours: expect.any(Number) });
    });

    it('shows a contributor with an area-scoped custom role only the rows of their areas', async () => {
      const role = await server.request('POST', `/v1/tenants/${tenant.id}/roles`, {
        token: adminToken,
        body: { name: `Boilers reader ${randomUUID()}`, grants: ['shift_log', 'log_entry', 'comment', 'signoff', 'handover'].map((entity) => ({ action: 'read', access: 'area', entity })) },
      });
      expect(role.status).toBe(201);
      const member: TestUser = await server.addMember(tenant.id, { customRoleId: role.body.id }, { areas: [tenant.areas.boilers] });
      const { changes, total } = await pullAll((await server.signIn(member)).token, 2);
      const shiftData = changes.filter((change) => ['shift_log', 'log_entry', 'entry_amendment', 'comment', 'signoff', 'handover'].includes(change.entity));
      expect(shiftData.length).toBeGreaterThanOrEqual(7);
      for (const change of shiftData) {
        const row = change.row as Record<string, unknown>;
        const areaOf = row.area_id ?? null;
        if (areaOf !== null) expect(areaOf).toBe(tenant.areas.boilers);
      }
      expect(changes.some((change) => change.entity === 'user' || change.entity === 'role' || change.entity === 'membership')).toBe(false);
      expect(total).toBe(changes.length);
    });

    it('shows a custom role with "own" access only the entries its holder wrote', async () => {
      const role = await server.request('POST', `/v1/tenants/${tenant.id}/roles`, {
        token: adminToken,
        body: { name: `Own entries ${randomUUID()}`, grants: [{ action: 'read', access: 'own', entity: 'log_entry' }, { action: 'create', access: 'org', entity: 'log_entry' }] },
      });
      const member = await server.addMember(tenant.id, { customRoleId: role.body.id });
      const client = new TestClient(server, (await server.signIn(member)).token);
      const log = await insertShiftLog(server.db, tenant.id, { areaId: tenant.areas.tanks, createdBy: tenant.admin.id, now: now() });
      const mine = entryArgs(log);
      expect((await client.apply('logEntry.create', mine)).status).toBe('applied');
      const { changes, total } = await pullAll(client.token, 1000);
      expect(changes.map((change) => [change.entity, change.entityId])).toContainEqual(['log_entry', mine.id]);
      expect(changes.every((change) => change.entity !== 'log_entry' || (change.row as { author_id: string }).author_id === member.id)).toBe(true);
      // Amendments follow log_entry's read rule (own): none of the admin's are shown.
      expect(changes.some((change) => change.entity === 'entry_amendment' || change.entity === 'shift_log')).toBe(false);
      expect(total).toBe(changes.length);
    });

    it('estimates, rather than counts, the total of a huge filtered feed, and still pages it exactly', async () => {
      const big = await server.createTenant('Big Feed');
      const bigAdmin = (await server.signIn(big.admin)).token;
      // After the tenant's own first changes (its audit events): entries alternate between the two
      // areas by seq; only their change rows matter to pull.
      const base = await countRows(server.db, 'SELECT last_seq AS n FROM tenant_seq WHERE tenant_id = $1', [big.id]);
      const rows = base + EXACT_TOTAL_RANGE + 20_000;
      await server.db.ownerTransaction(async (tx) => {
        await tx.query(
          `INSERT INTO change_log (tenant_id, seq, entity, entity_id, op, row, scope)
           SELECT $1::uuid, g, 'log_entry', md5(g::text)::uuid::text, 'upsert', jsonb_build_object('id', md5(g::text)::uuid::text), jsonb_build_object('area_id', CASE WHEN g % 2 = 0 THEN $2 ELSE $3 END)
           FROM generate_series($5::int + 1, $4::int) AS g`,
          [big.id, big.areas.boilers, big.areas.tanks, rows, base],
        );
        await tx.query('UPDATE tenant_seq SET last_seq = $2 WHERE tenant_id = $1', [big.id, rows]);
      });
      const role = await server.request('POST', `/v1/tenants/${big.id}/roles`, { token: bigAdmin, body: { name: 'Boilers entries', grants: [{ action: 'read', access: 'area', entity: 'log_entry' }] } });
      const member = await server.addMember(big.id, { customRoleId: role.body.id }, { areas: [big.areas.boilers] });
      const token = (await server.signIn(member)).token;
      const first = await server.request('GET', `/v1/sync/pull?tenant=${big.id}&since=0&limit=5000`, { token });
      expect(first.status).toBe(200);
      expect(Math.abs(first.body.total - rows / 2)).toBeLessThan(rows * 0.01);
      // Near the end the range is small again and the total exact.
      const tail = await server.request('GET', `/v1/sync/pull?tenant=${big.id}&since=${rows - 10}&limit=5000`, { token });
      expect(tail.body.total).toBe(5);
      const boilersTail = [rows - 9, rows - 8, rows - 7, rows - 6, rows - 5, rows - 4, rows - 3, rows - 2, rows - 1, rows].filter((seq) => seq % 2 === 0);
      expect(tail.body.changes.map((change: Change) => change.seq)).toEqual(boilersTail);
    });

    it('hides a module whose flag is off', async () => {
      const member = await server.addMember(tenant.id, 'viewer', { moduleFlags: { shift_logs: true, handovers: false, audit: false, users: false, exports: false } });
      const { changes } = await pullAll((await server.signIn(member)).token, 1000);
      expect(changes.some((change) => change.entity === 'log_entry')).toBe(true);
      expect(changes.some((change) => change.entity === 'handover')).toBe(false);
    });

    it('moves policyVersion when an admin changes the areas, the role, the flags or the custom role', async () => {
      const role = await server.request('POST', `/v1/tenants/${tenant.id}/roles`, { token: adminToken, body: { name: `Policy ${randomUUID()}`, grants: [] } });
      const member = await server.addMember(tenant.id, 'contributor', { areas: [tenant.areas.boilers] });
      const signIn = await server.signIn(member);
      const versionNow = async () => (await pull(signIn.token, 0, '&limit=1')).body.policyVersion as number;
      const seen = [await versionNow()];
      expect(signIn.grant.policyVersion).toBe(seen[0]);
      const patch = (body: unknown) => server.request('PATCH', `/v1/tenants/${tenant.id}/users/${member.id}`, { token: adminToken, body });
      for (const body of [{ areas: [tenant.areas.tanks] }, { role: 'viewer' }, { moduleFlags: { shift_logs: true, handovers: false, audit: false, users: false, exports: false } }, { role: { customRoleId: role.body.id } }]) {
        expect((await patch(body)).status).toBe(200);
        seen.push(await versionNow());
      }
      const edited = await server.request('PATCH', `/v1/tenants/${tenant.id}/roles/${role.body.id}`, { token: adminToken, body: { grants: [{ action: 'read', access: 'org', entity: 'shift_log' }] } });
      expect(edited.status).toBe(200);
      seen.push(await versionNow());
      expect(new Set(seen).size).toBe(seen.length);
      const head = await server.request('GET', '/v1/sync/head', { token: signIn.token });
      expect(head.body.policyVersion).toBe(seen.at(-1));
    });

    it('answers 409 reset for another schema version or a cursor beyond the head, and 404 for another tenant', async () => {
      const mismatch = await pull(adminToken, 0, `&schemaVersion=${SYNC_SCHEMA_VERSION + 1}`);
      expect(mismatch.status).toBe(409);
      expect(mismatch.body.error.code).toBe('reset');
      expect((await pull(adminToken, 0, `&schemaVersion=${SYNC_SCHEMA_VERSION}`)).status).toBe(200);
      expect((await pull(adminToken, 10_000_000)).body.error.code).toBe('reset');
      const other = await server.createTenant('Elsewhere');
      const foreign = await server.request('GET', `/v1/sync/pull?tenant=${other.id}&since=0`, { token: adminToken });
      expect(foreign.status).toBe(404);
    });

    it('reports the head and wakes a long-poll when a push lands', async () => {
      const head = await server.request('GET', '/v1/sync/head', { token: adminToken });
      expect(head.status).toBe(200);
      const started = Date.now();
      const waiting = server.request('GET', `/v1/sync/head?wait=20&since=${head.body.seq}`, { token: adminToken });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const log = await insertShiftLog(server.db, tenant.id, { areaId: tenant.areas.boilers, createdBy: tenant.admin.id, now: now() });
      const result = await admin.apply('logEntry.create', entryArgs(log));
      const woken = await waiting;
      expect(woken.body.seq).toBeGreaterThanOrEqual(result.appliedSeq);
      expect(Date.now() - started).toBeLessThan(10_000);
      // Nothing new: it answers after the wait with the same head.
      const idle = await server.request('GET', `/v1/sync/head?wait=1&since=${woken.body.seq}`, { token: adminToken });
      expect(idle.body.seq).toBe(woken.body.seq);
    });

    it('hands out rows that the desktop cache stores as they are, for every entity', async () => {
      // Identity rows too: an admin edit appends user, membership and role changes.
      const member = await server.addMember(tenant.id, 'viewer');
      await server.request('PATCH', `/v1/tenants/${tenant.id}/users/${member.id}`, { token: adminToken, body: { displayName: 'Renamed Viewer' } });
      await server.request('PATCH', `/v1/tenants/${tenant.id}/settings`, { token: adminToken, body: { retentionDays: 400 } });
      await server.db.transaction({ tenantId: tenant.id }, async (tx) => {
        const { appendChange } = await import('../../../server/feed/change-log');
        const [area] = await tx.query('SELECT to_jsonb(a) AS row FROM areas a WHERE id = $1', [tenant.areas.boilers]);
        await appendChange(tx, tenant.id, { entity: 'area', entityId: tenant.areas.boilers, op: 'upsert', row: area.row as Record<string, unknown>, scope: { area_id: tenant.areas.boilers } });
        const equipment = { tenant_id: tenant.id, id: randomUUID(), area_id: tenant.areas.boilers, tag: 'P-101', description: 'Feed pump', created_at: now().toISOString() };
        await tx.query('INSERT INTO equipment (tenant_id, id, area_id, tag, description, created_at) VALUES ($1, $2, $3, $4, $5, $6)', Object.values(equipment));
        await appendChange(tx, tenant.id, { entity: 'equipment', entityId: equipment.id, op: 'upsert', row: equipment, scope: { area_id: tenant.areas.boilers } });
      });
      const { changes } = await pullAll(adminToken, 1000);
      const entities = new Set(changes.map((change) => change.entity));
      for (const entity of ['tenant', 'user', 'role', 'membership', 'area', 'equipment', 'shift_log', 'log_entry', 'entry_amendment', 'comment', 'signoff', 'handover', 'audit_event']) expect(entities).toContain(entity);
      const dir = mkdtempSync(join(tmpdir(), 'plantdesk-sync-cache-'));
      const store = openStoreDatabase({ path: join(dir, 'tenant.db'), cipher: { kind: 'encrypted', dataKey: randomBytes(32) } });
      try {
        store.transaction(() => {
          for (const change of changes) {
            if (change.entity === 'audit_event') {
              appendAuditEvents(store, [change.row as unknown as AuditEventRow]);
              continue;
            }
            expect(syncedTables as readonly string[]).toContain(change.entity);
            const table = change.entity as (typeof syncedTables)[number];
            // The client checks that an upsert carries its own row.
            if (change.op === 'upsert') expect((change.row as { id: string }).id).toBe(change.entityId);
            if (change.op === 'delete') deleteRows(store, table, [change.entityId]);
            else upsertRows(store, table, [change.row as { id: string }]);
          }
        })();
        const entryCount = store.prepare('SELECT count(*) AS n FROM log_entry').get() as { n: number };
        expect(entryCount.n).toBe(new Set(changes.filter((change) => change.entity === 'log_entry').map((change) => change.entityId)).size);
        const signed = store.prepare("SELECT count(*) AS n FROM shift_log WHERE status = 'signed'").get() as { n: number };
        expect(signed.n).toBe(2);
        const events = store.prepare('SELECT count(*) AS n FROM audit_event').get() as { n: number };
        expect(events.n).toBe(changes.filter((change) => change.entity === 'audit_event').length);
      } finally {
        store.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
