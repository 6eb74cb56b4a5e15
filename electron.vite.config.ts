import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
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
      // No inline modulepreload polyfill: the CSP allows no inline script.
      modulePreload: { polyfill: false },
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'renderer/index.html') },
      },
    },
  },
});
