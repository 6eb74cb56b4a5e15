import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createKeychainSecretStore } from '../main/core/secrets/keychain';
import { secretOwnerOf } from '../main/core/secrets/secret-owner';
import { normalizeOwner, type SecretPurpose, type SecretStore } from '../main/core/secrets/secret-store';
import { openStoreDatabase, optimizeStore, type SqliteDatabase } from '../main/core/store/open';
import { listLogEntries, listShiftLogs, type ShiftLogFilter } from '../main/core/store/queries/shift-logs';
import { entryCategories as categories, entrySeverities as severities } from '../shared/domain/plant';
import type { LogEntryRow, ShiftLogRow } from '../main/core/store/rows';
import { orgScope, type RowScope } from '../main/core/store/scope';
import { upsertRows } from '../main/core/store/writes';
import { createVault, unlockVault, wipeVault } from '../main/core/vault/vault';
import { goal, log, makeReport, percentile, prng, round, type BenchReport } from './lib';

/**
 * The tenant store: bulk insert into the encrypted store as a ratio to the same
 * module writing a plain file in this run, page and full-text query latency over the data, and
 * open + unlock + first query (scrypt included).
 */
export const defaultSize = 1_000_000;

// Entries per transaction: the size of a pull page the app writes; BENCH_BATCH=N shows the sensitivity.
const batchSize = Number(process.env.BENCH_BATCH ?? 5_000);
const entriesPerShiftLog = 10;
const areaCount = 60;
const authorCount = 40;
const queryRounds = 300;


const baseWords = (
  'pump seal leak valve pressure temperature flow level tank boiler steam condensate feed water cooling tower fan motor ' +
  'bearing vibration noise alarm trip reset isolation permit lockout inspection sample lab result ph conductivity chlorine ' +
  'filter strainer blocked cleaned replaced greased checked started stopped handed over operator shift crew supervisor ' +
  'contractor scaffold hot work gas test confined space spill drain sump oil grease compressor air dryer nitrogen ' +
  'instrument transmitter calibration drift fault breaker panel fuse cable lighting emergency shower eyewash fire hydrant'
).split(' ');

function vocabulary(random: () => number, size: number): string[] {
  const syllables = ['ka', 'lo', 'mi', 'ter', 'sen', 'dro', 'vax', 'pul', 'rin', 'gos', 'tam', 'ble', 'cor', 'fen', 'hul', 'ix'];
  const words = new Set(baseWords);
  while (words.size < size) {
    const n = 2 + Math.floor(random() * 3);
    let word = '';
    for (let i = 0; i < n; i++) word += syllables[Math.floor(random() * syllables.length)];
    words.add(word);
  }
  return [...words];
}

/** Zipf-like pick: low indexes much more often, as words are in real text. */
function zipfPick<T>(random: () => number, list: T[]): T {
  return list[Math.min(list.length - 1, Math.floor(list.length * random() ** 2.2))];
}

interface Dataset {
  areas: { id: string; name: string }[];
  tags: string[];
  authors: string[];
  words: string[];
  shiftLogs(): Generator<{ log: ShiftLogRow; entries: LogEntryRow[] }>;
}

export function dataset(size: number): Dataset {
  const random = prng(42);
  const words = vocabulary(random, 3_000);
  const areaNames = ['Boiler House', 'Tank Farm', 'Cooling Tower', 'Compressor Hall', 'Water Treatment', 'Packing Line', 'Substation', 'Laboratory'];
  const areas = Array.from({ length: areaCount }, (_, i) => ({ id: `area-${String(i).padStart(3, '0')}`, name: `${areaNames[i % areaNames.length]} ${Math.floor(i / areaNames.length) + 1}` }));
  const tags = Array.from({ length: 800 }, (_, i) => `${['P', 'V', 'T', 'FT', 'PT', 'M', 'K'][i % 7]}-${100 + Math.floor(i / 7)}${'ABC'[i % 3]}`);
  const authors = Array.from({ length: authorCount }, (_, i) => `user-${String(i).padStart(3, '0')}`);
  const start = Date.parse('2021-01-01T06:00:00.000Z');
  return {
    areas,
    tags,
    authors,
    words,
    *shiftLogs() {
      const rows = prng(7);
      const logs = Math.ceil(size / entriesPerShiftLog);
      let made = 0;
      for (let l = 0; l < logs; l++) {
        const area = areas[l % areaCount];
        const slot = Math.floor(l / areaCount);
        const startsAt = start + slot * 12 * 3600_000;
        const night = slot % 2 === 1;
        const log: ShiftLogRow = {
          id: `sl-${String(l).padStart(8, '0')}`,
          area_id: area.id,
          shift_date: new Date(startsAt - (night ? 0 : 0)).toISOString().slice(0, 10),
          shift_name: night ? 'Night' : 'Day',
          crew: 'ABCD'[slot % 4],
          starts_at: new Date(startsAt).toISOString(),
          ends_at: new Date(startsAt + 12 * 3600_000).toISOString(),
          status: (['signed', 'reviewed', 'submitted', 'open'] as const)[Math.min(3, Math.floor(rows() * 1.2 * 4) % 4)],
          created_by: authors[Math.floor(rows() * authorCount)],
          reopened_at: null,
          version: 1,
          pending_mutation_id: null,
        };
        const entries: LogEntryRow[] = [];
        for (let e = 0; e < entriesPerShiftLog && made < size; e++, made++) {
          const occurred = startsAt + Math.floor(rows() * 12 * 3600_000);
          const late = rows() < 0.03;
          const n = 6 + Math.floor(rows() * 14);
          const body: string[] = [];
          for (let w = 0; w < n; w++) body.push(zipfPick(rows, words));
          entries.push({
            id: `le-${String(made).padStart(9, '0')}`,
            shift_log_id: log.id,
            area_id: area.id,
            equipment_tag: rows() < 0.8 ? tags[Math.floor(rows() * tags.length)] : null,
            category: categories[Math.floor(rows() ** 1.5 * categories.length)],
            severity: severities[Math.floor(rows() ** 2 * severities.length)],
            body: body.join(' '),
            occurred_at: new Date(occurred).toISOString(),
            recorded_at: new Date(occurred + (late ? 14 * 3600_000 : 60_000)).toISOString(),
            author_id: authors[Math.floor(rows() * authorCount)],
            late: late ? 1 : 0,
            late_reason: late ? 'radio down, written up after shift' : null,
            state: 'active',
            version: 1,
            pending_mutation_id: null,
          });
        }
        yield { log, entries };
      }
    },
  };
}

interface InsertTarget {
  label: string;
  db: SqliteDatabase;
  ms: number;
}

/**
 * Inserts the dataset into both stores, batch by batch (`batchSize` entries per transaction,
 * as a pulled page is applied), alternating which store goes first: both see the same machine
 * load over the run, so the ratio is not skewed by a noisy neighbour. The final checkpoint is
 * timed too, so a longer checkpoint interval cannot hide work past the end of the run. Returns
 * entries/s each.
 */
export function insertAll(targets: InsertTarget[], data: Dataset): number[] {
  for (const target of targets) {
    target.db.transaction(() => upsertRows(target.db, 'area', data.areas.map((a) => ({ id: a.id, kind: 'area' as const, name: a.name }))))();
  }
  let logs: ShiftLogRow[] = [];
  let entries: LogEntryRow[] = [];
  let done = 0;
  let batches = 0;
  let nextReport = 100_000;
  const flush = () => {
    const order = batches % 2 === 0 ? targets : [...targets].reverse();
    for (const target of order) {
      const started = performance.now();
      target.db.transaction(() => {
        upsertRows(target.db, 'shift_log', logs);
        upsertRows(target.db, 'log_entry', entries);
      })();
      target.ms += performance.now() - started;
    }
    batches++;
    done += entries.length;
    logs = [];
    entries = [];
    if (done >= nextReport) {
      log(`  ${done.toLocaleString('en')} entries: ${targets.map((t) => `${t.label} ${Math.round(done / (t.ms / 1000)).toLocaleString('en')}/s`).join(', ')}`);
      nextReport += 100_000;
    }
  };
  for (const { log: shiftLog, entries: more } of data.shiftLogs()) {
    logs.push(shiftLog);
    entries.push(...more);
    if (entries.length >= batchSize) flush();
  }
  if (entries.length > 0) flush();
  // What is still in the WAL is part of the load: each store copies it into its file, and an
  // encrypted store decrypts and re-encrypts it on the way, so the rates include that last copy.
  for (const target of targets) {
    const started = performance.now();
    target.db.pragma('wal_checkpoint(TRUNCATE)');
    target.ms += performance.now() - started;
  }
  return targets.map((t) => done / (t.ms / 1000));
}

function benchSecrets(place: { profileDir: string; server: string; userId: string; tenantId: string }): { secrets: SecretStore; kind: string } {
  const owner = secretOwnerOf(place);
  if (process.env.DBUS_SESSION_BUS_ADDRESS || process.platform !== 'linux') {
    return { secrets: createKeychainSecretStore(owner), kind: 'OS keychain' };
  }
  // No keychain session here: an in-process map stands in, and the report says so.
  const items = new Map<SecretPurpose, Buffer>();
  return {
    kind: 'in-memory stand-in (no D-Bus session)',
    secrets: {
      owner: normalizeOwner(owner),
      get: async (p) => (items.has(p) ? Buffer.from(items.get(p) as Buffer) : null),
      set: async (p, s) => void items.set(p, Buffer.from(s)),
      delete: async (p) => items.delete(p),
      list: async () => [...items.keys()],
    },
  };
}

function timed<T>(fn: () => T): [T, number] {
  const started = performance.now();
  const value = fn();
  return [value, performance.now() - started];
}

export async function run({ size }: { size: number }): Promise<BenchReport> {
  const dir = mkdtempSync(join(tmpdir(), 'plantdesk-bench-store-'));
  const data = dataset(size);
  const location = { profileDir: join(dir, 'profile'), server: 'https://bench.plantdesk.example', userId: 'bench-user', tenantId: 'bench-tenant' };
  const { secrets, kind } = benchSecrets(location);
  const password = 'bench password, long enough';
  log(`store bench: ${size.toLocaleString('en')} entries, batches of ${batchSize.toLocaleString('en')}, keychain: ${kind}, in ${dir}`);

  try {
    // Baseline: the same module and rows, a plain file (no key).
    const plainPath = join(dir, 'plain.db');
    const plain = openStoreDatabase({ path: plainPath, cipher: { kind: 'none' } });
    const created = await createVault(location, { secrets, password });
    const [plainRate, encryptedRate] = insertAll(
      [
        { label: 'plain', db: plain, ms: 0 },
        { label: 'encrypted', db: created.db, ms: 0 },
      ],
      data,
    );
    log(`  plain ${Math.round(plainRate).toLocaleString('en')}/s, encrypted ${Math.round(encryptedRate).toLocaleString('en')}/s`);
    plain.close();
    const plainBytes = statSync(plainPath).size;
    rmSync(plainPath, { force: true });

    const [, optimizeMs] = timed(() => optimizeStore(created.db));
    log(`  optimize after load: ${optimizeMs.toFixed(0)} ms`);
    created.lock();
    const encryptedBytes = statSync(created.paths.database).size;
    const insertRatio = encryptedRate / plainRate;
    log(`insert: encrypted/plain = ${insertRatio.toFixed(3)} (files ${(encryptedBytes / 1e6).toFixed(0)} MB vs ${(plainBytes / 1e6).toFixed(0)} MB)`);

    const scopes = { shiftLog: orgScope, logEntry: orgScope };
    const unlockTimes: number[] = [];
    let vault = created;
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      vault = await unlockVault(location, { secrets, password });
      listShiftLogs(vault.db, scopes, {}, { limit: 50 });
      unlockTimes.push(performance.now() - started);
      if (i < 2) vault.lock();
    }
    const unlockMs = percentile(unlockTimes, 50);
    log(`open + unlock + first query: ${unlockTimes.map((t) => t.toFixed(0)).join(', ')} ms (median ${unlockMs.toFixed(0)})`);

    const db = vault.db;
    const random = prng(99);
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
    const dayMs = 24 * 3600_000;
    const firstDay = Date.parse('2021-01-01T00:00:00.000Z');
    const spanDays = Math.max(1, Math.ceil(size / entriesPerShiftLog / areaCount / 2));
    const randomDay = () => new Date(firstDay + Math.floor(random() * spanDays) * dayMs);
    const areaScope: RowScope = { kind: 'rows', ownUserId: pick(data.authors), areaIds: data.areas.slice(0, 6).map((a) => a.id) };

    type Scopes = typeof scopes;
    const pageFilters: Record<string, () => [ShiftLogFilter, Scopes]> = {
      'area+severity': () => [{ areaIds: [pick(data.areas).id], severities: ['high', 'critical'] }, scopes],
      'week+category': () => {
        const from = randomDay();
        return [{ occurredFrom: from.toISOString(), occurredBefore: new Date(from.getTime() + 7 * dayMs).toISOString(), categories: [pick(categories)] }, scopes];
      },
      author: () => [{ authorIds: [pick(data.authors)] }, scopes],
      'area+late': () => [{ late: true, areaIds: [pick(data.areas).id] }, scopes],
      'own-or-area scope+severity': () => [{ severities: ['medium'] }, { shiftLog: orgScope, logEntry: areaScope }],
      'status+shift': () => [{ statuses: ['open'], shiftNames: ['Night'] }, scopes],
    };
    const byKind = new Map<string, number[]>();
    const record = (kind: string, ms: number, into: number[]) => {
      into.push(ms);
      byKind.set(kind, [...(byKind.get(kind) ?? []), ms]);
    };
    const pageTimes: number[] = [];
    const logPageTimes: number[] = [];
    for (let i = 0; i < queryRounds; i++) {
      const kind = pick(Object.keys(pageFilters));
      const [filter, s] = pageFilters[kind]();
      const [first, t1] = timed(() => listLogEntries(db, s, filter, { limit: 50 }));
      record(`page ${kind}`, t1, pageTimes);
      if (first.next) record(`page ${kind}`, timed(() => listLogEntries(db, s, filter, { limit: 50, after: first.next }))[1], pageTimes);
      const day = randomDay().toISOString().slice(0, 10);
      logPageTimes.push(timed(() => listShiftLogs(db, scopes, { areaIds: [pick(data.areas).id], shiftDateTo: day }, { limit: 50 }))[1]);
    }
    const midWords = data.words.slice(50, 1500);
    const searches: Record<string, () => [ShiftLogFilter, Scopes]> = {
      word: () => [{ text: pick(midWords) }, scopes],
      'common+rarer word': () => [{ text: `${pick(data.words.slice(0, 200))} ${pick(midWords)}` }, scopes],
      'equipment tag': () => [{ text: pick(data.tags) }, scopes],
      'area name+word': () => [{ text: `${pick(data.areas).name.split(' ')[0]} ${pick(midWords)}` }, scopes],
      prefix: () => [{ text: pick(midWords).slice(0, 4) }, scopes],
      'word, own-or-area scope': () => [{ text: pick(data.words.slice(0, 300)) }, { shiftLog: orgScope, logEntry: areaScope }],
    };
    const searchTimes: number[] = [];
    let hits = 0;
    for (let i = 0; i < queryRounds; i++) {
      const kind = pick(Object.keys(searches));
      const [filter, s] = searches[kind]();
      const [page, ms] = timed(() => listLogEntries(db, s, filter, { limit: 50 }));
      hits += page.items.length;
      record(`search ${kind}`, ms, searchTimes);
    }
    const p = (list: number[], q: number) => round(percentile(list, q), 2);
    for (const [kind, times] of [...byKind].sort(([a], [b]) => a.localeCompare(b))) {
      log(`  ${kind.padEnd(36)} p50 ${p(times, 50)} ms, p95 ${p(times, 95)} ms (${times.length})`);
    }
    log(`entry page (filtered, keyset): p50 ${p(pageTimes, 50)} ms, p95 ${p(pageTimes, 95)} ms over ${pageTimes.length} queries`);
    log(`shift-log page (area, date):   p50 ${p(logPageTimes, 50)} ms, p95 ${p(logPageTimes, 95)} ms`);
    log(`full-text search:              p50 ${p(searchTimes, 50)} ms, p95 ${p(searchTimes, 95)} ms (avg ${(hits / queryRounds).toFixed(1)} rows/page)`);

    await wipeVault(location, { secrets, open: vault });

    return makeReport(
      'store',
      size,
      {
        keychain: kind,
        plainInsertPerSec: Math.round(plainRate),
        encryptedInsertPerSec: Math.round(encryptedRate),
        insertRatio: round(insertRatio),
        encryptedFileMB: round(encryptedBytes / 1e6, 1),
        plainFileMB: round(plainBytes / 1e6, 1),
        pageP50Ms: p(pageTimes, 50),
        pageP95Ms: p(pageTimes, 95),
        shiftLogPageP50Ms: p(logPageTimes, 50),
        shiftLogPageP95Ms: p(logPageTimes, 95),
        searchP50Ms: p(searchTimes, 50),
        searchP95Ms: p(searchTimes, 95),
        openUnlockFirstQueryMs: round(unlockMs, 1),
      },
      {
        insertRatio: goal(insertRatio, 0.8, 'atLeast'),
        pageP95Ms: goal(percentile(pageTimes, 95), 10, 'atMost'),
        searchP95Ms: goal(percentile(searchTimes, 95), 30, 'atMost'),
      },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
