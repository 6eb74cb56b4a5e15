import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStoreDatabase, type SqliteDatabase } from '../../../main/core/store/open';
import type { AuditEventRow } from '../../../main/core/store/rows';
import { applyPullPage, parsePullPage } from '../../../main/core/sync/apply-pull';
import { auditEventHash, type AuditEvent, type FieldDiff } from '../../../shared/domain/audit';
import { uuidv7 } from '../../../shared/uuid7';
import { serverBackends, startTestServer, type TestTenant } from '../../support/server';
import { entryArgs, insertShiftLog, TestClient } from './sync-fixtures';

/**
 * The audit trail reaches workstations through the pull feed (SECURITY.md: the client downloads
 * the audit events it may read): an admin's cache holds each event with its chain fields, a
 * reader without audit rights holds none, an "own" reader holds only the events they caused.
 */

/** The event as the server hashed it, rebuilt from the cache's columns. */
function eventOf(row: AuditEventRow): AuditEvent {
  const before = JSON.parse(row.before ?? '{}') as Record<string, unknown>;
  const after = JSON.parse(row.after ?? '{}') as Record<string, unknown>;
  const diff: FieldDiff = {};
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) diff[field] = { before: before[field] ?? null, after: after[field] ?? null };
  return {
    tenant_id: row.tenant_id, seq: row.seq, id: row.id!, server_time: row.server_time, client_time: row.client_time, actor_id: row.actor_id, session_id: row.session_id,
    ip: row.ip, device_id: row.device_id, action: row.action, entity: row.entity, entity_id: row.entity_id, diff, reason: row.reason, prev_hash: row.prev_hash!, hash: row.hash,
  };
}

for (const { name, backend, skip } of serverBackends()) {
  describe.skipIf(skip)(`audit events in the pull feed (${name})`, () => {
    let server: Awaited<ReturnType<typeof startTestServer>>;
    let tenant: TestTenant;
    let admin: TestClient;
    const dir = mkdtempSync(join(tmpdir(), 'plantdesk-audit-feed-'));
    const stores: SqliteDatabase[] = [];

    /** A fresh encrypted cache filled by pulling everything the token may read, page by page. */
    async function pulledCache(token: string): Promise<SqliteDatabase> {
      const store = openStoreDatabase({ path: join(dir, `${randomUUID()}.db`), cipher: { kind: 'encrypted', dataKey: randomBytes(32) } });
      stores.push(store);
      let since = 0;
      for (;;) {
        const response = await server.request('GET', `/v1/sync/pull?tenant=${tenant.id}&since=${since}&limit=7`, { token });
        expect(response.status).toBe(200);
        const page = parsePullPage(response.body, since);
        since = applyPullPage(store, page, new Date()).cursor;
        if (!page.hasMore) return store;
      }
    }
    const auditRows = (store: SqliteDatabase) => store.prepare('SELECT * FROM audit_event ORDER BY seq').all() as AuditEventRow[];

    beforeAll(async () => {
      server = await startTestServer({ backend, server: { rateLimits: { perIp: { limit: 100_000, windowMs: 60_000 }, perUser: { limit: 100_000, windowMs: 60_000 } } } });
      tenant = await server.createTenant('Audit Feed');
      admin = new TestClient(server, (await server.signIn(tenant.admin)).token);
    });
    afterAll(async () => {
      for (const store of stores) store.close();
      rmSync(dir, { recursive: true, force: true });
      await server?.stop();
    });

    it("gives a pulling admin the server's event for a change, with actor, action, entity, diff and chain fields that verify", async () => {
      const log = await insertShiftLog(server.db, tenant.id, { areaId: tenant.areas.boilers, createdBy: tenant.admin.id, now: server.clock.now() });
      const entry = entryArgs(log, { body: 'Feed pump P-101 tripped on low suction' });
      expect((await admin.apply('logEntry.create', entry)).status).toBe('applied');
      const store = await pulledCache(admin.token);
      const rows = auditRows(store);
      const created = rows.find((row) => row.action === 'log_entry.created' && row.entity_id === entry.id);
      expect(created).toMatchObject({ tenant_id: tenant.id, actor_id: tenant.admin.id, entity: 'log_entry', area_id: tenant.areas.boilers });
      expect(JSON.parse(created!.before!)).toMatchObject({ body: null, severity: null });
      expect(JSON.parse(created!.after!)).toMatchObject({ body: 'Feed pump P-101 tripped on low suction', severity: 'info' });
      // The server's trail, event for event: same seqs, links and hashes, and each hash holds.
      const trail = await server.request('GET', `/v1/tenants/${tenant.id}/audit?limit=1000`, { token: admin.token });
      expect(rows.map((row) => [row.seq, row.prev_hash, row.hash])).toEqual(trail.body.items.map((event: AuditEvent) => [event.seq, event.prev_hash, event.hash]));
      for (const [index, row] of rows.entries()) {
        expect(await auditEventHash(eventOf(row))).toBe(row.hash);
        if (index > 0) expect(row.prev_hash).toBe(rows[index - 1].hash);
      }
    });

    it('gives a viewer without the audit module no audit event at all', async () => {
      const viewer = await server.addMember(tenant.id, 'viewer');
      const store = await pulledCache((await server.signIn(viewer)).token);
      expect((store.prepare('SELECT count(*) AS n FROM log_entry').get() as { n: number }).n).toBeGreaterThan(0);
      expect(auditRows(store)).toEqual([]);
    });

    it('gives a reader with "own" access to the trail only the events they caused', async () => {
      const role = await server.request('POST', `/v1/tenants/${tenant.id}/roles`, {
        token: admin.token,
        body: { name: `Own trail ${randomUUID()}`, grants: [{ action: 'read', access: 'own', entity: 'audit_event' }, { action: 'create', access: 'org', entity: 'log_entry' }, { action: 'amend', access: 'own', entity: 'log_entry' }] },
      });
      expect(role.status).toBe(201);
      const member = await server.addMember(tenant.id, { customRoleId: role.body.id }, { moduleFlags: { shift_logs: true, handovers: true, audit: true, users: false, exports: false } });
      const client = new TestClient(server, (await server.signIn(member)).token);
      const log = await insertShiftLog(server.db, tenant.id, { areaId: tenant.areas.tanks, createdBy: tenant.admin.id, now: server.clock.now() });
      const entry = entryArgs(log);
      expect((await client.apply('logEntry.create', entry)).status).toBe('applied');
      expect((await client.apply('logEntry.amend', { id: uuidv7(), entryId: entry.id, kind: 'addendum', body: 'Suction restored', reason: 'Follow-up' })).status).toBe('applied');
      const rows = auditRows(await pulledCache(client.token));
      expect(rows.map((row) => row.action)).toEqual(expect.arrayContaining(['log_entry.created', 'log_entry.amended']));
      expect(rows.every((row) => row.actor_id === member.id)).toBe(true);
    });
  });
}
