import { randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync } from 'node:fs';
import { rawKeyLiteral, openStoreDatabase } from './main/core/store/open';
import { startBulkLoader } from './main/core/store/bulk-load/loader-thread';
import { prepareStagingStore, stagingPragmas, insertStatement } from './main/core/store/bulk-load/staging';
import { readFrames } from './main/core/sync/bootstrap/frame-reader';
async function main() {
  const dir = mkdtempSync('/tmp/bbm/m5-'); const key = randomBytes(32); const p = `${dir}/s.db`;
  const plan = prepareStagingStore(p, (f, o) => openStoreDatabase({ path: f, cipher: { kind: 'sqlcipher', dataKey: key }, backgroundCheckpoints: false, pageSize: o.pageSize }));
  const loader = await startBulkLoader(p, rawKeyLiteral(key), { cipher: stagingPragmas.cipher, store: process.env.STORE ? JSON.parse(process.env.STORE) : stagingPragmas.store });
  await loader.exec('BEGIN');
  const cols: Record<string, string[]> = {}; let rows = 0, next = 100000;
  for await (const f of readFrames(createReadStream(process.argv[2]) as unknown as AsyncIterable<Buffer>)) {
    const h = f.header;
    if (h.kind === 'snapshot') for (const t of h.tables) cols[t.table] = t.columns;
    if (h.kind === 'rows') { rows += await loader.insertRows(insertStatement(plan, h.table, cols[h.table]), cols[h.table].length, f.payload); if (rows >= next) { next += 200000; console.log(rows, 'rss', (process.memoryUsage.rss() / 1e6).toFixed(0)); if (process.env.RECOMMIT) { await loader.exec('COMMIT'); await loader.exec('BEGIN'); } } }
  }
  await loader.exec('COMMIT'); console.log('commit rss', (process.memoryUsage.rss() / 1e6).toFixed(0));
  await loader.close();
}
main();
