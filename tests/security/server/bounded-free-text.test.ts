import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textLimits } from '../../../shared/domain/common';
import { exportAuditDetails, LocalAuditArgs } from '../../../shared/local-audit';
import { databaseFingerprint, ownerRows, serverBackends, startTestServer, type TestServer, type TestTenant } from '../../support/server';
import { entryArgs, insertShiftLog, TestClient, type ShiftLogFixture } from '../../integration/server/sync-fixtures';

/**
 * Nothing unbounded goes into the append-only trail: local audit actions have typed details per
 * action within a byte cap, and reasons, comments and entry bodies have the caps of textLimits.
 * Larger input gets a typed refusal and nothing is written but the refusal itself.
 */
const at = '2026-03-01T10:00:00.000Z';
const exportDetails = (filter: Record<string, unknown> = {}) => ({ module: 'shift-logs', format: 'csv', filter, rows: 1200, bytes: 48_000, sha256: 'b'.repeat(64), path: '/home/op/exports/shift-logs.csv' });
const utf8 = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/** Export details padded (through the filter's text) to exactly `bytes` bytes of JSON. */
function exportDetailsOf(bytes: number) {
  const base = exportDetails({ text: '' });
  return exportDetails({ text: 'x'.repeat(bytes - utf8(base)) });
}

describe('local audit details as main/core sends them', () => {
  it('accepts what each action sends and refuses other keys, other types and more than the cap', () => {
    const sent = [
      { action: 'sign_in', at, details: { online: true } },
      { action: 'unlock', at, details: { online: false } },
      { action: 'lock', at, details: { reason: 'idle' } },
      { action: 'lock', at, details: { reason: 'session_revoked' } },
      { action: 'sign_out', at, details: {} },
      { action: 'export', at, details: exportDetails({ areaIds: [crypto.randomUUID()], severities: ['high'] }) },
      { action: 'wipe', at, details: { reason: 'membership_removed' } },
      { action: 'conflict_discarded', at, details: { mutationId: crypto.randomUUID(), name: 'logEntry.create', reason: 'forbidden' } },
    ];
    for (const args of sent) expect(LocalAuditArgs.safeParse(args).success, args.action).toBe(true);
    const refused = [
      { action: 'sign_in', at, details: { online: true, note: 'anything' } },
      { action: 'lock', at, details: { reason: 'Locked because I wanted to write a long story here' } },
      { action: 'sign_out', at, details: { blob: 'x' } },
      { action: 'export', at, details: { rows: 3 } },
      { action: 'conflict_discarded', at, details: { mutationId: 'not-an-id', name: 'logEntry.create', reason: 'forbidden' } },
      { action: 'export', at, details: exportDetailsOf(textLimits.localAuditDetailsBytes + 1) },
      { action: 'elsewhere', at, details: {} },
    ];
    for (const args of refused) expect(LocalAuditArgs.safeParse(args).success, JSON.stringify(args).slice(0, 80)).toBe(false);
    expect(LocalAuditArgs.safeParse({ action: 'export', at, details: exportDetailsOf(textLimits.localAuditDetailsBytes) }).success).toBe(true);
  });

  it('shapes export details the server accepts whatever the path and filter hold', () => {
    const awkward = [
      { path: `/home/op/\u200Bhidden/${'deep/'.repeat(400)}file.csv`, filter: { text: '\uFEFFpump' } },
      { path: '/tmp/out.csv', filter: { areaIds: Array.from({ length: 500 }, () => crypto.randomUUID()) } },
      { path: `/tmp/${'😀'.repeat(2000)}.csv`, filter: {} },
    ];
    for (const { path, filter } of awkward) {
      const details = exportAuditDetails({ module: 'shift-logs', format: 'xlsx', filter, rows: 1, bytes: 1, sha256: 'c'.repeat(64), path });
      expect(LocalAuditArgs.safeParse({ action: 'export', at, details }).success, path.slice(0, 40)).toBe(true);
    }
  });
});

for (const { name, backend, skip } of serverBackends()) {
  describe.skipIf(skip)(`bounded free text (${name})`, () => {
    let t: TestServer;
    let tenant: TestTenant;
    let log: ShiftLogFixture;
    beforeAll(async () => {
      t = await startTestServer({ backend });
      tenant = await t.createTenant('Bounded Works');
      log = await insertShiftLog(t.db, tenant.id, { areaId: tenant.areas.boilers, createdBy: tenant.admin.id, now: t.clock.now() });
    });
    afterAll(() => t?.stop());

    /** Every table but client_mutations, where a refusal is stored as the mutation's result. */
    const everythingElse = async () => (await databaseFingerprint(t.db)).split('\n').filter((line) => !line.startsWith('client_mutations:')).join('\n');
    const storedResult = async (mutationId: string) => ownerRows(t.db, 'SELECT status, octet_length(result::text) AS size FROM client_mutations WHERE mutation_id = $1', [mutationId]);

    async function signedInClient(role: 'viewer' | 'contributor') {
      const user = await t.addMember(tenant.id, role, { areas: [tenant.areas.boilers] });
      const client = new TestClient(t, (await t.signIn(user)).token);
      // The session's last use catches up with the clock before any fingerprint.
      await t.request('GET', '/v1/auth/session', { token: client.token });
      return client;
    }

    it('refuses a viewer’s 7 MiB audit.local event as invalid and stores nothing but the refusal', async () => {
      const client = await signedInClient('viewer');
      const before = await everythingElse();
      const huge = client.mutation('audit.local', { action: 'export', at, details: exportDetails({ text: 'x'.repeat(7 * 1024 * 1024) }) });
      const answer = await client.push([huge]);
      expect(answer.status).toBe(200);
      expect(answer.body.results[0]).toMatchObject({ id: huge.id, status: 'rejected', reason: 'invalid', appliedSeq: null });
      expect(answer.body.results[0].message).toMatch(/details/);
      expect(JSON.stringify(answer.body).length).toBeLessThan(1_000);
      expect(await everythingElse()).toBe(before);
      const [stored] = await storedResult(huge.id);
      expect(stored.status).toBe('rejected');
      expect(Number(stored.size)).toBeLessThan(1_000);
    });

    it('refuses details just over the cap and applies details at the cap', async () => {
      const client = await signedInClient('viewer');
      const before = await everythingElse();
      const over = client.mutation('audit.local', { action: 'export', at, details: exportDetailsOf(textLimits.localAuditDetailsBytes + 1) });
      const unknownKey = client.mutation('audit.local', { action: 'sign_in', at, details: { online: true, comment: 'x'.repeat(100) } });
      const answer = await client.push([over, unknownKey]);
      for (const result of answer.body.results) expect(result).toMatchObject({ status: 'rejected', reason: 'invalid' });
      expect(await everythingElse()).toBe(before);
      const atCap = client.mutation('audit.local', { action: 'export', at, details: exportDetailsOf(textLimits.localAuditDetailsBytes) });
      expect((await client.push([atCap])).body.results[0].status).toBe('applied');
    });

    it('refuses entry bodies, comments and reasons over their caps, and writes nothing', async () => {
      const client = await signedInClient('contributor');
      const entry = entryArgs(log);
      expect((await client.apply('logEntry.create', entry)).status).toBe('applied');
      await t.request('GET', '/v1/auth/session', { token: client.token });
      const before = await everythingElse();
      const tooLong = [
        client.mutation('logEntry.create', entryArgs(log, { body: 'b'.repeat(textLimits.body + 1) })),
        client.mutation('comment.create', { id: crypto.randomUUID(), shiftLogId: log.id, entryId: null, body: 'c'.repeat(textLimits.body + 1) }),
        client.mutation('logEntry.amend', { id: crypto.randomUUID(), entryId: entry.id, kind: 'addendum', body: 'Checked again', reason: 'r'.repeat(textLimits.shiftReason + 1) }),
      ];
      const answer = await client.push(tooLong);
      expect(answer.status).toBe(200);
      for (const result of answer.body.results) expect(result).toMatchObject({ status: 'rejected', reason: 'invalid' });
      expect(await everythingElse()).toBe(before);

      const admin = (await t.signIn(tenant.admin)).token;
      await t.request('GET', '/v1/auth/session', { token: admin });
      const adminBefore = await databaseFingerprint(t.db);
      const settings = await t.request('PATCH', `/v1/tenants/${tenant.id}/settings`, { token: admin, body: { retentionDays: 400, reason: 'r'.repeat(textLimits.adminReason + 1) } });
      expect([settings.status, settings.body.error.code]).toEqual([400, 'invalid_request']);
      expect(await databaseFingerprint(t.db)).toBe(adminBefore);
    });
  });
}
