import { defineConfig } from '@playwright/test';
import { chromiumArgs, chromiumExecutable } from '../support/browser';

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.e2e.ts',
  outputDir: '../../test-results/e2e/artifacts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [['list'], ['json', { outputFile: '../../test-results/e2e/report.json' }]],
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: chromiumExecutable, args: chromiumArgs },
    viewport: { width: 1366, height: 768 },
    trace: 'retain-on-failure',
  },
});
