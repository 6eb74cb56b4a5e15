import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openStoreDatabase } from '../../../main/core/store/open';
import { listLogEntries } from '../../../main/core/store/queries/shift-logs';
import { orgScope } from '../../../main/core/store/scope';

/**
 * A workstation that loses power (here: SIGKILL) in the middle of applying pulled pages. Each
 * page is one transaction: after the crash the encrypted store opens, every page is there
 * whole or not at all, and the full-text index matches the rows.
 */
const batch = 4000;
let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function writerScript(path: string, keyHex: string): string {
  const open = fileURLToPath(new URL('../../../main/core/store/open.ts', import.meta.url));
  const writes = fileURLToPath(new URL('../../../main/core/store/writes.ts', import.meta.url));
  return `import { openStoreDatabase } from ${JSON.stringify(open)};
import { upsertRows } from ${JSON.stringify(writes)};
const db = openStoreDatabase({ path: ${JSON.stringify(path)}, cipher: { kind: 'encrypted', dataKey: Buffer.from(${JSON.stringify(keyHex)}, 'hex') } });
db.transaction(() => {
  upsertRows(db, 'area', [{ id: 'a1', kind: 'area', name: 'Boiler House' }]);
  upsertRows(db, 'shift_log', [{ id: 's1', area_id: 'a1', shift_date: '2024-03-01', shift_name: 'Day', starts_at: '2024-03-01T06:00:00.000Z', ends_at: '2024-03-01T18:00:00.000Z', status: 'open' }]);
})();
for (let page = 0; ; page++) {
  const rows = [];
  for (let i = 0; i < ${batch}; i++) {
    const n = page * ${batch} + i;
    rows.push({ id: 'e' + String(n).padStart(8, '0'), shift_log_id: 's1', area_id: 'a1', category: 'operations', severity: 'info',
      body: 'reading ' + n + ' pressure steady marker' + (n % 7), occurred_at: new Date(1.7e12 + n * 1000).toISOString(),
      recorded_at: new Date(1.7e12 + n * 1000).toISOString(), author_id: 'u1' });
  }
  db.transaction(() => upsertRows(db, 'log_entry', rows))();
  process.stdout.write('committed ' + (page + 1) + '\\n');
}
`;
}

describe('a writer killed mid-transaction', () => {
  it('leaves an encrypted store that opens with whole pages only and a matching full-text index', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plantdesk-kill-'));
    dirs.push(dir);
    const path = join(dir, 'vaults', 'tenant.db');
    const key = randomBytes(32);
    const script = join(dir, 'writer.ts');
    writeFileSync(script, writerScript(path, key.toString('hex')));

    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let committed = 0;
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (text: string) => {
        const match = /committed (\d+)\n$/.exec(text);
        if (match) committed = Number(match[1]);
        // A few pages in, kill it a moment into the next page's transaction.
        if (committed >= 3 && !child.killed) {
          setTimeout(() => {
            child.kill('SIGKILL');
            resolve();
          }, 40);
        }
      });
      child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited early: ${code}`))));
    });
    await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('close', resolve)));
    // The crash left a write-ahead log behind: reopening has to recover from it.
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(0);

    const db = openStoreDatabase({ path, cipher: { kind: 'encrypted', dataKey: key } });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const rows = (db.prepare('SELECT count(*) AS n FROM log_entry').get() as { n: number }).n;
      expect(rows % batch).toBe(0);
      expect(rows / batch).toBeGreaterThanOrEqual(committed);
      expect(rows / batch).toBeLessThanOrEqual(committed + 1);
      expect(() => db.prepare(`INSERT INTO log_entry_fts (log_entry_fts) VALUES ('integrity-check')`).run()).not.toThrow();
      const org = { shiftLog: orgScope, logEntry: orgScope };
      let found = 0;
      let after: string | null = null;
      do {
        const page = listLogEntries(db, org, { text: 'marker3' }, { limit: 500, after });
        found += page.items.length;
        after = page.next;
      } while (after);
      const expected = (db.prepare(`SELECT count(*) AS n FROM log_entry WHERE body LIKE '%marker3'`).get() as { n: number }).n;
      expect(found).toBe(expected);
      expect(found).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });
});
