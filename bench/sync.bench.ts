import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import pg from 'pg';
import { z } from 'zod';
import type { Core } from '../main/core/core';
import { startCoreWorker } from '../main/core/host/client';
import { ServerClient } from '../main/core/net/server-client';
import { openStoreDatabase } from '../main/core/store/open';
import { upsertRows, type WritableRow } from '../main/core/store/writes';
import { applyPullPage, parsePullPage } from '../main/core/sync/apply-pull';
import { totpCode } from '../server/crypto/totp';
import { DEMO_CREDENTIALS_FILE, DemoCredentialsSchema, type DemoCredentials } from '../server/demo/seed-demo';
import { dispatchCall } from '../shared/dispatch';
import { PlantdeskError } from '../shared/errors';
import { MAX_PUSH_MUTATIONS, PushResponseSchema, SYNC_SCHEMA_VERSION } from '../shared/sync-protocol';
import { uuidv7 } from '../shared/uuid7';
import { startPostgresCluster, type PostgresCluster } from '../tests/support/postgres';
import { goal, log, makeReport, percentile, round, type BenchReport } from './lib';

/**
 * Sync, end to end on real parts: a throwaway PostgreSQL cluster, the real server in a
 * child process seeded with N demo entries, and a real workstation core on its own worker
 * thread (as in the app) with an encrypted cache and the OS keychain. This process is then the
 * client only, so its RSS is the client's, and its main thread stands for the thread that hosts
 * the contract router (calls go through shared/dispatch.ts like the IPC router's).
 *
 * Measures: initial sync of everything (rows/s, as a ratio to upsertRows of the same log-entry
 * rows, page by page, into a fresh SQLCipher store in this run, and to PowerSync's published
 * 27,600 rows/s), the client's peak RSS during it, the router thread's max event-loop delay
 * during it, the push of 10,000 queued mutations (acknowledged/s), and the latency of an
 * incremental pull of 1,000 changes another client pushed.
 *
 * The vault needs a real Secret Service. On Linux run it inside a private D-Bus session with an
 * unlocked throwaway keyring (as `npm test` does):
 *   dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; npm run bench -- sync'
 * (add `--size 100000` for a run of a few minutes; the default 1,000,000 seeds for about a minute).
 */
export const defaultSize = 1_000_000;

/** The engine's own default page size, passed explicitly so the baseline uses the same batches. */
const pageSize = 2_000;
const pushCount = 10_000;
const incrementalCount = 1_000;
const powerSyncRowsPerSec = 27_600;
const rssSampleMs = 50;
const probeEveryMs = 100;
const breakdownRows = 100_000;
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const coreWorkerEntry = new URL('../tests/support/core-worker-entry.mjs', import.meta.url);

type Call = <T>(channel: string, request?: unknown) => Promise<T>;

interface SyncSummary {
  pushed: number;
  applied: number;
  conflicts: number;
  rejected: number;
  pulled: number;
  cursor: number;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');
const mb = (bytes: number) => bytes / 1024 / 1024;

/** TOTP codes for one user that never repeat a step (the server refuses a step used before). */
function totpFor(secret: string): () => Promise<string> {
  let lastStep = -1;
  return async () => {
    for (;;) {
      const current = Math.floor(Date.now() / 30_000);
      // The server accepts one step either side; current or next stays valid across a boundary.
      const step = Math.max(lastStep + 1, current);
      if (step <= current + 1) {
        lastStep = step;
        return totpCode(secret, new Date(step * 30_000 + 15_000));
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  };
}

interface ServerProcess {
  url: string;
  /** CPU seconds the server process used so far (Linux /proc; NaN elsewhere). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/**
 * In production the server and its PostgreSQL run on other machines; here they share the
 * workstation's cores at the client's priority by default. On a machine busy with other work,
 * BENCH_SERVER_NICE=10 (Linux) runs them at that nice value, so the router thread's delay shows
 * the app rather than the co-located server: on a quiet machine both give the same max delay
 * (21.8 ms at 0, 22.2 ms at 10, 1M entries).
 */
const serverNice = process.platform === 'linux' ? Number(process.env.BENCH_SERVER_NICE ?? 0) : 0;

/** `node --import tsx server/main.ts` as `npm run server` starts it, on the bench's PostgreSQL. */
async function startServerProcess(dataDir: string, databaseUrl: string, entries: number): Promise<ServerProcess> {
  const command = [process.execPath, '--import', 'tsx', 'server/main.ts', '--port', '0', '--data', dataDir, '--demo', '--demo-entries', String(entries)];
  // `nice` execs node in place, so every thread of the server starts at that priority.
  const [file, ...args] = serverNice > 0 ? ['nice', '-n', String(serverNice), ...command] : command;
  const child: ChildProcess = spawn(
    file,
    args,
    { cwd: repoRoot, env: { ...process.env, DATABASE_URL: databaseUrl, PLANTDESK_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stdout = '';
  let stderrTail = '';
  child.stdout!.on('data', (chunk) => (stdout += String(chunk)));
  child.stderr!.on('data', (chunk) => (stderrTail = (stderrTail + String(chunk)).slice(-4_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  // Seeding runs before the server listens: allow for it (1M entries take about a minute).
  const timeoutMs = 120_000 + entries / 5;
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the server did not listen within ${Math.round(timeoutMs / 1000)} s: ${stderrTail}`)), timeoutMs);
      child.stdout!.on('data', () => {
        const match = /plantdesk-server listening on (http:\/\/\S+)/.exec(stdout);
        if (!match) return;
        clearTimeout(timer);
        resolve(match[1]);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the server exited (${code}) before listening: ${stderrTail}`));
      });
    });
    const cpuSeconds = () => {
      try {
        const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
        // utime and stime, fields 14 and 15 of stat (11 and 12 after the command name), in clock ticks.
        return (Number(fields[11]) + Number(fields[12])) / 100;
      } catch {
        return Number.NaN;
      }
    };
    return { url, stop, cpuSeconds };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The peak of a value sampled on a timer (RSS) while something runs. */
function sampler(read: () => number, everyMs: number) {
  let peak = read();
  const timer = setInterval(() => (peak = Math.max(peak, read())), everyMs);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, read());
      return peak;
    },
  };
}

/**
 * How long a contract call waits for the core while it syncs: one cheap call at a time, every
 * `probeEveryMs`. Not a goal of the issue; it is what a window's read would feel.
 */
function callProbe(call: Call) {
  const latencies: number[] = [];
  /** The slowest calls and when they started (ms after the probe did), to find what held the core. */
  const slowest: { atMs: number; ms: number }[] = [];
  const probeStarted = performance.now();
  let running = true;
  const done = (async () => {
    while (running) {
      const started = performance.now();
      await call('app.info');
      const ms = performance.now() - started;
      latencies.push(ms);
      slowest.push({ atMs: started - probeStarted, ms });
      slowest.sort((a, b) => b.ms - a.ms).splice(3);
      await new Promise((resolve) => setTimeout(resolve, probeEveryMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return { latencies, slowest };
    },
  };
}

/**
 * Time this thread spent runnable but waiting for a CPU (Linux schedstat, ns -> ms); 0 elsewhere.
 * A stall mostly made of it was the machine's cores being busy, not work on this thread.
 */
function runQueueWaitMs(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[1]) / 1e6;
  } catch {
    return 0;
  }
}

/**
 * When the thread stalled: a 10 ms timer that notes every gap over `thresholdMs` (offset from
 * the start, length), to tell a warm-up stall from stalls spread over the run.
 */
function stallRecorder(thresholdMs: number) {
  const startedAt = performance.now();
  const stalls: { atMs: number; ms: number; runQueueMs: number }[] = [];
  let last = startedAt;
  let lastWait = runQueueWaitMs();
  const timer = setInterval(() => {
    const now = performance.now();
    const wait = runQueueWaitMs();
    if (now - last - 10 > thresholdMs) stalls.push({ atMs: last - startedAt, ms: now - last - 10, runQueueMs: wait - lastWait });
    last = now;
    lastWait = wait;
  }, 10);
  return {
    stop() {
      clearInterval(timer);
      return stalls;
    },
  };
}

/** A second workstation that talks the protocol directly (HTTP): pushes entries, pulls pages. */
async function signInOverHttp(server: string, user: DemoCredentials['users'][number], code: string) {
  const client = new ServerClient({ baseUrl: server, timeoutMs: 120_000 });
  const { challengeId } = await client.request({
    method: 'POST',
    path: '/auth/login',
    body: { email: user.email, password: user.password, deviceId: `sync-bench-${uuidv7()}`, deviceName: 'sync bench (second client)' },
    schema: z.object({ challengeId: z.string() }),
  });
  const answer = await client.request({
    method: 'POST',
    path: '/auth/totp',
    body: { challengeId, code },
    schema: z.object({ token: z.string(), grant: z.object({ grantId: z.string() }).loose() }).loose(),
  });
  return { client, token: answer.token, grantId: answer.grant.grantId };
}

export async function run({ size }: { size: number }): Promise<BenchReport> {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS && process.platform === 'linux') {
    log('sync bench: no D-Bus session (DBUS_SESSION_BUS_ADDRESS is unset), so the vault has no keychain to keep its key in.');
    log("Run it inside a private session with an unlocked throwaway keyring:\n  dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; npm run bench -- sync'");
    process.exit(1);
  }
  const dir = mkdtempSync(join(tmpdir(), 'plantdesk-bench-sync-'));
  let cluster: PostgresCluster | null = null;
  let server: ServerProcess | null = null;
  let core: Core | null = null;
  let other: Awaited<ReturnType<typeof signInOverHttp>> | null = null;
  log(`sync bench: ${size.toLocaleString('en')} entries, pull pages of ${fmt(pageSize)}, in ${dir}`);
  try {
    // ---- server: real PostgreSQL, demo tenant with N entries ----
    let started = performance.now();
    cluster = await startPostgresCluster();
    const databaseUrl = await cluster.createDatabase('plantdesk_sync_bench');
    log(`  PostgreSQL cluster on port ${cluster.port} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    // Backends are forked from the postmaster when the server connects, and inherit its priority.
    if (serverNice > 0) setPriority(cluster.postmasterPid(), serverNice);
    if (serverNice > 0) log(`  server and PostgreSQL at nice ${serverNice} (the client at 0), as if on their own machines`);
    started = performance.now();
    server = await startServerProcess(join(dir, 'server'), databaseUrl, size);
    log(`  server at ${server.url}, seeded ${fmt(size)} entries in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    // A freshly seeded database has no planner statistics and lets autovacuum loose on a million
    // new rows for the next minute or two, on the same two cores the sync needs: settle it first
    // (untimed), so the sync meets a server in its steady state.
    started = performance.now();
    const maintenance = new pg.Client({ connectionString: databaseUrl });
    await maintenance.connect();
    try {
      await maintenance.query('VACUUM (ANALYZE)');
    } finally {
      await maintenance.end();
    }
    log(`  VACUUM (ANALYZE) after the seed: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const credentials = DemoCredentialsSchema.parse(JSON.parse(readFileSync(join(dir, 'server', DEMO_CREDENTIALS_FILE), 'utf8')));
    const admin = credentials.users.find((user) => user.role === 'admin');
    if (!admin) throw new Error('the demo credentials name no admin');
    const adminCode = totpFor(admin.totpSecret);

    // ---- client: the core on its worker thread, calls through the contract's gate ----
    const rssAtStart = process.memoryUsage.rss();
    const worker = await startCoreWorker({ workerUrl: coreWorkerEntry, core: { profileDir: join(dir, 'profile'), appVersion: 'bench', deviceName: 'sync bench', syncPageSize: pageSize } });
    core = worker;
    const call: Call = async <T>(channel: string, request: unknown = {}) => {
      const result = await dispatchCall(channel, request, (checked, req) => worker.call(checked, req));
      if (!result.ok) throw PlantdeskError.fromBody(result.error);
      return result.value as T;
    };
    let onProgress: ((payload: { phase: string; done: number; total: number | null }) => void) | null = null;
    worker.onEvent((event) => {
      if (event.name === 'sync.progress') onProgress?.(event.payload as { phase: string; done: number; total: number | null });
    });
    started = performance.now();
    await call('auth.signIn', { server: server.url, email: admin.email, password: admin.password, totpCode: await adminCode() });
    log(`  signed in as ${admin.email} (vault created, keychain) in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    // ---- 1-3: initial sync, with RSS and the router thread's event-loop delay ----
    const rssBeforeSync = process.memoryUsage.rss();
    const rss = sampler(() => process.memoryUsage.rss(), rssSampleMs);
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    let nextReport = 100_000;
    const syncStarted = performance.now();
    onProgress = ({ phase, done, total }) => {
      if (phase !== 'pull' || done < nextReport) return;
      const seconds = (performance.now() - syncStarted) / 1000;
      log(`  pulled ${fmt(done)}${total === null ? '' : ` of ${fmt(total)}`} (${fmt(done / seconds)} rows/s, RSS ${mb(process.memoryUsage.rss()).toFixed(0)} MB)`);
      while (nextReport <= done) nextReport += 100_000;
    };
    const runQueueBefore = runQueueWaitMs();
    const clientCpuBefore = process.cpuUsage();
    const serverCpuBefore = server.cpuSeconds();
    loopDelay.enable();
    const stalls = stallRecorder(30);
    const probe = callProbe(call);
    const initial = await call<SyncSummary>('sync.now');
    const syncSeconds = (performance.now() - syncStarted) / 1000;
    loopDelay.disable();
    const stallList = stalls.stop();
    const runQueueDuringSync = runQueueWaitMs() - runQueueBefore;
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const clientCpuSeconds = (clientCpu.user + clientCpu.system) / 1e6;
    const serverCpuSeconds = server.cpuSeconds() - serverCpuBefore;
    const { latencies: probeLatencies, slowest: slowestProbes } = await probe.stop();
    const peakRss = rss.stop();
    onProgress = null;
    const maxLoopDelayMs = loopDelay.max / 1e6;
    const syncRowsPerSec = initial.pulled / syncSeconds;
    log(`initial sync: ${fmt(initial.pulled)} rows in ${syncSeconds.toFixed(1)} s = ${fmt(syncRowsPerSec)} rows/s (cursor ${fmt(initial.cursor)})`);
    log(`  client RSS: ${mb(rssAtStart).toFixed(0)} MB before the core, ${mb(rssBeforeSync).toFixed(0)} MB signed in, peak ${mb(peakRss).toFixed(0)} MB during the sync`);
    log(`  router thread event-loop delay: max ${maxLoopDelayMs.toFixed(1)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms`);
    log(`  CPU during the sync: client process ${clientCpuSeconds.toFixed(1)} s, server process ${serverCpuSeconds.toFixed(1)} s (PostgreSQL not counted), over ${syncSeconds.toFixed(1)} s`);
    log(`  router thread: ${runQueueDuringSync.toFixed(0)} ms runnable but waiting for a CPU over the sync (the server, PostgreSQL and the core share ${availableParallelism()} cores)`);
    log(`  router thread stalls over 30 ms: ${stallList.length}${stallList.length ? ` (at ${stallList.slice(0, 8).map((x) => `${(x.atMs / 1000).toFixed(1)} s: ${x.ms.toFixed(0)} ms, ${x.runQueueMs.toFixed(0)} ms of it waiting for a CPU`).join(', ')}${stallList.length > 8 ? ', ...' : ''})` : ''}`);
    log(`  contract call (app.info) answered by the core during the sync: p50 ${percentile(probeLatencies, 50).toFixed(1)} ms, p99 ${percentile(probeLatencies, 99).toFixed(1)} ms, max ${Math.max(...probeLatencies).toFixed(1)} ms (${probeLatencies.length} calls; slowest at ${slowestProbes.map((x) => `${(x.atMs / 1000).toFixed(1)} s`).join(', ')})`);

    // ---- 4: push of 10,000 queued mutations ----
    const openLogs = await call<{ items: { id: string; area_id: string }[] }>('shiftLogs.list', { filter: { statuses: ['open'] }, page: { limit: 20 } });
    if (openLogs.items.length === 0) throw new Error('the demo has no open shift log to write entries into');
    const entryFor = (i: number, who: string) => {
      const target = openLogs.items[i % openLogs.items.length];
      return {
        shiftLogId: target.id,
        areaId: target.area_id,
        equipmentTag: null,
        category: 'operations',
        severity: 'info',
        body: `${who} bench entry ${i}: routine round completed, readings within limits`,
        occurredAt: new Date(Date.now() - 60_000).toISOString(),
        lateReason: 'written up after the round (bench)',
      };
    };
    started = performance.now();
    for (let i = 0; i < pushCount; i += 200) {
      await Promise.all(Array.from({ length: Math.min(200, pushCount - i) }, (_, k) => call('logEntries.create', entryFor(i + k, 'queued'))));
    }
    log(`queued ${fmt(pushCount)} entries locally in ${((performance.now() - started) / 1000).toFixed(1)} s (untimed)`);
    let pushEndedAt = 0;
    const pushStarted = performance.now();
    onProgress = ({ phase }) => {
      if (phase === 'push') pushEndedAt = performance.now();
    };
    const pushLoopDelay = monitorEventLoopDelay({ resolution: 10 });
    pushLoopDelay.enable();
    const pushed = await call<SyncSummary>('sync.now');
    pushLoopDelay.disable();
    const pushSyncSeconds = (performance.now() - pushStarted) / 1000;
    onProgress = null;
    const pushSeconds = (pushEndedAt - pushStarted) / 1000;
    const pushPerSec = pushed.applied / pushSeconds;
    log(`push: ${fmt(pushed.applied)} of ${fmt(pushed.pushed)} acknowledged as applied (${pushed.conflicts} conflicts, ${pushed.rejected} rejected) in ${pushSeconds.toFixed(2)} s = ${fmt(pushPerSec)} mutations/s`);
    log(`  the whole sync.now, with the pull of its ${fmt(pushed.pulled)} changes back: ${pushSyncSeconds.toFixed(2)} s; router event-loop delay max ${(pushLoopDelay.max / 1e6).toFixed(1)} ms`);

    // ---- 5: incremental pull of 1,000 changes pushed by another client ----
    other = await signInOverHttp(server.url, admin, await adminCode());
    const clientId = uuidv7();
    let otherPushMs = 0;
    for (let i = 0; i < incrementalCount; i += MAX_PUSH_MUTATIONS) {
      const mutations = Array.from({ length: Math.min(MAX_PUSH_MUTATIONS, incrementalCount - i) }, (_, k) => ({
        id: uuidv7(),
        seq: i + k + 1,
        name: 'logEntry.create',
        args: { id: uuidv7(), ...entryFor(i + k, 'other client') },
        baseVersion: null,
        clientTime: new Date().toISOString(),
        grantId: other!.grantId,
      }));
      const requestStarted = performance.now();
      const answer = await other.client.request({ method: 'POST', path: '/sync/push', token: other.token, body: { clientId, schemaVersion: SYNC_SCHEMA_VERSION, mutations }, schema: PushResponseSchema });
      otherPushMs += performance.now() - requestStarted;
      const applied = answer.results.filter((result) => result.status === 'applied').length;
      if (applied !== mutations.length) throw new Error(`the second client's push: ${applied} of ${mutations.length} applied`);
    }
    const serverPushPerSec = incrementalCount / (otherPushMs / 1000);
    log(`  the second client's push of ${fmt(incrementalCount)} over plain HTTP (server side only): ${(otherPushMs / 1000).toFixed(2)} s = ${fmt(serverPushPerSec)} mutations/s`);
    const incrementalStarted = performance.now();
    const incremental = await call<SyncSummary>('sync.now');
    const incrementalMs = performance.now() - incrementalStarted;
    log(`incremental pull: ${fmt(incremental.pulled)} changes from another client in ${incrementalMs.toFixed(0)} ms`);

    // ---- baseline: upsertRows of the same log-entry rows, page by page, into a fresh encrypted store ----
    const baseline = openStoreDatabase({ path: join(dir, 'baseline', 'store.db'), cipher: { kind: 'sqlcipher', dataKey: randomBytes(32) } });
    // Beside it, for the first `breakdownRows` rows only: where the engine's time goes (server
    // answer, page validation, the engine's own page writer with and without an answered
    // mutation in the outbox, which turns on its per-row pending-mark lookups).
    const engineStores = [false, true].map((answeredMutation) => {
      const db = openStoreDatabase({ path: join(dir, `engine-${answeredMutation}`, 'store.db'), cipher: { kind: 'sqlcipher', dataKey: randomBytes(32) } });
      if (answeredMutation) {
        db.prepare("INSERT INTO outbox (seq, id, name, args, client_time, status, applied_seq) VALUES (1, ?, 'audit.local', '{}', ?, 'applied', 1)").run(uuidv7(), new Date().toISOString());
      }
      return { answeredMutation, db, ms: 0 };
    });
    const breakdown = { pages: 0, rows: 0, fetchMs: 0, parseMs: 0 };
    let baselineMs = 0;
    let baselineEntries = 0;
    let since = 0;
    for (;;) {
      const fetchStarted = performance.now();
      let raw: unknown;
      try {
        raw = await other.client.request({ path: '/sync/pull', query: { tenant: credentials.tenantId, since, limit: pageSize, schemaVersion: SYNC_SCHEMA_VERSION }, token: other.token, schema: z.unknown() });
      } catch (error) {
        // The server's per-IP and per-user request limits: this loop is untimed, wait and go on.
        if (!(error instanceof PlantdeskError && error.code === 'rate_limited')) throw error;
        const seconds = Number((error.details as { retryAfter?: unknown } | undefined)?.retryAfter ?? 5);
        log(`  (baseline paused ${seconds} s by the server's rate limit)`);
        await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
        continue;
      }
      const parseStarted = performance.now();
      const page = parsePullPage(raw, since);
      if (breakdown.rows < breakdownRows) {
        breakdown.pages += 1;
        breakdown.rows += page.changes.length;
        breakdown.fetchMs += parseStarted - fetchStarted;
        breakdown.parseMs += performance.now() - parseStarted;
        for (const store of breakdown.pages % 2 ? engineStores : [...engineStores].reverse()) {
          const applyStarted = performance.now();
          applyPullPage(store.db, page, new Date());
          store.ms += performance.now() - applyStarted;
        }
      }
      const rows = page.changes
        .filter((change) => change.seq <= initial.cursor && change.entity === 'log_entry' && change.op === 'upsert')
        .map((change): WritableRow<'log_entry'> => ({ ...(change.row as WritableRow<'log_entry'>), pending_mutation_id: null }));
      const insertStarted = performance.now();
      baseline.transaction(() => upsertRows(baseline, 'log_entry', rows))();
      baselineMs += performance.now() - insertStarted;
      baselineEntries += rows.length;
      since = page.cursor;
      if (!page.hasMore || since >= initial.cursor) break;
    }
    baseline.close();
    for (const store of engineStores) store.db.close();
    const perSec = (ms: number) => fmt(breakdown.rows / (ms / 1000));
    log(`where the time goes, over the first ${fmt(breakdown.rows)} rows (${breakdown.pages} pages):`);
    log(`  server answer (request to parsed JSON): ${perSec(breakdown.fetchMs)} rows/s; page validation (zod): ${perSec(breakdown.parseMs)} rows/s`);
    log(`  engine page writer (applyPullPage), empty outbox: ${perSec(engineStores[0].ms)} rows/s; with one answered mutation in the outbox (as after sign-in): ${perSec(engineStores[1].ms)} rows/s`);
    const baselineRowsPerSec = baselineEntries / (baselineMs / 1000);
    const entriesShare = baselineEntries / initial.pulled;
    log(`baseline: upsertRows of the same ${fmt(baselineEntries)} log-entry rows into a fresh SQLCipher store, page by page: ${fmt(baselineRowsPerSec)} rows/s`);
    log(`  (log entries are ${(entriesShare * 100).toFixed(1)}% of the rows the initial sync applied; the rest are shift logs, amendments, comments, sign-offs, handovers, audit events, the plant)`);

    const rawRatio = syncRowsPerSec / baselineRowsPerSec;
    const powerSyncRatio = syncRowsPerSec / powerSyncRowsPerSec;
    log(`initial sync / raw encrypted insert = ${rawRatio.toFixed(3)} (goal >= 0.3); / PowerSync's 27,600 rows/s = ${powerSyncRatio.toFixed(2)}x (goal >= 5)`);

    return makeReport(
      'sync',
      size,
      {
        initialSyncRows: initial.pulled,
        initialSyncSeconds: round(syncSeconds, 2),
        initialSyncRowsPerSec: Math.round(syncRowsPerSec),
        initialSyncEntriesPerSec: Math.round(baselineEntries / syncSeconds),
        rawEncryptedInsertRowsPerSec: Math.round(baselineRowsPerSec),
        rssBeforeSyncMB: round(mb(rssBeforeSync), 1),
        peakRssMB: round(mb(peakRss), 1),
        maxEventLoopDelayMs: round(maxLoopDelayMs, 1),
        eventLoopStallsOver30Ms: stallList.length,
        routerThreadCpuWaitMsDuringSync: round(runQueueDuringSync, 1),
        clientCpuSecondsDuringSync: round(clientCpuSeconds, 1),
        serverCpuSecondsDuringSync: round(serverCpuSeconds, 1),
        coreCallP99MsDuringSync: round(percentile(probeLatencies, 99), 1),
        coreCallMaxMsDuringSync: round(Math.max(...probeLatencies), 1),
        pushMutations: pushed.applied,
        pushSeconds: round(pushSeconds, 2),
        pushMutationsPerSec: Math.round(pushPerSec),
        pushSyncNowSeconds: round(pushSyncSeconds, 2),
        serverOnlyPushMutationsPerSec: Math.round(serverPushPerSec),
        incrementalChanges: incremental.pulled,
        incrementalPullMs: round(incrementalMs, 1),
        breakdownServerAnswerRowsPerSec: Math.round(breakdown.rows / (breakdown.fetchMs / 1000)),
        breakdownValidationRowsPerSec: Math.round(breakdown.rows / (breakdown.parseMs / 1000)),
        breakdownEngineWriterRowsPerSec: Math.round(breakdown.rows / (engineStores[0].ms / 1000)),
        breakdownEngineWriterAnsweredOutboxRowsPerSec: Math.round(breakdown.rows / (engineStores[1].ms / 1000)),
      },
      {
        initialSyncVsRawInsert: goal(rawRatio, 0.3, 'atLeast'),
        initialSyncVsPowerSync: goal(powerSyncRatio, 5, 'atLeast'),
        peakRssMB: goal(mb(peakRss), 400, 'atMost'),
        maxEventLoopDelayMs: goal(maxLoopDelayMs, 50, 'atMost'),
        pushMutationsPerSec: goal(pushPerSec, 2_000, 'atLeast'),
      },
    );
  } finally {
    other?.client.close();
    await core?.close().catch((error: unknown) => log(`  closing the core failed: ${String(error)}`));
    await server?.stop();
    cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
