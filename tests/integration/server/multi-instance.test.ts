import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../server/app';
import { loadMigrations } from '../../../server/db/migrate';
import { openDatabase } from '../../../server/db/open';
import type { Database } from '../../../server/db/database';
import { ownerRows, serverBackends, startTestServer, testScrypt, type Json, type TestTenant } from '../../support/server';

/**
 * Stateless instances: two servers on one database (each with its own connection pool on
 * PostgreSQL) share sessions, and the audit chain and change sequence stay gapless and linear
 * under 50 concurrent writers split across both.
 */
const grantKeyPem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

for (const { name, backend, skip } of serverBackends()) {
  describe.skipIf(skip)(`two server instances on one database (${name})`, () => {
    let first: Awaited<ReturnType<typeof startTestServer>>;
    let second: RunningServer;
    let secondDb: Database;
    let tenant: TestTenant;

    beforeAll(async () => {
      first = await startTestServer({ backend, server: { grantSigningKeyPem: grantKeyPem, rateLimits: { perIp: { limit: 100_000, windowMs: 60_000 }, perUser: { limit: 100_000, windowMs: 60_000 } } } });
      // On PostgreSQL the second instance has its own pool; PGlite is one embedded engine, shared.
      secondDb = first.databaseUrl ? await openDatabase({ kind: 'postgres', connectionString: first.databaseUrl, maxConnections: 20 }) : first.db;
      second = await startServer({ port: 0, db: secondDb, clock: first.clock, scrypt: testScrypt, logger: false, grantSigningKeyPem: grantKeyPem, trustProxy: ['loopback'] });
      tenant = await first.createTenant('Shared Works');
    });
    afterAll(async () => {
      await second?.close();
      if (first?.databaseUrl) await secondDb?.close();
      await first?.stop();
    });

    const call = async (server: string, method: string, path: string, token: string, body?: unknown) => {
      const response = await fetch(`${server}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json().catch(() => null)) as Json };
    };

    it('accepts on one instance a session made on the other, and publishes the same grant key', async () => {
      const { token, serverKey } = await first.signIn(tenant.admin);
      const onSecond = await call(second.url, 'GET', '/v1/auth/session', token);
      expect(onSecond.status).toBe(200);
      expect(onSecond.body.user.id).toBe(tenant.admin.id);
      expect(second.signer.serverKey).toEqual(serverKey);
      // And a revocation made on the second holds on the first.
      const other = await first.signIn(await first.addMember(tenant.id, 'viewer'));
      expect((await call(second.url, 'DELETE', `/v1/tenants/${tenant.id}/sessions/${other.grant.sessionId}`, token)).status).toBe(200);
      expect((await call(first.url, 'GET', '/v1/auth/session', other.token)).body.error.code).toBe('session_revoked');
    });

    it('keeps the audit seq and hash chain gapless under 50 concurrent writers split across both', async () => {
      const { token } = await first.signIn(tenant.admin);
      const members = [];
      for (let i = 0; i < 25; i += 1) members.push(await first.addMember(tenant.id, 'viewer'));
      const [{ n: eventsBefore }] = await ownerRows(first.db, 'SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1', [tenant.id]);
      const [{ last_seq: changesBefore }] = await ownerRows(first.db, 'SELECT last_seq FROM tenant_seq WHERE tenant_id = $1', [tenant.id]);

      // 50 writes at once: each member is renamed through one instance and re-scoped through the other.
      const writes = members.flatMap((member, i) => [
        call(i % 2 === 0 ? first.url : second.url, 'PATCH', `/v1/tenants/${tenant.id}/users/${member.id}`, token, { displayName: `Renamed ${i}` }),
        call(i % 2 === 0 ? second.url : first.url, 'PATCH', `/v1/tenants/${tenant.id}/users/${member.id}`, token, { areas: [tenant.areas.north] }),
      ]);
      const answers = await Promise.all(writes);
      expect(answers.map((answer) => answer.status)).toEqual(Array(50).fill(200));

      const events = await ownerRows(first.db, 'SELECT seq, prev_hash, hash FROM audit_events WHERE tenant_id = $1 ORDER BY seq', [tenant.id]);
      expect(events.length).toBe(Number(eventsBefore) + 50);
      expect(events.map((event) => Number(event.seq))).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
      for (let i = 1; i < events.length; i += 1) expect(events[i].prev_hash).toBe(events[i - 1].hash);
      const verify = await call(second.url, 'GET', `/v1/tenants/${tenant.id}/audit/verify`, token);
      expect(verify.body).toMatchObject({ ok: true, firstBreak: null, checked: events.length });

      // Each write appended its user and membership rows and its audit event to the change log, also gapless.
      const changes = await ownerRows(first.db, 'SELECT seq FROM change_log WHERE tenant_id = $1 AND seq > $2 ORDER BY seq', [tenant.id, changesBefore]);
      expect(changes.map((change) => Number(change.seq))).toEqual(Array.from({ length: 150 }, (_, i) => Number(changesBefore) + i + 1));
    });

    // Only PostgreSQL can be shared by separately started instances; PGlite gets no such test
    // (registered, not skipped: under CI only the Electron suite may show skips).
    const postgresOnly = backend === 'postgres' ? it : null;
    postgresOnly?.('migrates a fresh database once when instances start together', async () => {
      const url = await first.cluster!.createDatabase('plantdesk_fresh_start');
      const servers = await Promise.all([0, 1, 2].map(() => startServer({ port: 0, database: { kind: 'postgres', connectionString: url }, logger: false, grantSigningKeyPem: grantKeyPem })));
      try {
        for (const server of servers) expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
        const migrations = await ownerRows(servers[0].db, 'SELECT version FROM schema_migrations ORDER BY version');
        expect(migrations.map((row) => Number(row.version))).toEqual(loadMigrations().map((migration) => migration.version));
      } finally {
        await Promise.all(servers.map((server) => server.close()));
      }
    });
  });
}
