import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../main/core/core';
import { startCoreWorker } from '../../../main/core/host/client';
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

  it('refuses calls with core_unavailable once closed', async () => {
    const second = await startCoreWorker({
      workerUrl: coreWorkerEntry,
      core: { profileDir, appVersion: '1.0.0' },
    });
    await second.close();
    const error = await second.call('app.info', {}).catch((caught: unknown) => caught);
    expect((error as PlantdeskError).code).toBe('core_unavailable');
  });
});
