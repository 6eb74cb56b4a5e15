import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, protocol, session, shell, type WebContents } from 'electron';
import { PlantdeskError } from '../../shared/errors';
import type { Core } from '../core/core';
import { startCoreWorker } from '../core/host/client';
import { formatCoreEnd } from '../core/host/core-end';
import { APP_ENTRY_URL, APP_SCHEME } from './app-origin';
import { contentTypeFor, resolveAppAsset } from './app-protocol';
import { securityHeaders } from './csp';
import { openExternalSafely, openSignInPage } from './external-links';
import { forwardCoreEvents, registerContractHandlers } from './ipc-router';
import { utilityProcessKeychainRunner } from './keychain-utility';
import { secureWebPreferences } from './window-options';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererRoot = path.join(here, '../renderer');
const preloadPath = path.join(here, '../preload/index.cjs');

// Must run before app 'ready': app:// behaves like https (secure context, fetch, CSP).
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false } },
]);

if (!app.requestSingleInstanceLock()) app.quit();

let core: Core | null = null;
let mainWindow: BrowserWindow | null = null;

function serveRendererFiles(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppAsset(rendererRoot, request.url);
    if (!file) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, { headers: { 'Content-Type': contentTypeFor(file), ...securityHeaders() } });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}

/** Applies to every web contents the app ever creates, including ones we did not expect. */
function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    void openExternalSafely((target) => shell.openExternal(target), url);
    return { action: 'deny' };
  });
}

function denyAllPermissions(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.setDevicePermissionHandler(() => false);
}

function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1366,
    height: 768,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    title: 'Plantdesk',
    webPreferences: secureWebPreferences(preloadPath),
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_ENTRY_URL);
  return window;
}

app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

app.whenReady().then(async () => {
  denyAllPermissions();
  serveRendererFiles();
  core = await startCoreWorker({
    workerUrl: new URL('./core-worker.js', import.meta.url),
    keychainRunner: utilityProcessKeychainRunner(path.join(here, 'keychain-helper.js')),
    // The renderer never names a path: exports go where the person picks in this dialog.
    chooseExportPath: async (suggestion) => {
      const options = {
        defaultPath: path.join(app.getPath('documents'), suggestion.defaultName),
        filters: [{ name: suggestion.format.toUpperCase(), extensions: [suggestion.format] }],
      };
      const answer = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
      return answer.canceled || !answer.filePath ? null : answer.filePath;
    },
    // Only paths from the export history reach here (the core checks), never a renderer's choice.
    revealInFolder: (filePath) => shell.showItemInFolder(filePath),
    // Single sign-on in the system browser; the core hands only its provider's authorization page.
    openExternal: (url) => void openSignInPage((target) => shell.openExternal(target), url),
    // Kind, code and place only: the window then shows core_unavailable on its next call.
    onUnexpectedEnd: (end) => console.error(`Plantdesk: ${formatCoreEnd(end)}`),
    core: {
      profileDir: app.getPath('userData'),
      appVersion: app.getVersion(),
      electronVersion: process.versions.electron ?? null,
      profileUser: 'app',
    },
  });
  // The command line holds this profile: say who, rather than open a window that cannot work.
  const refusal = await core.call('app.info', {}).then(
    () => null,
    (error: unknown) => error,
  );
  if (refusal instanceof PlantdeskError && refusal.code === 'profile_in_use') {
    dialog.showErrorBox('Plantdesk', refusal.message);
    app.quit();
    return;
  }
  registerContractHandlers(ipcMain, core);
  forwardCoreEvents(core, (channel, event) => mainWindow?.webContents.send(channel, event));
  mainWindow = createMainWindow();
  mainWindow.on('closed', () => (mainWindow = null));
});

app.on('second-instance', () => {
  if (mainWindow?.isMinimized()) mainWindow.restore();
  mainWindow?.focus();
});

app.on('window-all-closed', () => {
  void core?.close().finally(() => app.quit());
});
