import { randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync } from 'node:fs';
import { openStoreDatabase } from './main/core/store/open';
import { prepareStagingStore, insertStatement } from './main/core/store/bulk-load/staging';
import { readFrames } from './main/core/sync/bootstrap/frame-reader';
import Database from 'better-sqlite3-multiple-ciphers';
import { rawKeyLiteral, migrate } from './main/core/store/open';
import { migrations } from './main/core/store/migrations/index';

async function main() {
  const file = process.argv[2]; const mode = process.argv[3]; const per = Number(process.argv[4] ?? 64);
  const dir = mkdtempSync('/tmp/bbm/m3-'); const key = randomBytes(32); const p = `${dir}/s.db`;
  const opener = (f: string) => {
    if (!process.env.PAGE) return openStoreDatabase({ path: f, cipher: mode === 'plain' ? { kind: 'none' } : { kind: 'sqlcipher', dataKey: key }, backgroundCheckpoints: false });
    const d = new Database(f);
    if (mode !== 'plain') { d.pragma("cipher='sqlcipher'"); d.key(rawKeyLiteral(key)); }
    d.pragma('page_size = ' + process.env.PAGE);
    migrate(d, migrations);
    return d;
  };
  const plan = prepareStagingStore(p, opener);
  const db = new Database(p);
  if (mode !== 'plain') { db.pragma("cipher='sqlcipher'"); if (process.env.NOHMAC) console.log('hmac_check', db.pragma('hmac_check = 0')); db.key(rawKeyLiteral(key)); console.log('now', db.pragma('hmac_check')); }
  for (const pr of [...(process.env.THREADS ? ['threads = ' + process.env.THREADS] : []), 'journal_mode = OFF', 'synchronous = OFF', 'locking_mode = EXCLUSIVE', 'temp_store = MEMORY', 'cache_size = ' + (process.env.CACHE ?? '-131072')]) db.pragma(pr);
  if (process.env.LIVE) { for (const ix of plan.indexes) db.exec(ix.sql); plan.indexes = []; }
  const payloads: { sql: string; n: number; payload: Buffer }[] = [];
  let cols: Record<string, string[]> = {};
  for await (const f of readFrames(createReadStream(file) as unknown as AsyncIterable<Buffer>)) {
    const h = f.header;
    if (h.kind === 'snapshot') for (const tb of h.tables) cols[tb.table] = tb.columns;
    if (h.kind === 'rows') payloads.push({ sql: insertStatement(plan, h.table, cols[h.table]), n: cols[h.table].length, payload: f.payload });
  }
  if (process.env.SORTID) {
    const le = payloads.filter((x) => x.sql.includes('log_entry'));
    const rest = payloads.filter((x) => !x.sql.includes('log_entry'));
    const all = le.flatMap((x) => JSON.parse(x.payload.toString()) as unknown[][]);
    all.sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1));
    const out = [];
    for (let i = 0; i < all.length; i += 5000) out.push({ sql: le[0].sql, n: le[0].n, payload: Buffer.from(JSON.stringify(all.slice(i, i + 5000))) });
    payloads.length = 0; payloads.push(...rest, ...out);
  }
  let parseMs = 0, insMs = 0, rows = 0;
  const one_tx = process.argv[5] === 'onetx';
  if (one_tx) db.exec('BEGIN');
  const tx = (f: () => void) => one_tx ? f : db.transaction(f);
  for (const { sql, n, payload } of payloads) {
    let s = performance.now();
    const data = JSON.parse(payload.toString()) as unknown[][];
    parseMs += performance.now() - s; s = performance.now();
    const tuple = '(' + new Array(n).fill('?').join(',') + ')';
    const many = db.prepare(sql + ' VALUES ' + new Array(per).fill(tuple).join(','));
    const one = db.prepare(sql + ' VALUES ' + tuple);
    tx(() => {
      let i = 0; const params = new Array(n * per);
      for (; i + per <= data.length; i += per) { for (let r = 0; r < per; r++) for (let c = 0; c < n; c++) params[r * n + c] = data[i + r][c]; many.run(params); }
      for (; i < data.length; i++) one.run(data[i]);
    })();
    insMs += performance.now() - s; rows += data.length;
  }
  if (one_tx && process.argv[6] !== 'idxintx') { const c = performance.now(); db.exec('COMMIT'); insMs += performance.now() - c; }
  console.log(`${mode} per=${per} ${process.argv[5] ?? ''}: parse ${(parseMs/1000).toFixed(2)} s, insert ${(insMs/1000).toFixed(2)} s = ${Math.round(rows/(insMs/1000))} rows/s`);
  let s = performance.now();
  for (const ix of plan.indexes) db.exec(ix.sql);
  if (process.argv[6] === 'idxintx') db.exec('COMMIT');
  console.log(`  indexes ${((performance.now()-s)/1000).toFixed(2)} s`);
  s = performance.now();
  db.exec(`INSERT INTO log_entry_fts (rowid, body, equipment_tag, area_name, category, amendments) SELECT e.row_no, e.body, e.equipment_tag, (SELECT name FROM area WHERE id = e.area_id), e.category, (SELECT group_concat(a.body, ' ') FROM entry_amendment a WHERE a.entry_id = e.id) FROM log_entry e`);
  console.log(`  fts ${((performance.now()-s)/1000).toFixed(2)} s`);
  db.close();
}
main();
