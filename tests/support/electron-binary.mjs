// Where the Electron binary is, or why it is not: the packaged-shell suite needs the real thing.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export function electronBinary() {
  try {
    const binary = createRequire(import.meta.url)('electron');
    if (typeof binary === 'string' && existsSync(binary)) return { path: binary, reason: '' };
    return { path: null, reason: `Electron binary missing at ${binary}` };
  } catch (error) {
    return { path: null, reason: `Electron binary not installed (${error.message.split(',')[0]})` };
  }
}
