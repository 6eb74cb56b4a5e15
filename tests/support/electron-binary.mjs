// Where the Electron binary is, or why it is not: the packaged-shell suite needs the real thing.
//
// Since Electron 42 the electron package has no install script: `require('electron')` itself
// downloads the binary from GitHub when it is missing, synchronously, and throws when that
// fails. Asking where the binary is must not start a download (on a network that drops the
// connection instead of refusing it, that would hang the test run), so this reads the same
// files electron's index.js reads (path.txt, dist/, ELECTRON_OVERRIDE_DIST_PATH) and never
// requires the package.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export function electronBinary() {
  let packageDir;
  try {
    packageDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch (error) {
    return { path: null, reason: `Electron is not installed (${error.message.split('\n')[0]})` };
  }
  let executable = '';
  try {
    executable = readFileSync(path.join(packageDir, 'path.txt'), 'utf8');
  } catch {
    // No path.txt: the binary was never downloaded.
  }
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const binary = path.join(override, executable || 'electron');
    return existsSync(binary) ? { path: binary, reason: '' } : { path: null, reason: `Electron binary missing at ${binary}` };
  }
  if (!executable) {
    return { path: null, reason: 'Electron binary not installed (`npx install-electron --no` downloads it)' };
  }
  const binary = path.join(packageDir, 'dist', executable);
  return existsSync(binary) ? { path: binary, reason: '' } : { path: null, reason: `Electron binary missing at ${binary}` };
}
