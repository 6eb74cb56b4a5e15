import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCore, type Core } from '../main/core/core';
import { secretOwnerOf } from '../main/core/secrets/secret-owner';
import { keychainAccount, normalizeOwner, purposeOfAccount, type SecretOwner, type SecretPurpose, type SecretStore } from '../main/core/secrets/secret-store';
import { optimizeStore } from '../main/core/store/open';
import { unlockVault } from '../main/core/vault/vault';
import { startServer } from '../server/app';
import { totpCode } from '../server/crypto/totp';
import type { CallRequest, Channel } from '../shared/contract';
import { dispatchCall } from '../shared/dispatch';
import type { ShiftLogFilterInput } from '../shared/views';
import { goal, log, makeReport, percentile, prng, round, type BenchReport } from './lib';
import { dataset, insertAll } from './store.bench';

/**
 * What a filter change on the shift-log screen costs with N entries in the encrypted
 * store. One change = the first page of 'shiftLogs.entries' (100 rows, the list's first page)
 * plus 'shiftLogs.stats' (the chart), asked together as the screen asks them; "results shown"
 * is when the list's rows arrive, "chart shown" when both have. Through the real
 * path: createCore, signed in against the reference server, each call through the contract's
 * dispatcher (request parsed, response checked) and through JSON as IPC would carry it.
 * The baseline is the same first page and chart with no filter, measured between the filter
 * changes of the same run.
 */
export const defaultSize = 1_000_000;

const rounds = 12;
/** The list's first page after a filter change (renderer/src/features/shift-logs/api/queries.ts). */
const pageSize = 100;


function memorySecrets(of: SecretOwner, items: Map<string, Buffer>): SecretStore {
  const owner = normalizeOwner(of);
  const key = (purpose: SecretPurpose) => keychainAccount(owner, purpose);
  return {
    owner,
    get: async (purpose) => (items.has(key(purpose)) ? Buffer.from(items.get(key(purpose)) as Buffer) : null),
    set: async (purpose, secret) => void items.set(key(purpose), Buffer.from(secret)),
    delete: async (purpose) => items.delete(key(purpose)),
    list: async () => [...items.keys()].map((name) => purposeOfAccount(owner, name)).filter((purpose): purpose is SecretPurpose => purpose !== null),
  };
}

/** A call as the window makes it: through the dispatcher, and the answer through JSON (IPC). */
async function ipcCall<C extends Channel>(core: Core, channel: C, request: CallRequest<C>): Promise<unknown> {
  const result = await dispatchCall(channel, JSON.parse(JSON.stringify(request)), (checked, parsed) => core.call(checked, parsed));
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return JSON.parse(JSON.stringify(result.value));
}

async function filterChange(core: Core, filter: ShiftLogFilterInput): Promise<{ ms: number; chartMs: number; rows: number }> {
  const started = performance.now();
  let listMs = 0;
  const [page] = (await Promise.all([
    ipcCall(core, 'shiftLogs.entries', { filter, page: { limit: pageSize } }).then((answer) => {
      listMs = performance.now() - started;
      return answer;
    }),
    ipcCall(core, 'shiftLogs.stats', { filter }),
  ])) as [{ items: unknown[] }, unknown];
  return { ms: listMs, chartMs: performance.now() - started, rows: page.items.length };
}

export async function run({ size }: { size: number }): Promise<BenchReport> {
  const dir = mkdtempSync(join(tmpdir(), 'plantdesk-bench-ui-filter-'));
  const secrets = new Map<string, Buffer>();
  const server = await startServer({ host: '127.0.0.1', port: 0, dataDir: join(dir, 'server'), logger: false, scrypt: { N: 2 ** 12, r: 8, p: 1, keyLength: 32 }, demo: { entries: 50 } });
  const core = createCore(
    { profileDir: join(dir, 'profile'), appVersion: 'bench', deviceName: 'bench workstation' },
    { secretStoreFor: (owner) => memorySecrets(owner, secrets), kdf: { name: 'scrypt', N: 2 ** 14, r: 8, p: 1 } },
  );
  try {
    const admin = server.demo!.users.find((user) => user.role === 'admin')!;
    await ipcCall(core, 'auth.signIn', { server: server.url, email: admin.email, password: admin.password, totpCode: await totpCode(admin.totpSecret, new Date()) });
    // No sync: the cache holds the generated plant only, so its newest month is the chart's window.
    const status = (await ipcCall(core, 'session.status', {})) as { server: string; user: { id: string }; tenantId: string };

    // Fill the signed-in admin's encrypted store behind the locked core (the store bench's rows).
    log(`ui-filter bench: ${size.toLocaleString('en')} entries into the encrypted store, in ${dir}`);
    await ipcCall(core, 'auth.lock', {});
    const location = { profileDir: join(dir, 'profile'), server: status.server, userId: status.user.id, tenantId: status.tenantId };
    const vault = await unlockVault(location, { secrets: memorySecrets(secretOwnerOf(location), secrets), password: admin.password });
    const data = dataset(size);
    const started = performance.now();
    insertAll([{ label: 'encrypted', db: vault.db, ms: 0 }], data);
    optimizeStore(vault.db);
    vault.lock();
    log(`  seeded in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    await ipcCall(core, 'auth.unlock', { password: admin.password });

    // Realistic changes: what a person clicks and types on the screen, with varied values.
    const random = prng(7);
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
    const firstDay = Date.parse('2021-01-01T00:00:00Z');
    const days = Math.max(1, Math.floor(size / 10 / data.areas.length / 2));
    const day = (offset: number) => new Date(firstDay + offset * 86_400_000).toISOString().slice(0, 10);
    const range = (length: number) => {
      const from = Math.floor(random() * Math.max(1, days - length));
      return { shiftDateFrom: day(from), shiftDateTo: day(from + length - 1) };
    };
    const area = () => [pick(data.areas).id];
    const word = () => pick(data.words.slice(0, 120));
    const kinds: Record<string, () => ShiftLogFilterInput> = {
      area: () => ({ areaIds: area() }),
      severity: () => ({ severities: pick([['high', 'critical'], ['critical'], ['medium'], ['low', 'medium']] as ShiftLogFilterInput['severities'][]) }),
      text: () => ({ text: pick([word(), `${word()} ${word()}`, pick(data.tags)]) }),
      dateRange: () => range(pick([1, 7, 31])),
      late: () => ({ late: true }),
      category: () => ({ categories: [pick(['safety', 'maintenance', 'quality', 'environmental'] as const)] }),
      'area+severity': () => ({ areaIds: area(), severities: ['high', 'critical'] }),
      'area+text': () => ({ areaIds: area(), text: word() }),
      'date+severity+text': () => ({ ...range(31), severities: ['medium', 'high', 'critical'], text: word() }),
      'area+date+late': () => ({ areaIds: area(), ...range(31), late: true }),
    };

    log('warming up (first page and chart once per kind)...');
    for (const make of Object.values(kinds)) await filterChange(core, make());
    await filterChange(core, {});

    const baseline: number[] = [];
    const byKind: Record<string, number[]> = Object.fromEntries(Object.keys(kinds).map((name) => [name, []]));
    const all: number[] = [];
    const charts: number[] = [];
    for (let roundNo = 0; roundNo < rounds; roundNo++) {
      for (const [name, make] of Object.entries(kinds)) {
        // The baseline between the changes, so both see the same machine load.
        baseline.push((await filterChange(core, {})).ms);
        const { ms, chartMs } = await filterChange(core, make());
        byKind[name].push(ms);
        all.push(ms);
        charts.push(chartMs);
      }
    }
    const baseP50 = percentile(baseline, 50);
    const baseP95 = percentile(baseline, 95);
    log(`baseline (no filter, first ${pageSize} rows shown): p50 ${baseP50.toFixed(1)} ms, p95 ${baseP95.toFixed(1)} ms (${baseline.length} samples)`);
    const metrics: BenchReport['metrics'] = { baselineP50Ms: round(baseP50, 1), baselineP95Ms: round(baseP95, 1) };
    for (const [name, times] of Object.entries(byKind)) {
      const p50 = percentile(times, 50);
      const p95 = percentile(times, 95);
      log(`  ${name.padEnd(20)} p50 ${p50.toFixed(1).padStart(7)} ms  p95 ${p95.toFixed(1).padStart(7)} ms  p95/baseline p95 ${round(p95 / baseP95, 2)}`);
      metrics[`${name}P95Ms`] = round(p95, 1);
    }
    const p50 = percentile(all, 50);
    const p95 = percentile(all, 95);
    log(`every filter change, results shown: p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms; ratio to baseline p50 ${round(p50 / baseP50, 2)}, p95 ${round(p95 / baseP95, 2)}`);
    const chartP95 = percentile(charts, 95);
    log(`every filter change, chart shown too: p50 ${percentile(charts, 50).toFixed(1)} ms, p95 ${chartP95.toFixed(1)} ms`);
    log(`goal: results shown p95 < 150 ms -> ${p95 < 150 ? 'met' : 'NOT met'}`);
    Object.assign(metrics, { filterP50Ms: round(p50, 1), filterP95Ms: round(p95, 1), p95RatioToBaseline: round(p95 / baseP95, 2), chartShownP95Ms: round(chartP95, 1) });
    return makeReport('ui-filter', size, metrics, { filterChangeP95Ms: goal(p95, 150, 'atMost') });
  } finally {
    await core.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
