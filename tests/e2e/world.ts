import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test as base, type Page } from '@playwright/test';
import type { Core } from '../../main/core/core';
import { startCoreWorker } from '../../main/core/host/client';
import { formatCoreEnd } from '../../main/core/host/core-end';
import { startServer, type RunningServer } from '../../server/app';
import { createManualClock, type ManualClock } from '../../server/clock';
import type { Database } from '../../server/db/database';
import { openDatabase } from '../../server/db/open';
import type { DemoCredentials } from '../../server/demo/seed-demo';
import type { Channel, CallRequest, CallResponse } from '../../shared/contract';
import { startTestBridge, type TestBridge } from '../support/bridge/server';
import { freshCodes, testScrypt } from '../support/server';
import { builtRenderer, screenshotDir } from './fixtures';

/** The core's thread entry under plain Node (the app's is the electron-vite build of the same file). */
const coreWorkerEntry = new URL('../support/core-worker-entry.mjs', import.meta.url);

/**
 * The world of an end-to-end test against the real server: the reference server on 127.0.0.1
 * with the seeded demo tenant (Northfield Plant: admin, contributor, viewer, a plant and
 * generated shift logs) on PGlite, the real core with its own profile behind the test bridge,
 * and the built renderer in Chromium. The server can be stopped and restarted on the same
 * port with the same database and keys, as a real outage would.
 *
 * Time: the server runs on a manual clock set to the present; `freshCode` moves it one TOTP
 * step when a code of the current step was already used, so repeated sign-ins never wait.
 */
export type DemoRole = 'admin' | 'contributor' | 'viewer';

export interface World {
  url: string;
  clock: ManualClock;
  db: Database;
  credentials: DemoCredentials;
  core: Core;
  bridge: TestBridge;
  profileDir: string;
  /** Where the export save dialog (a seam here) answers; each start gets the next name. */
  exportsDir: string;
  /** Paths the app asked the shell to show in the file manager. */
  revealed: string[];
  /** Addresses the core asked the system browser to open (single sign-on). */
  opened: string[];
  /**
   * The system browser's stand-in: by default each address the core opens goes to a new page of
   * the test's browser context (a real Chromium tab the provider's pages run in). A test may
   * replace it, e.g. by one that only records, for a person who never finishes in the browser.
   */
  setExternalBrowser(open: (url: string) => Promise<void>): void;
  /** The pages the default stand-in opened, oldest first. */
  browserPages: Page[];
  user(role: DemoRole): { email: string; password: string; totpSecret: string };
  /** A code for the role that the server has not seen used yet. */
  freshCode(role: DemoRole): Promise<string>;
  /** Signs in through the core directly (not the UI), for tests about what comes after. */
  signInCore(role: DemoRole): Promise<void>;
  call<C extends Channel>(channel: C, request: CallRequest<C>): Promise<CallResponse<C>>;
  stopServer(): Promise<void>;
  startServerAgain(): Promise<void>;
  /** Opens the app in the page (the bridge's window.plantdesk is installed). */
  open(page: Page, hash?: string): Promise<void>;
  screenshot(page: Page, name: string): Promise<void>;
}

/** Entries the demo generator writes; small enough to seed in a few seconds per test. */
const demoEntries = 400;

export const test = base.extend<{ world: World; worldOptions: { demoEntries: number; autoSync: boolean } }>({
  worldOptions: [{ demoEntries, autoSync: true }, { option: true }],
  world: async ({ page, worldOptions }, use) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'plantdesk-e2e-server-'));
    const profileDir = mkdtempSync(path.join(tmpdir(), 'plantdesk-e2e-profile-'));
    const exportsDir = mkdtempSync(path.join(tmpdir(), 'plantdesk-e2e-exports-'));
    // One manual clock for the server and the core: the core runs on its own thread, and reads
    // the time from a shared buffer that every move of this clock writes.
    const clock = createManualClock(new Date());
    const clockBuffer = new SharedArrayBuffer(8);
    const coreClock = new Float64Array(clockBuffer);
    const publish = () => void (coreClock[0] = clock.now().getTime());
    const { advance, set } = clock;
    clock.advance = (milliseconds) => (advance(milliseconds), publish());
    clock.set = (to) => (set(to), publish());
    publish();
    const db = await openDatabase({ kind: 'pglite' });
    const serverOptions = {
      host: '127.0.0.1',
      db,
      dataDir,
      clock,
      scrypt: testScrypt,
      logger: false as const,
      demo: { entries: worldOptions.demoEntries },
    };
    let server: RunningServer | null = await startServer({ ...serverOptions, port: 0 });
    const port = server.port;
    const url = server.url;
    const credentials = server.demo!;

    let exportCount = 0;
    const revealed: string[] = [];
    const opened: string[] = [];
    const browserPages: Page[] = [];
    let externalBrowser = async (url: string) => {
      const tab = await page.context().newPage();
      browserPages.push(tab);
      await tab.goto(url);
    };
    // The production composition on its worker thread, through the same host client as the
    // app; only the named seams differ (clock, KDF cost, the save dialog and file manager).
    const core = await startCoreWorker({
      workerUrl: coreWorkerEntry,
      core: { profileDir, appVersion: '0.1.0-e2e', deviceName: 'E2E workstation' },
      chooseExportPath: async (suggestion) => path.join(exportsDir, `${++exportCount}-${suggestion.defaultName}`),
      revealInFolder: (file) => void revealed.push(file),
      openExternal: (url) => {
        opened.push(url);
        // A failure here is the browser's, not the app's: the sign-in then times out or is cancelled, as in life.
        externalBrowser(url).catch((error: unknown) => console.warn('the stand-in browser failed to open', url, error));
      },
      onUnexpectedEnd: (end) => console.error(`the core thread ended under the test: ${formatCoreEnd(end)}`),
      testSeams: { clock: clockBuffer, kdf: { name: 'scrypt', N: 2 ** 14, r: 8, p: 1 }, manualSync: !worldOptions.autoSync },
    });
    const bridge = await startTestBridge({ core, rendererDir: builtRenderer });
    await page.addInitScript({ content: bridge.initScript });

    const user = (role: DemoRole) => {
      const found = credentials.users.find((candidate) => candidate.role === role);
      if (!found) throw new Error(`the demo has no ${role}`);
      return found;
    };
    const codeFor = freshCodes(clock);
    const freshCode = (role: DemoRole) => codeFor(role, user(role).totpSecret);
    const call = async <C extends Channel>(channel: C, request: CallRequest<C>) => (await core.call(channel, request)) as CallResponse<C>;

    const world: World = {
      url,
      clock,
      db,
      credentials,
      core,
      bridge,
      profileDir,
      exportsDir,
      revealed,
      opened,
      browserPages,
      setExternalBrowser(open) {
        externalBrowser = open;
      },
      user,
      freshCode,
      call,
      async signInCore(role) {
        const { email, password } = user(role);
        await call('auth.signIn', { server: url, email, password, totpCode: await freshCode(role) });
      },
      async stopServer() {
        await server?.close();
        server = null;
      },
      async startServerAgain() {
        if (server) return;
        server = await startServer({ ...serverOptions, port });
      },
      async open(page, hash = '') {
        await page.goto(`${bridge.url}/${hash}`);
      },
      async screenshot(page, name) {
        await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
      },
    };

    await use(world);

    await bridge.close();
    await core.close();
    await server?.close();
    await db.close();
    for (const dir of [dataDir, profileDir, exportsDir]) rmSync(dir, { recursive: true, force: true });
  },
});

export { expect } from '@playwright/test';
