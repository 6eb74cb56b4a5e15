import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../server/app';
import type { Database } from '../../../server/db/database';
import { openDatabase } from '../../../server/db/open';
import { ownerRows, serverBackends, startTestServer, testScrypt, type TestTenant } from '../../support/server';
import { entryArgs, insertShiftLog, TestClient, type OutgoingMutation } from './sync-fixtures';

/**
 * Many workstations pushing at once to two server instances on one database, with every batch
 * delivered twice (once to each instance, at the same moment): each mutation is applied exactly
 * once, and the change log and audit trail stay gapless.
 */
const grantKeyPem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const noLimits = { perIp: { limit: 1_000_000, windowMs: 60_000 }, perUser: { limit: 1_000_000, windowMs: 60_000 } };

for (const { name, backend, skip } of serverBackends()) {
  describe.skipIf(skip)(`concurrent sync pushes on two instances (${name})`, () => {
    let first: Awaited<ReturnType<typeof startTestServer>>;
    let second: RunningServer;
    let secondDb: Database;
    let tenant: TestTenant;

    beforeAll(async () => {
      first = await startTestServer({ backend, server: { grantSigningKeyPem: grantKeyPem, rateLimits: noLimits } });
      secondDb = first.databaseUrl ? await openDatabase({ kind: 'postgres', connectionString: first.databaseUrl, maxConnections: 20 }) : first.db;
      second = await startServer({ port: 0, db: secondDb, clock: first.clock, scrypt: testScrypt, logger: false, grantSigningKeyPem: grantKeyPem, rateLimits: noLimits });
      tenant = await first.createTenant('Busy Works');
    });
    afterAll(async () => {
      await second?.close();
      if (first?.databaseUrl) await secondDb?.close();
      await first?.stop();
    });

    it('applies each of 50 mutations exactly once when 25 clients send their batch to both instances at once (50 pushes)', async () => {
      const log = await insertShiftLog(first.db, tenant.id, { areaId: tenant.areas.boilers, createdBy: tenant.admin.id, now: first.clock.now() });
      const clients: TestClient[] = [];
      for (let i = 0; i < 25; i += 1) {
        const member = await first.addMember(tenant.id, 'contributor', { areas: [tenant.areas.boilers] });
        clients.push(new TestClient(first, (await first.signIn(member)).token));
      }
      const toSecond = async (client: TestClient, mutations: OutgoingMutation[]) => {
        const response = await fetch(`${second.url}/v1/sync/push`, {
          method: 'POST',
          headers: { authorization: `Bearer ${client.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ clientId: client.clientId, schemaVersion: 1, mutations }),
        });
        return { status: response.status, body: await response.json() };
      };
      const batches = clients.map((client) => ({ client, mutations: [client.mutation('logEntry.create', entryArgs(log)), client.mutation('logEntry.create', entryArgs(log))] }));
      // Every batch twice, once per instance, all 50 pushes in flight together.
      const answers = await Promise.all(batches.flatMap(({ client, mutations }) => [client.push(mutations), toSecond(client, mutations)]));
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        // Whichever instance got the client's lock first applied it; the other answered the stored results.
        expect(answer.body.results.map((result: { status: string }) => result.status)).toEqual(['applied', 'applied']);
      }
      for (let i = 0; i < batches.length; i += 1) expect(answers[2 * i].body).toEqual(answers[2 * i + 1].body);
      const sent = batches.flatMap(({ mutations }) => mutations);
      const ids = sent.map((mutation) => (mutation.args as { id: string }).id);
      const entries = await ownerRows(first.db, 'SELECT id, count(*)::int AS n FROM log_entries WHERE shift_log_id = $1 GROUP BY id', [log.id]);
      expect(entries).toHaveLength(50);
      expect(new Set(entries.map((row) => row.id))).toEqual(new Set(ids));
      expect(entries.every((row) => row.n === 1)).toBe(true);
      const processed = await ownerRows(first.db, "SELECT count(*)::int AS n FROM client_mutations WHERE tenant_id = $1 AND status = 'applied'", [tenant.id]);
      expect(processed[0].n).toBe(50);
      const [feed] = await ownerRows(first.db, 'SELECT count(*)::int AS n, min(seq)::int AS lo, max(seq)::int AS hi FROM change_log WHERE tenant_id = $1', [tenant.id]);
      expect(feed).toEqual({ n: feed.hi, lo: 1, hi: feed.hi });
      const [trail] = await ownerRows(first.db, 'SELECT count(*)::int AS n, max(seq)::int AS hi FROM audit_events WHERE tenant_id = $1', [tenant.id]);
      expect(trail.n).toBe(trail.hi);
      const created = await ownerRows(first.db, "SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1 AND action = 'log_entry.created'", [tenant.id]);
      expect(created[0].n).toBe(50);
    });
  });
}
