import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pagedRows } from '../main/core/export/row-sources';
import type { ExportFormat } from '../main/core/export/types';
import { runExport, type ExportContext } from '../main/core/exports/exporters';
import { openStoreDatabase } from '../main/core/store/open';
import { listLogEntries } from '../main/core/store/queries/shift-logs';
import { orgScope } from '../main/core/store/scope';
import { upsertRows, type WritableRow } from '../main/core/store/writes';
import { defaultModuleFlags, effectiveRules } from '../shared/rbac';
import type { SignedGrant } from '../shared/grant';
import { goal, log, makeReport, round, type BenchReport } from './lib';
import { dataset } from './store.bench';

/**
 * Issue 6: shift-log exports over N entries in the encrypted store, through the real exporter
 * (scope, amendments, sign-off columns) and engine. CSV and JSON Lines are compared with a bare
 * scan of the same paged query in the same run; XLSX is compared with its absolute goal. RSS
 * growth is sampled every 50 ms during each export.
 */
export const defaultSize = 1_000_000;

function measureRss<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; rssGrowthMb: number }> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const started = performance.now();
  return work().then((value) => {
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, ms: performance.now() - started, rssGrowthMb: (peak - base) / 1_048_576 };
  });
}

export async function run({ size }: { size: number }): Promise<BenchReport> {
  const dir = mkdtempSync(join(tmpdir(), 'plantdesk-export-bench-'));
  try {
    const db = openStoreDatabase({ path: join(dir, 'cache.db'), cipher: { kind: 'sqlcipher', dataKey: randomBytes(32) } });
    log(`filling the encrypted store with ${size} entries...`);
    const data = dataset(size);
    let logs: WritableRow<'shift_log'>[] = [];
    let entries: WritableRow<'log_entry'>[] = [];
    const flush = () => {
      db.transaction(() => {
        upsertRows(db, 'shift_log', logs);
        upsertRows(db, 'log_entry', entries);
      })();
      logs = [];
      entries = [];
    };
    for (const { log: shiftLog, entries: rows } of data.shiftLogs()) {
      logs.push(shiftLog);
      entries.push(...rows);
      if (entries.length >= 5_000) flush();
    }
    flush();

    const ability = { userId: 'bench', tenantId: 'bench', areas: [], rules: effectiveRules({ orgRole: 'admin', moduleFlags: defaultModuleFlags('admin'), globalRole: 'none' }) };
    const grant = { moduleFlags: defaultModuleFlags('admin') } as SignedGrant;
    const context: ExportContext = { db, ability, grant, readScope: () => orgScope };

    log('bare scan of the exporter query...');
    const scan = await measureRss(async () => {
      let n = 0;
      for await (const row of pagedRows((after) => listLogEntries(db, { shiftLog: orgScope, logEntry: orgScope }, {}, { after, limit: 500 }))) if (row) n += 1;
      return n;
    });
    const scanRate = scan.value / (scan.ms / 1000);
    log(`scan: ${scan.value} rows, ${Math.round(scanRate)} rows/s`);

    const results: Record<string, { rate: number; rss: number }> = {};
    for (const format of ['csv', 'jsonl', 'xlsx'] as ExportFormat[]) {
      const measured = await measureRss(() => runExport(context, { module: 'shift-logs', format, path: join(dir, `out.${format}`), filter: {} }));
      const rate = measured.value.rows / (measured.ms / 1000);
      results[format] = { rate, rss: measured.rssGrowthMb };
      log(`${format}: ${measured.value.rows} rows, ${Math.round(rate)} rows/s, ${measured.value.bytes} bytes, RSS growth ${Math.round(measured.rssGrowthMb)} MB`);
      rmSync(join(dir, `out.${format}`), { force: true });
    }
    db.close();

    const metrics = {
      scanRowsPerSecond: Math.round(scanRate),
      csvRowsPerSecond: Math.round(results.csv.rate),
      jsonlRowsPerSecond: Math.round(results.jsonl.rate),
      xlsxRowsPerSecond: Math.round(results.xlsx.rate),
      csvRssGrowthMb: round(results.csv.rss, 1),
      jsonlRssGrowthMb: round(results.jsonl.rss, 1),
      xlsxRssGrowthMb: round(results.xlsx.rss, 1),
    };
    return makeReport('export', size, metrics, {
      csvRatioToScan: goal(results.csv.rate / scanRate, 0.5, 'atLeast'),
      jsonlRatioToScan: goal(results.jsonl.rate / scanRate, 0.5, 'atLeast'),
      xlsxRowsPerSecond: goal(results.xlsx.rate, 60_000, 'atLeast'),
      peakRssGrowthMb: goal(Math.max(results.csv.rss, results.jsonl.rss, results.xlsx.rss), 100, 'atMost'),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
