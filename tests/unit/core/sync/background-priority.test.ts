import { readlinkSync } from 'node:fs';
import { getPriority } from 'node:os';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { lowerCoreThreadPriority } from '../../../../main/core/sync/background-priority';

/**
 * The core's thread syncs at background priority so the thread routing the windows' calls gets
 * a CPU first on a busy machine; the routing (main) thread itself is never lowered.
 */
const threadId = () => Number(readlinkSync('/proc/thread-self').split('/').pop());

// Lowers the worker's own thread, then reports its nice value and the process's main thread's.
const workerSource = `
  const { parentPort, workerData } = require('node:worker_threads');
  const { readlinkSync } = require('node:fs');
  const { getPriority } = require('node:os');
  (async () => {
    const { tsImport } = await import('tsx/esm/api');
    const { lowerCoreThreadPriority } = await tsImport(workerData.module, workerData.from);
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    const before = getPriority(tid);
    const reported = lowerCoreThreadPriority();
    const again = lowerCoreThreadPriority();
    parentPort.postMessage({ before, reported, after: getPriority(tid), again });
  })();
`;

describe.skipIf(process.platform !== 'linux')('core thread priority during sync', () => {
  it('lowers the worker thread that syncs by 10 nice steps, once, and leaves the main thread as it was', async () => {
    const mainBefore = getPriority(threadId());
    const worker = new Worker(workerSource, {
      eval: true,
      workerData: { module: '../../../../main/core/sync/background-priority.ts', from: import.meta.url },
    });
    const report = await new Promise<{ before: number; reported: number | null; after: number; again: number | null }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(report.after).toBe(Math.min(19, report.before + 10));
    expect(report.reported).toBe(report.after);
    expect(report.again).toBeNull();
    expect(getPriority(threadId())).toBe(mainBefore);
  });

  it('never lowers a main thread (the CLI and in-process cores sync there)', () => {
    const before = getPriority(threadId());
    expect(lowerCoreThreadPriority()).toBeNull();
    expect(getPriority(threadId())).toBe(before);
  });
});
