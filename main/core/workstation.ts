import { createCore, type Core, type CoreOptions, type CoreSeams } from './core';

/**
 * The one way a workstation core is built: the app (on its worker thread), the command line and
 * the end-to-end tests all call this, so what ships is what is tested. Production defaults live
 * here; callers give only who and where they are, and tests change only the named seams.
 */
export const workstationDefaults = {
  // Sync on unlock, after each local write (debounced), on the server's head news (the
  // long-poll, which also notices offline and the server's return), and on this timer as a
  // backstop.
  autoSync: { intervalMs: 60_000, afterWriteMs: 1_000 },
} as const satisfies Partial<CoreOptions>;

/** Where and as whom the core runs; the rest is the production composition. */
export type WorkstationOptions = Omit<CoreOptions, 'autoSync'>;

/**
 * What a host plugs in and tests may swap: the clock, the KDF cost, the keychain, the save
 * dialog, file manager and browser opener, the single sign-on time limit; `manualSync` for the
 * one test that fills a cache behind the engine's back.
 */
export type WorkstationSeams = Pick<CoreSeams, 'now' | 'kdf' | 'secretStoreFor' | 'chooseExportPath' | 'revealInFolder' | 'openExternal' | 'ssoBrowserTimeoutMs'> & { manualSync?: boolean };

export function createWorkstationCore(options: WorkstationOptions, seams: WorkstationSeams = {}): Core {
  const { manualSync, ...coreSeams } = seams;
  return createCore({ ...options, autoSync: manualSync ? undefined : workstationDefaults.autoSync }, coreSeams);
}
