import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { expectedApiKeys } from '../../shared/api-shape';
import { channels } from '../../shared/contract';

// The packaged shell itself: these need the real Electron binary and run where it is installed.
const repoRoot = path.resolve(import.meta.dirname, '../..');
let app: ElectronApplication;
let appWindow: Page;
let home: string;

test.beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'plantdesk-electron-'));
  app = await electron.launch({
    args: [path.join(repoRoot, 'out/main/index.js')],
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') },
  });
  appWindow = await app.firstWindow();
  await appWindow.waitForLoadState('domcontentloaded');
});

test.afterAll(async () => {
  await app?.close();
  rmSync(home, { recursive: true, force: true });
});

test('the window is served from app://plantdesk, not file://', async () => {
  expect(appWindow.url()).toMatch(/^app:\/\/plantdesk\//);
});

test('webPreferences follow the security checklist', async () => {
  const prefs = await app.evaluate(({ BrowserWindow }) => {
    // getLastWebPreferences is Electron's own (untyped) accessor, used by its security specs.
    const contents = BrowserWindow.getAllWindows()[0].webContents as unknown as {
      getLastWebPreferences(): Record<string, unknown> | null;
    };
    const p = contents.getLastWebPreferences();
    return p && { contextIsolation: p.contextIsolation, sandbox: p.sandbox, nodeIntegration: p.nodeIntegration, webSecurity: p.webSecurity, webviewTag: p.webviewTag };
  });
  expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
});

test('the page has no Node: require and process are absent', async () => {
  expect(await appWindow.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
  expect(await appWindow.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
});

test('Object.keys(window.plantdesk) equals the contract', async () => {
  const keys = await appWindow.evaluate(() => Object.keys(window.plantdesk as object).sort());
  expect(keys).toEqual([...Object.keys(expectedApiKeys(channels)), 'onEvent'].sort());
});

test('app.info answers through IPC from the core worker', async () => {
  const result = await appWindow.evaluate(() => window.plantdesk!.app.info());
  expect(result).toMatchObject({ ok: true, value: { coreHost: 'worker', electronVersion: expect.any(String) } });
});

test('the CSP blocks an injected inline script', async () => {
  const executed = await appWindow.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true';
    document.body.append(script);
    return (window as unknown as { __injected?: boolean }).__injected === true;
  });
  expect(executed).toBe(false);
});

test('window.open is denied', async () => {
  const opened = await appWindow.evaluate(() => window.open('https://example.com/') === null);
  expect(opened).toBe(true);
  expect(app.windows()).toHaveLength(1);
});

test('navigation away from the app is denied', async () => {
  const before = appWindow.url();
  await appWindow.evaluate(() => {
    window.location.href = 'https://evil.example/';
  });
  await appWindow.waitForTimeout(500);
  expect(appWindow.url()).toBe(before);
});
