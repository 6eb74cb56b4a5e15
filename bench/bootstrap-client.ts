import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clientOnlyBootstrap, encryptedTarget, plainTarget, readEveryPageSeconds, serveRecording } from './bootstrap-parts';
import { log } from './lib';

/**
 * One client-only first sync from a recorded snapshot answer, for working on the client's
 * bootstrap without a server: `PLANTDESK_BENCH_KEEP_RECORDING=/tmp/snap.bin npm run bench -- sync`
 * keeps a recording, then `npx tsx bench/bootstrap-client.ts /tmp/snap.bin [plain]` builds it
 * into a fresh cache and prints each phase's start and the process's peak RSS in each phase.
 * `--link-mbit N` serves the recording no faster than such a link (a download slower than the
 * loader, as over a real network); `--search-on-loader` builds the full-text index from the
 * finished tables on the loader's thread, as before it was built beside the load.
 * Not one of the benches' goals: those are measured in the same run by sync.bench.ts.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const at = args.indexOf(name);
    return at === -1 ? null : args.splice(at, 2)[1];
  };
  // A link this fast in Mbit/s, for a download slower than the loader, as over a real network.
  const linkMbit = Number(flag('--link-mbit') ?? 0);
  // The full-text index from the finished tables on the loader's thread, as before it was built beside the load.
  const searchOnLoader = args.includes('--search-on-loader');
  const [recording, mode] = args.filter((arg) => arg !== '--search-on-loader');
  if (!recording || (linkMbit !== 0 && !(linkMbit > 0))) {
    log('usage: npx tsx bench/bootstrap-client.ts [--link-mbit N] [--search-on-loader] RECORDING [plain]');
    process.exit(2);
  }
  const dir = mkdtempSync(join(tmpdir(), 'plantdesk-bootstrap-client-'));
  const served = await serveRecording(recording, { bytesPerSecond: linkMbit ? (linkMbit * 1e6) / 8 : undefined });
  const target = mode === 'plain' ? plainTarget(dir) : encryptedTarget(dir);
  let phase = 'start';
  const peaks = new Map<string, { rss: number; usage: NodeJS.MemoryUsage }>();
  const sample = () => {
    const rss = process.memoryUsage.rss();
    if (rss > (peaks.get(phase)?.rss ?? 0)) peaks.set(phase, { rss, usage: process.memoryUsage() });
  };
  const timer = setInterval(sample, 20);
  if (process.env.TARGET_CACHE) target.db.pragma(`cache_size = -${process.env.TARGET_CACHE}`);
  const rssBefore = process.memoryUsage.rss();
  try {
    // The index phase by index, to tell which one holds the most memory.
    const run = await clientOnlyBootstrap(
      served.url,
      target,
      (progress) => {
        const next = progress.phase === 'index' ? `index ${progress.done + 1}` : progress.phase;
        if (next === phase) return;
        sample();
        phase = next;
      },
      { searchIndexBeside: !searchOnLoader },
    );
    sample();
    const phases = Object.entries(run.phases).map(([name, at]) => `${name} at ${at!.toFixed(1)} s`).join(', ');
    const setting = `${linkMbit ? `, a ${linkMbit} Mbit/s link` : ''}${searchOnLoader ? ', the full-text index from the tables on the loader' : ''}`;
    log(`${mode === 'plain' ? 'plain' : 'encrypted'}${setting}: ${run.rows.toLocaleString('en')} rows in ${run.seconds.toFixed(1)} s (${phases})`);
    const read = readEveryPageSeconds(target);
    log(`every page of the finished cache read once: ${read.pages.toLocaleString('en')} pages in ${read.seconds.toFixed(2)} s`);
    const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
    log(`RSS before ${mb(rssBefore)} MB; peak per phase (this thread's JS heap, its buffers):`);
    for (const [name, { rss, usage }] of peaks) log(`  ${name}: ${mb(rss)} MB (heap ${mb(usage.heapUsed)} of ${mb(usage.heapTotal)} MB, buffers ${mb(usage.arrayBuffers)} MB)`);
  } finally {
    clearInterval(timer);
    if ('lock' in target) target.lock();
    else target.close();
    await served.close();
    if (process.env.KEEP) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
  log(`(${performance.now().toFixed(0)} ms in all)`);
}

await main();
