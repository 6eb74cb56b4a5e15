import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test as base } from '@playwright/test';
import { createWorkstationCore } from '../../main/core/workstation';
import { startTestBridge, type TestBridge } from '../support/bridge/server';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const builtRenderer = path.join(repoRoot, 'out/renderer');
export const screenshotDir = path.join(repoRoot, 'test-results/e2e/screenshots');

/** Each test gets its own profile, core and bridge, and a page with window.plantdesk installed. */
export const test = base.extend<{ bridge: TestBridge }>({
  bridge: async ({ page }, use) => {
    const profileDir = mkdtempSync(path.join(tmpdir(), 'plantdesk-e2e-'));
    const core = createWorkstationCore({ profileDir, appVersion: '0.1.0-e2e' });
    const bridge = await startTestBridge({ core, rendererDir: builtRenderer });
    await page.addInitScript({ content: bridge.initScript });
    await use(bridge);
    await bridge.close();
    await core.close();
    rmSync(profileDir, { recursive: true, force: true });
  },
});

export { expect } from '@playwright/test';
