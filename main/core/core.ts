import { EventEmitter } from 'node:events';
import os from 'node:os';
import { calls, type AppInfo, type Channel, type ContractEvent, type EventName, type EventPayload } from '../../shared/contract';
import { PlantdeskError } from '../../shared/errors';
import type { Entity } from '../../shared/permissions';
import { can, scopesFor } from '../../shared/rbac';
import { AdminCalls } from './admin/admin-calls';
import { auditCalls } from './calls/audit-calls';
import type { CallContext, CallHandlers } from './calls/call-context';
import { exportCalls } from './calls/export-calls';
import { peopleCalls } from './calls/people-calls';
import { settingsCalls } from './calls/settings-calls';
import { sessionCalls } from './calls/session-calls';
import { shiftLogCalls } from './calls/shift-log-calls';
import { syncCalls } from './calls/sync-calls';
import { ExportService, type ChooseExportPath } from './exports/service/export-service';
import { serverClientFactory } from './net/server-clients';
import { openProfile } from './session/open-profile';
import { createKeychainSecretStore } from './secrets/keychain';
import type { SecretOwner, SecretStore } from './secrets/secret-store';
import { IdleLock } from './session/idle-lock';
import { SessionManager } from './session/session-manager';
import { rowScopeFor } from './store/scope';
import type { Writer } from './sync/local-writes';
import { SyncScheduler, type AutoSyncSettings } from './sync/sync-scheduler';
import type { ScryptParams } from './vault/key-wrap';

export interface CoreOptions {
  /** The local data directory of this workstation profile. */
  profileDir: string;
  appVersion: string;
  /** Set when hosted by the Electron app; null under plain Node. */
  electronVersion?: string | null;
  coreHost?: AppInfo['coreHost'];
  /** Extra CA certificates (PEM) trusted for the server, beside the system store. */
  serverCa?: string;
  /** Shown to admins in the sessions list; defaults to the host name. */
  deviceName?: string;
  /** Minutes without activity before the cache locks, when the tenant sets none. */
  defaultIdleMinutes?: number;
  /** Changes per pull page at most (default 2,000); pages shrink when writing one runs long. */
  syncPageSize?: number;
  /** The longest a pull page's transaction should hold the store (default 150 ms). */
  syncPageTargetMs?: number;
  /** Off: a first sync pages through the change feed instead of downloading a snapshot (tests of pull). */
  syncBootstrap?: boolean;
  /** Sync by itself while unlocked (on unlock, every interval, after local writes). */
  autoSync?: AutoSyncSettings;
  /** Who holds the profile, named to a second process that is refused (default: app under Electron). */
  profileUser?: 'app' | 'cli';
}

/** What the host plugs in (keychain, save dialog) and tests may swap (clock, KDF cost). */
export interface CoreSeams {
  now?: () => Date;
  secretStoreFor?: (owner: SecretOwner) => SecretStore;
  kdf?: ScryptParams;
  /** Asks a person where to save an export (the app's save dialog; the CLI's --out). */
  chooseExportPath?: ChooseExportPath;
  /** Shows a file in the system file manager (the app's shell; absent under the CLI). */
  revealInFolder?: (path: string) => Promise<void>;
  /**
   * Opens a single sign-on page in the system browser (the app's shell.openExternal; the CLI's
   * system opener, or printing the address where there is no display). Never a window of the app.
   */
  openExternal?: (url: string) => Promise<void>;
  /** How long a single sign-on waits for the browser to come back (default 5 minutes). */
  ssoBrowserTimeoutMs?: number;
}

export type ContractEventListener = (event: ContractEvent) => void;

/**
 * The engine behind the contract. Transports hand it calls whose requests are already parsed
 * by the contract's schemas (shared/dispatch.ts); it checks the caller's permission from the
 * verified grant, then answers plain values or throws a PlantdeskError.
 */
export interface Core {
  call(channel: Channel, request: unknown): Promise<unknown>;
  onEvent(listener: ContractEventListener): () => void;
  close(): Promise<void>;
}

/**
 * Composes the core: the profile, the session, the idle lock, sync scheduling and the export
 * service, then the handlers of every contract call (one file per domain under calls/). Every
 * call passes one gate here: the idle and grant locks, the permission declared on its contract
 * entry, and whether it counts as activity (also declared there).
 */
export function createCore(options: CoreOptions, seams: CoreSeams = {}): Core {
  const emitter = new EventEmitter();
  const now = seams.now ?? (() => new Date());
  const profile = openProfile(options.profileDir, options.profileUser ?? (options.electronVersion ? 'app' : 'cli'));
  const clientFor = serverClientFactory({ ca: options.serverCa, appVersion: options.appVersion });
  let closed = false;

  function emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    emitter.emit('event', { name, payload } satisfies ContractEvent<E>);
  }

  const session = new SessionManager({
    profileDir: options.profileDir,
    now,
    deviceName: options.deviceName ?? os.hostname(),
    secretStoreFor: seams.secretStoreFor ?? ((owner) => createKeychainSecretStore(owner)),
    serverClientFor: (baseUrl) => clientFor(baseUrl),
    kdf: seams.kdf,
    openExternal: seams.openExternal ?? null,
    ssoBrowserTimeoutMs: seams.ssoBrowserTimeoutMs,
    onSsoWaiting: (waiting) => emit('sso.waiting', waiting),
    onChange: (status) => {
      emit('session.changed', status);
      if (status.state === 'unlocked') {
        sync.started();
      } else {
        // Locked or signed out: the cache is closed, so nothing may keep reading it.
        sync.stopped();
        exportService.cancelAll();
      }
    },
  });
  const idleLock = new IdleLock(session, now, options.defaultIdleMinutes ?? 15);
  const sync = new SyncScheduler({
    session,
    clientFor,
    now,
    autoSync: options.autoSync,
    pageSize: options.syncPageSize,
    pageTargetMs: options.syncPageTargetMs,
    bootstrap: options.syncBootstrap,
    // A first sync's finished store replaces the cache only once no export reads it.
    cacheReadsRunning: () => exportService.whenIdle(),
    onProgress: (progress) => emit('sync.progress', progress),
    onFinished: (result) => emit('sync.finished', result.ok ? { ok: true, summary: result.summary, error: null } : { ok: false, summary: null, error: result.error }),
  });

  function readScope(entity: Entity) {
    const { ability } = session.requireOpen();
    return rowScopeFor(scopesFor(ability, 'read', entity), { userId: ability.userId, areaIds: ability.areas });
  }
  const exportService = new ExportService({
    session: () => session.requireOpen(),
    readScope,
    now,
    chooseExportPath: seams.chooseExportPath ?? null,
    onProgress: (exportId, progress) =>
      emit('export.progress', { exportId, rowsDone: progress.rowsDone, rowsTotal: progress.rowsTotal ?? null, bytesWritten: progress.bytesWritten }),
  });

  const context: CallContext = {
    app: { version: options.appVersion, electronVersion: options.electronVersion ?? null, coreHost: options.coreHost ?? 'inline' },
    now,
    session,
    profile,
    idleLock,
    sync,
    exports: exportService,
    admin: new AdminCalls(session, clientFor),
    clientFor,
    revealInFolder: seams.revealInFolder ?? null,
    db: () => session.requireOpen().vault.db,
    readScope,
    writer: (): Writer => {
      const open = session.requireOpen();
      return { ability: open.ability, grantId: open.grant.grantId, now: now() };
    },
  };
  const handlers: CallHandlers<Channel> = {
    ...sessionCalls(context),
    ...shiftLogCalls(context),
    ...syncCalls(context),
    ...exportCalls(context),
    ...peopleCalls(context),
    ...settingsCalls(context),
    ...auditCalls(context),
  };

  return {
    async call(channel, request) {
      if (closed) throw new PlantdeskError('core_unavailable');
      const handler = handlers[channel] as ((request: unknown) => Promise<unknown>) | undefined;
      if (!handler) throw new PlantdeskError('unknown_channel');
      idleLock.enforce();
      const { permission, passive } = calls[channel];
      if (permission) {
        const open = session.requireOpen();
        if (!can(open.ability, permission.action, permission.entity)) throw new PlantdeskError('forbidden');
      }
      if (!passive) idleLock.noteActivity();
      return handler(request);
    },
    onEvent(listener) {
      emitter.on('event', listener);
      return () => emitter.off('event', listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      idleLock.stop();
      sync.close();
      exportService.cancelAll();
      await session.close();
      profile.close();
      emitter.removeAllListeners();
    },
  };
}
