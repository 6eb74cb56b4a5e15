import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstRecordedRow, runPowerSyncAnchor, writeSampleRecording } from '../../../bench/powersync-anchor';

// The anchor runs PowerSync's real client on a small recording. It must never report a rate for
// rows PowerSync did not apply: a stream cut short or a recording short of its header both fail.
const rows = 2_000;
let dir: string;
let recording: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'powersync-anchor-test-'));
  recording = path.join(dir, 'recording.jsonl');
  await writeSampleRecording(recording, rows);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the PowerSync first-sync anchor', () => {
  it("applies every recorded row through PowerSync's client and keeps their values", async () => {
    const first = await firstRecordedRow(recording);
    const result = await runPowerSyncAnchor({ recording, dir: path.join(dir, 'ok'), probeId: String(first.id), timeoutMs: 15_000 });
    expect(result.rows).toBe(rows);
    expect(result.probe).toEqual(first);
    expect(result.peakRssMB).toBeGreaterThan(0);
  });

  it('applies them from a gzipped stream too, as the service sends to this client', async () => {
    const result = await runPowerSyncAnchor({ recording, dir: path.join(dir, 'gzip'), gzip: true, timeoutMs: 15_000 });
    expect(result.rows).toBe(rows);
  });

  it('fails when the server cuts the stream before checkpoint_complete', async () => {
    await expect(runPowerSyncAnchor({ recording, dir: path.join(dir, 'cut'), cutAfterLines: 1, timeoutMs: 15_000 })).rejects.toThrow(
      /before the first sync completed/,
    );
  });

  it('fails when the recording holds fewer rows than its header announces', async () => {
    const lines = (await readFile(recording, 'utf8')).trimEnd().split('\n');
    const short = path.join(dir, 'short.jsonl');
    await writeFile(short, `${lines.slice(0, -1).join('\n')}\n`);
    await expect(runPowerSyncAnchor({ recording: short, dir: path.join(dir, 'short') })).rejects.toThrow(/announces 2000 rows but holds 1000/);
  });
});
