import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core/core';
import { dispatchCall } from '../../../shared/dispatch';
import { PlantdeskError } from '../../../shared/errors';
import { postgresCapability, secretServiceCapability, skipUnless } from '../../support/capabilities';
import { startPostgresCluster, type PostgresCluster } from '../../support/postgres';
import { startServerProcess, type RunningProcess } from '../../support/processes';
import pg from 'pg';

// SIGKILL the real server (a separate process on a real PostgreSQL) at random moments of a push,
// 50 times; after restarts and resync every mutation must be applied exactly once.
const trials = 50;
const perTrial = 4;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe.skipIf(skipUnless(secretServiceCapability()) || skipUnless(postgresCapability()))('server killed during push', () => {
  let cluster: PostgresCluster;
  let databaseUrl: string;
  let server: RunningProcess;
  let core: Core;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'plantdesk-fault-server-'));
  const profileDir = mkdtempSync(path.join(tmpdir(), 'plantdesk-fault-client-'));
  let port: number;

  const start = async () => {
    server = await startServerProcess(['--data', dataDir, '--port', String(port), '--demo', '--demo-entries', '40'], { DATABASE_URL: databaseUrl });
  };
  const call = async <T>(channel: string, request: unknown = {}): Promise<T> => {
    const result = await dispatchCall(channel, request, (checked, req) => core.call(checked, req));
    if (!result.ok) throw PlantdeskError.fromBody(result.error);
    return result.value as T;
  };

  beforeAll(async () => {
    cluster = await startPostgresCluster();
    databaseUrl = await cluster.createDatabase('plantdesk_fault');
    port = await freePort();
    await start();
    const credentials = JSON.parse(readFileSync(path.join(dataDir, 'demo-credentials.json'), 'utf8'));
    const admin = credentials.users.find((user: { role: string }) => user.role === 'admin');
    core = createCore({ profileDir, appVersion: 'fault-test' }, { kdf: { name: 'scrypt', N: 2 ** 14, r: 8, p: 1 } });
    await call('auth.signIn', { server: server.url, email: admin.email, password: admin.password, totpCode: await generate({ secret: admin.totpSecret }) });
    await call('sync.now');
  }, 180_000);

  afterAll(async () => {
    await core?.close();
    server?.child.kill('SIGKILL');
    cluster?.stop();
  });

  it(`applies every mutation exactly once across ${trials} kills`, async () => {
    const [log] = (await call<{ items: { id: string; area_id: string }[] }>('shiftLogs.list', { page: { limit: 1 } })).items;
    const entryIds: string[] = [];
    const mutationIds: string[] = [];
    let interrupted = 0;
    for (let trial = 0; trial < trials; trial++) {
      for (let i = 0; i < perTrial; i++) {
        const created = await call<{ entryId: string; mutationId: string }>('logEntries.create', {
          shiftLogId: log.id,
          areaId: log.area_id,
          category: 'operations',
          severity: 'info',
          body: `trial ${trial} entry ${i}`,
          occurredAt: new Date().toISOString(),
          lateReason: 'copied from the paper log after the shift',
        });
        entryIds.push(created.entryId);
        mutationIds.push(created.mutationId);
      }
      const syncing = call('sync.now').catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 40));
      const exited = new Promise((resolve) => server.child.once('exit', resolve));
      server.child.kill('SIGKILL');
      await exited;
      if ((await syncing) instanceof Error) interrupted += 1;
      await start();
    }
    // The kills must have cut syncs short, or this test would prove nothing.
    expect(interrupted).toBeGreaterThan(trials / 5);
    // Resync until nothing is pending (the server is up again).
    for (let round = 0; round < 5 && (await call<{ pending: number }>('sync.state')).pending > 0; round++) await call('sync.now');
    expect(await call('sync.state')).toMatchObject({ pending: 0, conflicts: 0 });

    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const entries = await client.query('SELECT id FROM log_entries WHERE id = ANY($1::uuid[])', [entryIds]);
      expect(entries.rowCount).toBe(entryIds.length);
      const processed = await client.query('SELECT mutation_id, count(*)::int AS n FROM client_mutations WHERE mutation_id = ANY($1::uuid[]) GROUP BY mutation_id', [mutationIds]);
      expect(processed.rowCount).toBe(mutationIds.length);
      expect(processed.rows.every((row: { n: number }) => row.n === 1)).toBe(true);
      const audited = await client.query("SELECT count(*)::int AS n FROM audit_events WHERE entity = 'log_entry' AND entity_id = ANY($1::text[])", [entryIds]);
      expect(audited.rows[0].n).toBe(entryIds.length);
    } finally {
      await client.end();
    }
  }, 600_000);
});
