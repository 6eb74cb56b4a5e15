import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, mkdtempSync } from 'node:fs';
import { rawKeyLiteral, openStoreDatabase } from './main/core/store/open';
import { startBulkLoader } from './main/core/store/bulk-load/loader-thread';
import { prepareStagingStore, stagingPragmas, insertStatement } from './main/core/store/bulk-load/staging';
import { readFrames } from './main/core/sync/bootstrap/frame-reader';

async function main() {
  const file = process.argv[2];
  const plain = process.argv[3] === 'plain';
  const dir = mkdtempSync('/tmp/bbm/m2-');
  const key = randomBytes(32);
  const p = `${dir}/s.db`;
  const plan = prepareStagingStore(p, (f) => openStoreDatabase({ path: f, cipher: plain ? { kind: 'none' } : { kind: 'sqlcipher', dataKey: key }, backgroundCheckpoints: false }));
  const loader = await startBulkLoader(p, plain ? null : rawKeyLiteral(key), stagingPragmas);
  if (process.argv[4] === 'live') { for (const ix of plan.indexes) await loader.exec(ix.sql); plan.indexes = []; }
  let cols: Record<string, string[]> = {};
  let t = performance.now(); let readMs = 0, insertMs = 0; let rows = 0;
  let last = performance.now();
  for await (const f of readFrames(createReadStream(file) as unknown as AsyncIterable<Buffer>)) {
    readMs += performance.now() - last;
    const h = f.header;
    if (h.kind === 'snapshot') for (const tb of h.tables) cols[tb.table] = tb.columns;
    if (h.kind === 'rows') { const s = performance.now(); rows += await loader.insertRows(insertStatement(plan, h.table, cols[h.table]), cols[h.table].length, f.payload); insertMs += performance.now() - s; }
    last = performance.now();
  }
  console.log(`load ${rows} rows in ${((performance.now() - t) / 1000).toFixed(1)} s (read ${(readMs/1000).toFixed(1)} s, insert ${(insertMs/1000).toFixed(1)} s) = ${Math.round(rows / ((performance.now() - t) / 1000))}/s`);
  for (const ix of plan.indexes) { const s = performance.now(); await loader.exec(ix.sql); const ms = performance.now() - s; if (ms > 100) console.log(`  ${ix.name} ${ms.toFixed(0)} ms`); }
  console.log(`indexes done at ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await loader.close();
}
main();
