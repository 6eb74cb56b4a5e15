import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../main/core/core';
import { startCoreWorker } from '../../../main/core/host/client';
import { formatCoreEnd, type CoreEnd } from '../../../main/core/host/core-end';
import { PlantdeskError } from '../../../shared/errors';

// The core runs in a real worker thread here, exactly as in the app; only the entry is the
// TypeScript source, loaded through tsx instead of the electron-vite build.
const coreWorkerEntry = new URL('../../support/core-worker-entry.mjs', import.meta.url);

describe('the core on its own worker thread', () => {
  let profileDir: string;
  let core: Core;

  beforeAll(async () => {
    profileDir = mkdtempSync(path.join(tmpdir(), 'plantdesk-worker-'));
    core = await startCoreWorker({
      workerUrl: coreWorkerEntry,
      core: { profileDir, appVersion: '9.9.9-test' },
    });
  });

  afterAll(async () => {
    await core?.close();
    rmSync(profileDir, { recursive: true, force: true });
  });

  it('answers app.info from the worker, saying where it runs', async () => {
    const info = (await core.call('app.info', {})) as { version: string; coreHost: string };
    expect(info).toMatchObject({ version: '9.9.9-test', coreHost: 'worker' });
  });

  it('turns a core error into a typed PlantdeskError on the calling side', async () => {
    const error = await core.call('nope.nothing' as never, {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PlantdeskError);
    expect((error as PlantdeskError).code).toBe('unknown_channel');
  });

  it('refuses calls with core_unavailable once closed, and a close is not reported as a crash', async () => {
    const ends: CoreEnd[] = [];
    const second = await startCoreWorker({
      workerUrl: coreWorkerEntry,
      core: { profileDir, appVersion: '1.0.0' },
      onUnexpectedEnd: (end) => ends.push(end),
    });
    await second.close();
    const error = await second.call('app.info', {}).catch((caught: unknown) => caught);
    expect((error as PlantdeskError).code).toBe('core_unavailable');
    expect(ends).toEqual([]);
  });
});

describe('a core thread that dies', () => {
  it('says why, once, by kind, code and place, without the error message that may quote data', async () => {
    const ends: CoreEnd[] = [];
    const core = await startCoreWorker({
      workerUrl: new URL('../../support/crashing-core-entry.mjs', import.meta.url),
      core: { profileDir: tmpdir(), appVersion: 'test' },
      onUnexpectedEnd: (end) => ends.push(end),
    });
    const pending = await core.call('app.info', {}).catch((caught: unknown) => caught);
    expect(pending).toBeInstanceOf(PlantdeskError);
    expect((pending as PlantdeskError).toBody()).toMatchObject({ code: 'core_unavailable', details: { ended: 'Error', code: 'SQLITE_CORRUPT' } });
    await expect.poll(() => ends.length).toBe(1);
    const [end] = ends;
    expect(end).toMatchObject({ kind: 'error', name: 'Error', code: 'SQLITE_CORRUPT' });
    expect(end.kind === 'error' && end.frames[0]).toMatch(/^at .*crashing-core-entry\.mjs:\d+:\d+/);
    expect(formatCoreEnd(end)).toMatch(/^core thread ended on Error \(SQLITE_CORRUPT\)\n {2}at .*crashing-core-entry/);
    const recorded = JSON.stringify(end) + formatCoreEnd(end) + JSON.stringify((pending as PlantdeskError).toBody());
    expect(recorded).not.toMatch(/valve|badge|4471/);
    const later = await core.call('app.info', {}).catch((caught: unknown) => caught);
    expect((later as PlantdeskError).code).toBe('core_unavailable');
    expect(ends).toHaveLength(1);
  });

  it('says why it could not start, once, in the same terms', async () => {
    const ends: CoreEnd[] = [];
    const failed = await startCoreWorker({
      workerUrl: new URL('../../support/failing-core-entry.mjs', import.meta.url),
      core: { profileDir: tmpdir(), appVersion: 'test' },
      onUnexpectedEnd: (end) => ends.push(end),
    }).catch((caught: unknown) => caught);
    expect(failed).toBeInstanceOf(PlantdeskError);
    expect((failed as PlantdeskError).toBody()).toMatchObject({ code: 'core_unavailable', details: { ended: 'Error', code: 'ERR_DLOPEN_FAILED' } });
    // The exit that follows the error is not a second report.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatchObject({ kind: 'error', name: 'Error', code: 'ERR_DLOPEN_FAILED' });
    expect(JSON.stringify(ends) + JSON.stringify((failed as PlantdeskError).toBody())).not.toMatch(/someone|secret-profile/);
  });
});
