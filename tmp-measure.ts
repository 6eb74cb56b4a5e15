import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, statSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ServerClient } from './main/core/net/server-client';
import { ensurePrivateDir } from './main/core/store/files';
import { openStoreDatabase } from './main/core/store/open';
import { bootstrapCache } from './main/core/sync/bootstrap/bootstrap';
import { normalizeLocation, vaultPaths } from './main/core/vault/location';
import { UnlockedVault } from './main/core/vault/vault';
import { BOOTSTRAP_MEDIA_TYPE } from './shared/bootstrap-protocol';

const N = Number(process.argv[2] ?? 1_000_000);
const file = `/tmp/bbm/rec-${N}.bin`;
const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
async function record() {
  if (existsSync(file)) return;
  const out = createWriteStream(file);
  const write = (b: Buffer) => new Promise<void>((r) => (out.write(b) ? r() : out.once('drain', () => r())));
  const areas = Array.from({ length: 40 }, () => randomUUID());
  const logs = Array.from({ length: Math.ceil(N / 50) }, (_, i) => [randomUUID(), areas[i % 40]]);
  const entryCols = ['id', 'shift_log_id', 'area_id', 'equipment_tag', 'category', 'severity', 'body', 'occurred_at', 'recorded_at', 'author_id', 'late', 'late_reason', 'state', 'version'];
  const logCols = ['id', 'area_id', 'shift_date', 'shift_name', 'crew', 'starts_at', 'ends_at', 'status', 'created_by', 'reopened_at', 'version'];
  const tables = [
    { table: 'area', columns: ['id', 'parent_id', 'kind', 'name', 'time_zone'], rows: areas.length },
    { table: 'shift_log', columns: logCols, rows: logs.length },
    { table: 'log_entry', columns: entryCols, rows: N },
  ];
  await write(Buffer.from(JSON.stringify({ kind: 'snapshot', snapshotId: 'snap-measure-1', seq: N + 100, policyVersion: 1, schemaVersion: 1, tables, frames: null, bytes: 0 }) + '\n'));
  let no = 0;
  const t0 = Date.UTC(2026, 10, 30);
  const words = 'pump valve pressure steady reading vibration checked bearing temperature nominal flow adjusted seal leak minor routine round completed'.split(' ');
  async function table(name: string, count: number, row: (i: number) => unknown[]) {
    const digests: string[] = [];
    for (let s = 0; s < count; s += 5000) {
      const rows = [];
      for (let i = s; i < Math.min(count, s + 5000); i++) rows.push(row(i));
      const payload = Buffer.from(JSON.stringify(rows));
      const d = sha(payload);
      digests.push(d);
      await write(Buffer.concat([Buffer.from(JSON.stringify({ kind: 'rows', no: ++no, table: name, count: rows.length, bytes: payload.length, sha256: d, ...(name !== 'log_entry' || s < 20000 ? { recent: true } : {}) }) + '\n'), payload]));
    }
    await write(Buffer.from(JSON.stringify({ kind: 'table-end', no: ++no, table: name, count, sha256: sha(digests.join('\n')), bytes: 0 }) + '\n'));
  }
  await table('area', areas.length, (i) => [areas[i], null, 'area', `Area ${i}`, 'Europe/Berlin']);
  await table('shift_log', logs.length, (i) => { const t = new Date(t0 - i * 3_600_000).toISOString(); return [logs[i][0], logs[i][1], t.slice(0, 10), 'Night', 'B', t, t, 'open', null, null, 1]; });
  await table('log_entry', N, (i) => {
    const t = new Date(t0 - i * 60_000).toISOString();
    const body = Array.from({ length: 18 }, (_, k) => words[(i * 7 + k * 13) % words.length]).join(' ') + ` #${i}`;
    return [randomUUID(), logs[Math.floor(i / 50)][0], logs[Math.floor(i / 50)][1], i % 3 ? `P-${i % 500}` : null, 'operations', ['info', 'low', 'medium', 'high'][i % 4], body, t, t, 'u1', i % 20 === 0 ? 1 : 0, null, 'active', 1];
  });
  await write(Buffer.from(JSON.stringify({ kind: 'end', no: ++no, seq: N + 100, bytes: 0 }) + '\n'));
  await new Promise<void>((r) => out.end(() => r()));
}

async function main() {
  await record();
  console.log('recording', (statSync(file).size / 1e6).toFixed(0), 'MB');
  const server = createServer((req, res) => { res.writeHead(200, { 'content-type': BOOTSTRAP_MEDIA_TYPE }); createReadStream(file).pipe(res); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = mkdtempSync('/tmp/bbm/run-');
  const location = normalizeLocation({ profileDir: dir, server: url, userId: randomUUID(), tenantId: randomUUID() });
  const paths = vaultPaths(location);
  ensurePrivateDir(paths.dir);
  const key = randomBytes(32);
  const vault = new UnlockedVault(location, paths, openStoreDatabase({ path: paths.database, cipher: { kind: 'sqlcipher', dataKey: key } }), key);
  const client = new ServerClient({ baseUrl: url, timeoutMs: 600_000 });
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  const mem = setInterval(() => { const m = process.memoryUsage(); console.log(`rss ${(m.rss/1e6).toFixed(0)} heapTotal ${(m.heapTotal/1e6).toFixed(0)} heapUsed ${(m.heapUsed/1e6).toFixed(0)} external ${(m.external/1e6).toFixed(0)} arrayBuffers ${(m.arrayBuffers/1e6).toFixed(0)}`); }, 3000);
  const t = performance.now();
  const marks: string[] = [];
  let last = '';
  const result = await bootstrapCache({ vault, client, token: 'x', tenantId: location.tenantId, now: () => new Date(), onProgress: (p) => {
    if (p.phase !== last) { marks.push(`${p.phase}@${((performance.now() - t) / 1000).toFixed(1)}s(peak so far ${(peak / 1e6).toFixed(0)}MB)`); last = p.phase; }
  } });
  const s = (performance.now() - t) / 1000;
  clearInterval(timer); clearInterval(mem);
  console.log(marks.join(' '), `done@${s.toFixed(1)}s`, result, `${Math.round(result!.rows / s)} rows/s`, `peak RSS ${(peak / 1e6).toFixed(0)} MB`, 'file', (statSync(paths.database).size / 1e6).toFixed(0), 'MB');
  vault.lock(); client.close(); server.close();
}
main();
