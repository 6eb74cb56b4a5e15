import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// What the bundles are compiled for: the Node and Chromium inside the Electron that package.json
// pins (Electron 45: Node 24.21.0, Chromium 155). electron-vite picks these from its own table,
// which in 6.0.0 stops at Electron 44 and would fall back to 44's Node 24.18 and Chromium 152.
// tests/unit/electron/build-targets.test.ts fails when the Electron major moves without them.
export const electronTargets = { electron: 45, node: 'node24.21', chrome: 'chrome155' } as const;

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      target: electronTargets.node,
      rolldownOptions: {
        input: {
          index: resolve(import.meta.dirname, 'main/electron/main.ts'),
          // The core runs in its own worker thread (ARCHITECTURE.md): its own entry file.
          'core-worker': resolve(import.meta.dirname, 'main/core/host/worker.ts'),
          // Keychain calls run in a killable utilityProcess (the RunAsNode fuse is off).
          'keychain-helper': resolve(import.meta.dirname, 'main/electron/keychain-helper.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      target: electronTargets.node,
      // A sandboxed preload cannot require() anything but electron: bundle everything, as CommonJS.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'renderer'),
    base: './',
    plugins: [react()],
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      target: electronTargets.chrome,
      // No inline modulepreload polyfill: the CSP allows no inline script.
      modulePreload: { polyfill: false },
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'renderer/index.html') },
      },
    },
  },
});
