import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditPageSchema, ChainVerificationSchema, type AuditEvent } from '../../../shared/domain/audit';
import { verifyTenantChain } from '../../../server/audit/audit-query';
import { ownerRows, serverBackends, startTestServer, type TestServer, type TestTenant } from '../../support/server';

for (const { name, backend, skip } of serverBackends()) {
  describe.skipIf(skip)(`audit trail (${name})`, () => {
    let t: TestServer;
    let tenant: TestTenant;
    let admin: string;
    beforeAll(async () => {
      t = await startTestServer({ backend });
      tenant = await t.createTenant('Audit Works');
      admin = (await t.signIn(tenant.admin)).token;
      // A few events of different kinds, at different times, by different actors.
      for (let i = 0; i < 4; i += 1) {
        t.clock.advance(60_000);
        await t.request('PATCH', `/v1/tenants/${tenant.id}/settings`, { token: admin, body: { retentionDays: 400 + i } });
      }
      const viewer = await t.addMember(tenant.id, 'viewer');
      await t.signIn(viewer);
    });
    afterAll(() => t?.stop());

    const audit = (query = '') => t.request('GET', `/v1/tenants/${tenant.id}/audit${query}`, { token: admin });

    it('refuses UPDATE and DELETE on audit events, for the application role and for the owner', async () => {
      const attempts = [
        "UPDATE audit_events SET reason = 'rewritten' WHERE tenant_id = $1",
        'DELETE FROM audit_events WHERE tenant_id = $1',
      ];
      for (const sql of attempts) {
        await expect(t.db.transaction({ tenantId: tenant.id }, (tx) => tx.query(sql, [tenant.id]))).rejects.toThrow(/permission denied|append-only/);
        await expect(t.db.ownerTransaction((tx) => tx.query(sql, [tenant.id]))).rejects.toThrow(/append-only/);
      }
      await expect(t.db.ownerTransaction((tx) => tx.exec('TRUNCATE audit_events'))).rejects.toThrow(/append-only/);
      const verification = await verifyTenantChain(t.db, tenant.id);
      expect(verification.ok).toBe(true);
    });

    it('pages through events with a keyset cursor, in seq order, without gaps or repeats', async () => {
      const seqs: number[] = [];
      let next: string | null = null;
      do {
        const answer = await audit(`?limit=3${next ? `&after=${next}` : ''}`);
        expect(answer.status).toBe(200);
        const page = AuditPageSchema.parse(answer.body);
        seqs.push(...page.items.map((event) => event.seq));
        next = page.next;
      } while (next);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
      expect(seqs.length).toBeGreaterThanOrEqual(6);
    });

    it('filters by entity, actor and time window', async () => {
      const settings = AuditPageSchema.parse((await audit('?entity=tenant_settings')).body).items;
      expect(settings).toHaveLength(4);
      expect(settings.every((event) => event.entity === 'tenant_settings' && event.actor_id === tenant.admin.id)).toBe(true);
      const byActor = AuditPageSchema.parse((await audit(`?actor=${tenant.admin.id}`)).body).items;
      expect(byActor.length).toBeGreaterThanOrEqual(4);
      expect(byActor.every((event) => event.actor_id === tenant.admin.id)).toBe(true);
      const [second, third] = [settings[1], settings[2]];
      const window = AuditPageSchema.parse((await audit(`?entity=tenant_settings&from=${second.server_time}&to=${third.server_time}`)).body).items;
      expect(window.map((event) => event.seq)).toEqual([second.seq]);
    });

    it('carries the fields SECURITY.md lists, hash-linked', async () => {
      const items = AuditPageSchema.parse((await audit('?entity=tenant_settings')).body).items;
      const event = items[0] as AuditEvent;
      expect(event).toMatchObject({ tenant_id: tenant.id, actor_id: tenant.admin.id, session_id: expect.any(String), ip: '127.0.0.1', device_id: 'test-device', action: 'tenant_settings.updated', client_time: null });
      expect(event.diff).toEqual({ retention_days: { before: 2555, after: 400 } });
      expect(event.prev_hash).toMatch(/^[0-9a-f]{64}$/);
    });

    it('refuses bad filters and cursors with a typed 400', async () => {
      for (const query of ['?after=-1', '?after=abc', '?from=yesterday', '?actor=1%27%20OR%201%3D1', '?entity=nope', '?limit=0', '?limit=100000']) {
        const answer = await audit(query);
        expect(answer.status, query).toBe(400);
        expect(answer.body.error.code).toBe('invalid_request');
      }
    });

    it('is closed to users without the audit module', async () => {
      const viewer = await t.addMember(tenant.id, 'viewer');
      const token = (await t.signIn(viewer)).token;
      expect((await t.request('GET', `/v1/tenants/${tenant.id}/audit`, { token })).status).toBe(403);
      expect((await t.request('GET', `/v1/tenants/${tenant.id}/audit/verify`, { token })).status).toBe(403);
    });

    it('finds the first broken link after a superuser alters an event behind the triggers', async () => {
      const before = ChainVerificationSchema.parse((await t.request('GET', `/v1/tenants/${tenant.id}/audit/verify`, { token: admin })).body);
      expect(before).toMatchObject({ ok: true, firstBreak: null });
      const [{ seq: target }] = await ownerRows(t.db, "SELECT seq FROM audit_events WHERE tenant_id = $1 AND entity = 'tenant_settings' ORDER BY seq LIMIT 1 OFFSET 1", [tenant.id]);
      await t.db.ownerTransaction(async (tx) => {
        await tx.exec('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
        await tx.query(`UPDATE audit_events SET diff = '{"retention_days": {"before": 400, "after": 9999}}'::jsonb WHERE tenant_id = $1 AND seq = $2`, [tenant.id, target]);
        await tx.exec('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
      });
      const after = ChainVerificationSchema.parse((await t.request('GET', `/v1/tenants/${tenant.id}/audit/verify`, { token: admin })).body);
      expect(after.ok).toBe(false);
      expect(after.firstBreak).toMatchObject({ seq: Number(target), reason: 'hash_mismatch' });
      expect((await verifyTenantChain(t.db, tenant.id)).firstBreak).toMatchObject({ seq: Number(target) });
    });
  });
}
