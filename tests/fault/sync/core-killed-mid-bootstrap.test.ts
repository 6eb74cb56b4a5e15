import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ServerClient } from '../../../main/core/net/server-client';
import { createKeychainSecretStore } from '../../../main/core/secrets/keychain';
import { secretOwnerOf } from '../../../main/core/secrets/secret-owner';
import { readSyncState } from '../../../main/core/store/writes';
import { searchStagingPath } from '../../../main/core/store/files';
import { vaultPaths } from '../../../main/core/vault/location';
import { bootstrapCache } from '../../../main/core/sync/bootstrap/bootstrap';
import { createVault, unlockVault, wipeVault, type UnlockedVault } from '../../../main/core/vault/vault';
import { snapshotStream, startSnapshotServer, type SnapshotServer } from '../../support/bootstrap-frames';
import { secretServiceCapability, skipUnless } from '../../support/capabilities';
import { repoRoot } from '../../support/processes';

// The engine's process SIGKILLed while a first sync loads its snapshot: the half-built store is
// removed when the cache is next opened, never used, and the next first sync completes.
const kdf = { name: 'scrypt', N: 2 ** 14, r: 8, p: 1 } as const;
const password = 'correct horse battery staple';

describe.skipIf(skipUnless(secretServiceCapability()))('core killed mid-bootstrap', () => {
  let server: SnapshotServer | null = null;
  let vault: UnlockedVault | null = null;
  const dir = mkdtempSync(path.join(tmpdir(), 'plantdesk-kill-bootstrap-'));
  afterEach(async () => {
    vault?.lock();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never opens the half-built store as the cache, and builds it again', async () => {
    const tenantId = randomUUID();
    const area = randomUUID();
    const log = randomUUID();
    const entries = Array.from({ length: 2_000 }, (_, i) => [randomUUID(), log, area, null, 'operations', 'info', `entry ${i}`, new Date(Date.UTC(2026, 10, 30) - i * 60_000).toISOString(), '2026-11-30T00:00:00.000Z', 'u1', 0, null, 'active', 1]);
    const stream = snapshotStream({
      seq: 99,
      rowsPerFrame: 50,
      tables: [
        { table: 'area', columns: ['id', 'parent_id', 'kind', 'name', 'time_zone'], rows: [[area, null, 'site', 'Works', 'UTC']], recent: 1 },
        { table: 'shift_log', columns: ['id', 'area_id', 'shift_date', 'shift_name', 'starts_at', 'ends_at', 'status'], rows: [[log, area, '2026-11-30', 'Day', '2026-11-30T06:00:00.000Z', '2026-11-30T18:00:00.000Z', 'open']], recent: 1 },
        { table: 'log_entry', columns: ['id', 'shift_log_id', 'area_id', 'equipment_tag', 'category', 'severity', 'body', 'occurred_at', 'recorded_at', 'author_id', 'late', 'late_reason', 'state', 'version'], rows: entries, recent: 100 },
      ],
    });
    server = await startSnapshotServer(stream, { frameDelayMs: 25 });
    const location = { profileDir: dir, server: server.url, userId: randomUUID(), tenantId };
    const secrets = createKeychainSecretStore(secretOwnerOf(location));
    (await createVault(location, { secrets, password, kdf })).lock();

    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/fault/sync/bootstrap-child.ts', dir, server.url, location.userId, tenantId, password], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        output += String(chunk);
        // Well into the load: recent frames written to the cache, more rows only in the staging store.
        if ((output.match(/"phase":"download"/g) ?? []).length >= 10) resolve();
      });
      child.once('exit', (code) => reject(new Error(`the first sync ended (${code}) before it was killed: ${output}`)));
    });
    // The staging store and the search index built beside it were both under way.
    const paths = vaultPaths(location);
    expect([paths.staging, searchStagingPath(paths.staging)].filter((file) => existsSync(file))).toHaveLength(2);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    vault = await unlockVault(location, { secrets, password });
    try {
      expect([vault.paths.staging, ...vault.paths.stagingSidecars].filter((file) => existsSync(file))).toEqual([]);
      const count = () => (vault!.db.prepare('SELECT count(*) AS n FROM log_entry').get() as { n: number }).n;
      expect(readSyncState(vault.db).cursor).toBe(0);
      expect(count()).toBe(100);

      const client = new ServerClient({ baseUrl: server.url, timeoutMs: 30_000 });
      try {
        await expect(bootstrapCache({ vault, client, token: 't', tenantId, now: () => new Date() })).resolves.toEqual({ rows: 2_002, seq: 99 });
      } finally {
        client.close();
      }
      expect(count()).toBe(2_000);
      expect(readSyncState(vault.db).cursor).toBe(99);
    } finally {
      await wipeVault(location, { secrets, open: vault });
      vault = null;
    }
  });
});
