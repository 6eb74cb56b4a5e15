import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pagedRowsSync } from '../main/core/exports/engine/row-sources';
import { exportFormats } from '../shared/exports';
import { runExport, type ExportContext } from '../main/core/exports/service/exporters';
import { openStoreDatabase } from '../main/core/store/open';
import { listLogEntries } from '../main/core/store/queries/shift-logs';
import { orgScope } from '../main/core/store/scope';
import { upsertRows, type WritableRow } from '../main/core/store/writes';
import { defaultModuleFlags, effectiveRules } from '../shared/rbac';
import type { SignedGrant } from '../shared/grant';
import { goal, log, makeReport, round, type BenchReport } from './lib';
import { dataset } from './store.bench';

/**
 * Shift-log exports over N entries in the encrypted store, through the real exporter
 * (scope, amendments, sign-off columns) and engine. CSV and JSON Lines are compared with a bare
 * scan of the same paged query, read the fastest way (synchronously, page by page, as the
 * exporter reads it), made right before each export so that both see the same machine load;
 * XLSX is compared with its absolute goal. RSS is sampled every 25 ms and at every progress
 * event during each export, from a level taken after a full GC.
 */
export const defaultSize = 1_000_000;

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

interface Measured<T> {
  value: T;
  ms: number;
  /** CPU time of the process (all threads: zlib, file writes, SQLite). */
  cpuMs: number;
  /** CPU time of the main thread alone (reading, encoding), where /proc tells it; else NaN. */
  mainCpuMs: number;
  rssGrowthMb: number;
}

/** Linux's USER_HZ, the unit of utime and stime in /proc/.../stat. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU milliseconds of the main thread so far (Linux). On a shared machine the wall clock says
 * more about the neighbours than about the export; main-thread CPU time says what one free core
 * would give it, zlib working on another.
 */
function mainThreadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND; // utime, stime
  } catch {
    return Number.NaN;
  }
}

async function measure<T>(work: (sample: () => void) => T | Promise<T>): Promise<Measured<T>> {
  collectGarbage();
  const base = process.memoryUsage.rss();
  let peak = base;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage.rss());
  };
  const timer = setInterval(sample, 25);
  const cpu = process.cpuUsage();
  const mainCpu = mainThreadCpuMs();
  const started = performance.now();
  try {
    const value = await work(sample);
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const mainCpuMs = mainThreadCpuMs() - mainCpu;
    sample();
    return { value, ms, cpuMs: (used.user + used.system) / 1000, mainCpuMs, rssGrowthMb: (peak - base) / 1_048_576 };
  } finally {
    clearInterval(timer);
  }
}

export async function run({ size }: { size: number }): Promise<BenchReport> {
  const dir = mkdtempSync(join(tmpdir(), 'plantdesk-export-bench-'));
  try {
    const db = openStoreDatabase({ path: join(dir, 'cache.db'), cipher: { kind: 'encrypted', dataKey: randomBytes(32) } });
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

    const scopes = { shiftLog: orgScope, logEntry: orgScope };
    const scan = () =>
      measure(() => {
        let n = 0;
        for (const row of pagedRowsSync((after) => listLogEntries(db, scopes, {}, { after, limit: 500 }))) if (row) n += 1;
        return n;
      });
    log('bare scan of the exporter query (warms the cache)...');
    await scan();

    const results: Record<string, { rate: number; ratio: number; cpuRatio: number; rowsPerCpuSecond: number; rowsPerMainCpuSecond: number; rss: number }> = {};
    for (const format of exportFormats) {
      const bare = await scan();
      const scanRate = bare.value / (bare.ms / 1000);
      const measured = await measure((sample) =>
        runExport(context, { module: 'shift-logs', format, path: join(dir, `out.${format}`), filter: {}, onProgress: sample }),
      );
      const rows = measured.value.rows;
      const rate = rows / (measured.ms / 1000);
      const result = {
        rate,
        ratio: rate / scanRate,
        cpuRatio: bare.cpuMs / bare.value / (measured.cpuMs / rows),
        rowsPerCpuSecond: rows / (measured.cpuMs / 1000),
        rowsPerMainCpuSecond: rows / (measured.mainCpuMs / 1000),
        rss: measured.rssGrowthMb,
      };
      results[format] = result;
      log(
        `${format}: ${rows} rows, ${Math.round(rate)} rows/s; bare scan just before ${Math.round(scanRate)} rows/s: ratio ${round(result.ratio)} ` +
          `(by CPU time ${round(result.cpuRatio)}; ${Math.round(result.rowsPerCpuSecond)} rows per CPU second of all threads, ` +
          `${Math.round(result.rowsPerMainCpuSecond)} of the main thread; bare scan ${Math.round(bare.value / (bare.mainCpuMs / 1000))}); ` +
          `${round(measured.value.bytes / 1_048_576, 1)} MB; peak RSS growth ${round(result.rss, 1)} MB`,
      );
      rmSync(join(dir, `out.${format}`), { force: true });
    }
    db.close();

    const metrics: BenchReport['metrics'] = {};
    for (const [format, r] of Object.entries(results)) {
      metrics[`${format}RowsPerSecond`] = Math.round(r.rate);
      metrics[`${format}RatioToScan`] = round(r.ratio);
      metrics[`${format}CpuRatioToScan`] = round(r.cpuRatio);
      metrics[`${format}RowsPerCpuSecond`] = Math.round(r.rowsPerCpuSecond);
      metrics[`${format}RowsPerMainThreadCpuSecond`] = Math.round(r.rowsPerMainCpuSecond);
      metrics[`${format}RssGrowthMb`] = round(r.rss, 1);
    }
    return makeReport('export', size, metrics, {
      csvRatioToScan: goal(results.csv.ratio, 0.5, 'atLeast'),
      jsonlRatioToScan: goal(results.jsonl.ratio, 0.5, 'atLeast'),
      xlsxRowsPerSecond: goal(results.xlsx.rate, 60_000, 'atLeast'),
      peakRssGrowthMb: goal(Math.max(results.csv.rss, results.jsonl.rss, results.xlsx.rss), 100, 'atMost'),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
