import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportToFile } from '../../../../../main/core/exports/engine/export-to-file';
import { entryColumns, manyEntries, type Entry } from '../fixtures';

/**
 * A sanity check of bounded memory, without timing: live memory (JS heap plus Buffers, after
 * a full GC) during an export of 200,000 rows (some 70 to 100 MB of output) stays far below
 * the size of the output. A writer that kept its output, or read rows ahead without bound,
 * would hold tens of MB more. The real numbers (peak RSS per format) are in the bench.
 */
const ROWS = 200_000;
const BOUND_BYTES = 16 * 2 ** 20;
const SAMPLE_EVERY_ROWS = 10_000;

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function liveBytes(): number {
  collectGarbage();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

/** Rows of about 500 bytes of text each. */
function* wideEntries(count: number): Generator<Entry> {
  for (const entry of manyEntries(count)) yield { ...entry, body: `${entry.body} | ${entry.body} | ${entry.body} | ${entry.body}` };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'plantdesk-export-mem-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('memory during an export', () => {
  it.each(['csv', 'jsonl', 'xlsx'] as const)('%s: live memory grows by less than 16 MB over 200,000 rows', async (format) => {
    const before = liveBytes();
    let peak = before;
    let nextSampleAt = 0;
    let samples = 0;
    const result = await exportToFile(
      { columns: entryColumns, rows: wideEntries(ROWS), rowsTotal: ROWS },
      {
        format,
        path: join(dir, `big.${format}`),
        progressIntervalMs: 50,
        onProgress: ({ rowsDone }) => {
          // A full GC per sample: at most one per 10,000 rows (20 in all), so that a slow
          // machine, where a GC takes longer than the progress interval, is not all GC.
          if (rowsDone < nextSampleAt) return;
          nextSampleAt = rowsDone + SAMPLE_EVERY_ROWS;
          peak = Math.max(peak, liveBytes());
          samples += 1;
        },
      },
    );
    expect(result.rows).toBe(ROWS);
    expect(samples).toBeGreaterThanOrEqual(5);
    // The output is several times the bound, so keeping it would fail this test.
    if (format !== 'xlsx') expect(result.bytes).toBeGreaterThan(2 * BOUND_BYTES);
    expect(peak - before).toBeLessThan(BOUND_BYTES);
    rmSync(join(dir, `big.${format}`));
  });
});
