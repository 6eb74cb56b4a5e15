import { defineConfig } from '@playwright/test';

// Runs only where the Electron binary is installed (scripts/test-all.mjs decides and says so).
export default defineConfig({
  testDir: '.',
  testMatch: '**/*.electron.ts',
  outputDir: '../../test-results/electron/artifacts',
  workers: 1,
  timeout: 60_000,
  reporter: [['list'], ['json', { outputFile: '../../test-results/electron/report.json' }]],
});
