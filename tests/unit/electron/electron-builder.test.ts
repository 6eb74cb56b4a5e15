import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const config = parse(readFileSync(new URL('../../../electron-builder.yml', import.meta.url), 'utf8'));

describe('electron-builder.yml', () => {
  it('names the app', () => {
    expect(config.appId).toBe('com.plantdesk.desktop');
    expect(config.productName).toBe('Plantdesk');
  });

  it('flips the security fuses of packaged builds', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('packs the app in asar with the native modules unpacked', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining(['**/node_modules/better-sqlite3-multiple-ciphers/**', '**/*.node']),
    );
  });

  it('builds AppImage and deb on Linux, nsis on Windows, dmg on macOS', () => {
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
  });

  it('ships only the build output, never tests or sources', () => {
    expect(config.files).toContain('out/**');
    expect(config.files.some((pattern: string) => /^(tests|server|main|renderer)\b/.test(pattern))).toBe(false);
  });
});
