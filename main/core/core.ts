import { z } from 'zod';
import { EventEmitter } from 'node:events';
import os from 'node:os';
import { calls, type AppInfo, type CallResponse, type ParsedCallRequest, type Channel, type ContractEvent, type EventName, type EventPayload } from '../../shared/contract';
import { errorMessages, PlantdeskError } from '../../shared/errors';
import type { Entity } from '../../shared/permissions';
import { can, scopesFor } from '../../shared/rbac';
import { listAuditEvents } from './store/queries/audit';
import { verifyLocalAuditChain } from './store/queries/audit-chain';
import { listAreas } from './store/queries/areas';
import { entriesPerDay } from './store/queries/entry-stats';
import { listPendingOutbox } from './store/queries/outbox';
import { listUsers } from './store/queries/people';
import { withShiftOfEntries } from './store/queries/entry-shifts';
import { handoversOfShiftLog } from './store/queries/handovers';
import { getShiftLog, listLogEntries, listShiftLogs } from './store/queries/shift-logs';
import { rowScopeFor, type RowScope } from './store/scope';
import { discardConflict, listConflicts, openConflict, resolveSignOffConflict, retryConflict } from './sync/conflicts';
import type { SignoffMeaning } from '../../shared/domain/plant';
import { gatherSignatureEvidence } from './sync/sign-off';
import { onlineRequest } from './net/online-request';
import { acknowledgeHandover, amendLogEntry, changeShiftLogStatus, createComment, createLogEntry, signOffShiftLog, type Writer } from './sync/local-writes';
import { backoffDelayMs, syncOnce, type SyncSummary } from './sync/sync-engine';
import { HeadResponseSchema } from '../../shared/sync-protocol';
import { ServerClient } from './net/server-client';
import { secretPurposes } from './secrets/secret-store';
import { readSyncState } from './store/writes';
import { AdminCalls } from './admin/admin-calls';
import { ExportService, type ChooseExportPath } from './exports/export-service';
import { createKeychainSecretStore } from './secrets/keychain';
import type { SecretOwner, SecretStore } from './secrets/secret-store';
import { SessionManager } from './session/session-manager';
import { openProfile } from './profile/open-profile';
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
  /** Sync by itself while unlocked (on unlock, every interval, after local writes). */
  autoSync?: { intervalMs?: number; afterWriteMs?: number };
  /** Who holds the profile, named to a second process that is refused (default: app under Electron). */
  profileUser?: 'app' | 'cli';
}

/** While offline, how often the server is asked whether it is back. */
const OFFLINE_PROBE_MS = 2_000;

/** What the host plugs in (keychain, save dialog) and tests may swap (clock, KDF cost). */
export interface CoreSeams {
  now?: () => Date;
  secretStoreFor?: (owner: SecretOwner) => SecretStore;
  kdf?: ScryptParams;
  /** Asks a person where to save an export (the app's save dialog; the CLI's --out). */
  chooseExportPath?: ChooseExportPath;
  /** Shows a file in the system file manager (the app's shell; absent under the CLI). */
  revealInFolder?: (path: string) => Promise<void>;
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

type Handlers = { [C in Channel]: (request: ParsedCallRequest<C>) => Promise<CallResponse<C>> };

/**
 * Calls that do not count as a person being active: metadata, and the reads a window repeats by
 * itself (after every sync, on focus). Were they activity, syncs would keep an unattended
 * workstation open for ever; the renderer reports real input with session.activity.
 */
const passiveChannels = new Set<Channel>([
  'app.info',
  'app.notices',
  'session.status',
  'session.accounts',
  'session.access',
  'sync.state',
  'sync.outbox',
  'areas.list',
  'shiftLogs.list',
  'shiftLogs.entries',
  'shiftLogs.get',
  'shiftLogs.stats',
  'users.list',
  'sessions.list',
  'audit.list',
  'audit.verify',
  'conflicts.list',
  'exports.history',
]);

export function createCore(options: CoreOptions, seams: CoreSeams = {}): Core {
  const emitter = new EventEmitter();
  const now = seams.now ?? (() => new Date());
  const profile = openProfile(options.profileDir, options.profileUser ?? (options.electronVersion ? 'app' : 'cli'));
  let closed = false;
  let lastActivity = now().getTime();

  function emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    emitter.emit('event', { name, payload } satisfies ContractEvent<E>);
  }

  const session = new SessionManager({
    profileDir: options.profileDir,
    now,
    deviceName: options.deviceName ?? os.hostname(),
    secretStoreFor: seams.secretStoreFor ?? ((owner) => createKeychainSecretStore(owner)),
    serverClientFor: (baseUrl) => new ServerClient({ baseUrl, ca: options.serverCa, userAgent: `Plantdesk/${options.appVersion}` }),
    kdf: seams.kdf,
    onChange: (status) => {
      emit('session.changed', status);
      if (status.state === 'unlocked') {
        scheduleSync(0);
        watchHead();
      } else {
        // Locked or signed out: the cache is closed, so nothing may keep reading it.
        stopWatchingHead();
        exportService.cancelAll();
      }
    },
  });

  function idleMinutes(): number {
    const open = session.status().state === 'unlocked' ? session.requireOpen() : null;
    const row = open?.vault.db.prepare('SELECT session_idle_minutes AS minutes FROM tenant WHERE id = ?').get(open.account.tenantId) as
      | { minutes: number | null }
      | undefined;
    return row?.minutes ?? options.defaultIdleMinutes ?? 15;
  }

  function idleLockAt(): Date | null {
    if (session.status().state !== 'unlocked') return null;
    return new Date(lastActivity + idleMinutes() * 60_000);
  }

  /** Locks for idleness or an expired grant before anything else runs. */
  function enforceLocks(): void {
    session.enforceGrantWindow();
    const lockAt = idleLockAt();
    if (lockAt && now().getTime() >= lockAt.getTime()) session.lock('idle');
  }

  const idleTimer = setInterval(enforceLocks, 10_000);
  idleTimer.unref();

  /** The rows of an entity the grant lets this person read, as a scope the queries apply in SQL. */
  function readScope(entity: Entity): RowScope {
    const { ability } = session.requireOpen();
    return rowScopeFor(scopesFor(ability, 'read', entity), { userId: ability.userId, areaIds: ability.areas });
  }

  const db = () => session.requireOpen().vault.db;
  const clientFor = (baseUrl: string) => new ServerClient({ baseUrl, ca: options.serverCa, userAgent: `Plantdesk/${options.appVersion}` });
  const admin = new AdminCalls(session, clientFor);
  /** What a signer must be able to read for the content hash to cover the whole log. */
  const signingScopes = () => ({ shiftLog: readScope('shift_log'), logEntry: readScope('log_entry'), comment: readScope('comment'), signoff: readScope('signoff') });

  /**
   * A signature at this moment: the password checked again (on the workstation, and by the
   * server when it can be reached), over the log as this workstation holds it now. A retried
   * sign-off from the conflicts inbox closes its conflict in the same transaction.
   */
  async function signShiftLog(shiftLogId: string, meaning: SignoffMeaning, password: string, conflictId: number | null) {
    await session.verifyPassword(password);
    const open = session.requireOpen();
    const detail = getShiftLog(open.vault.db, signingScopes(), shiftLogId);
    if (!detail) throw new PlantdeskError('not_found', 'That shift log is not on this workstation.');
    const evidence = await gatherSignatureEvidence(session, clientFor, detail, { meaning, password });
    const sign = () =>
      signOffShiftLog(open.vault.db, writer(), {
        shiftLogId,
        meaning,
        contentHash: evidence.contentHash,
        signingTicket: evidence.signingTicket,
        printedName: open.account.displayName,
        authMethod: evidence.authMethod,
      });
    const ref = conflictId === null ? sign() : resolveSignOffConflict(open.vault.db, writer(), conflictId, sign);
    scheduleSync(options.autoSync?.afterWriteMs ?? 1_000);
    return { ...ref, contentHash: evidence.contentHash };
  }
  const exportService = new ExportService({
    session: () => session.requireOpen(),
    readScope,
    now,
    chooseExportPath: seams.chooseExportPath ?? null,
    onProgress: (exportId, progress) =>
      emit('export.progress', { exportId, rowsDone: progress.rowsDone, rowsTotal: progress.rowsTotal ?? null, bytesWritten: progress.bytesWritten }),
  });
  const writer = (): Writer => {
    const open = session.requireOpen();
    return { ability: open.ability, grantId: open.grant.grantId, now: now() };
  };

  // ---- sync: one run at a time; verdicts and connectivity flow back into the session ----
  let running: Promise<SyncSummary> | null = null;
  let retryAttempt = 0;
  let syncTimer: NodeJS.Timeout | null = null;
  let lastSyncError: { code: string; message: string; at: string } | null = null;

  async function runSync(): Promise<SyncSummary> {
    if (running) return running;
    const open = session.requireOpen();
    const client = new ServerClient({ baseUrl: open.account.server, ca: options.serverCa, userAgent: `Plantdesk/${options.appVersion}` });
    running = syncOnce({ session: open, client, now, pageSize: options.syncPageSize, pageTargetMs: options.syncPageTargetMs, onProgress: (progress) => emit('sync.progress', progress) })
      .then((summary) => {
        session.setOnline(true);
        retryAttempt = 0;
        lastSyncError = null;
        emit('sync.finished', { ok: true, summary, error: null });
        return summary;
      })
      .catch(async (error: unknown) => {
        await session.applyVerdict(error);
        const body = error instanceof PlantdeskError ? error.toBody() : { code: 'internal', message: errorMessages.internal };
        lastSyncError = { code: body.code, message: body.message, at: now().toISOString() };
        emit('sync.finished', { ok: false, summary: null, error: { code: body.code, message: body.message } });
        throw error;
      })
      .finally(() => {
        client.close();
        running = null;
      });
    return running;
  }

  // ---- news from the server: a long-poll on GET /sync/head wakes a sync when the feed moves ----
  // It is also the connection's pulse: offline is noticed when it breaks, and while offline the
  // server is asked again every few seconds, so the header is right within seconds either way.
  let headWatch: AbortController | null = null;

  function stopWatchingHead(): void {
    headWatch?.abort();
    headWatch = null;
  }

  function watchHead(): void {
    if (!options.autoSync || closed || headWatch) return;
    const watch = new AbortController();
    headWatch = watch;
    void (async () => {
      let failures = 0;
      while (!watch.signal.aborted && session.status().state === 'unlocked') {
        const open = session.requireOpen();
        const token = await open.secrets.get(secretPurposes.sessionToken).catch(() => null);
        if (!token) break;
        const client = new ServerClient({ baseUrl: open.account.server, ca: options.serverCa, timeoutMs: 40_000 });
        try {
          const since = readSyncState(open.vault.db).cursor;
          // While offline a short question (no wait) is enough to notice the server's return.
          const wait = session.status().online ? 25 : 0;
          const head = await client.request({ path: '/sync/head', query: { wait, since }, token: token.toString('utf8'), schema: HeadResponseSchema, signal: watch.signal });
          failures = 0;
          const wasOffline = !session.status().online;
          session.setOnline(true);
          if (head.seq > since || wasOffline) await runSync().catch(() => undefined);
        } catch (error) {
          if (watch.signal.aborted) break;
          // The long-poll breaks the moment the server goes away: that is when the app is offline.
          const unreachable = error instanceof PlantdeskError && error.code === 'server_unreachable';
          if (unreachable) session.setOnline(false);
          const delay = unreachable ? Math.min(OFFLINE_PROBE_MS, backoffDelayMs(failures++)) : backoffDelayMs(failures++);
          await new Promise((resolve) => setTimeout(resolve, delay).unref());
        } finally {
          client.close();
        }
      }
      if (headWatch === watch) headWatch = null;
    })();
  }

  /** After a local write: sync soon (debounced), and answer what was queued. */
  function queued<R, T>(ref: R, answer: (ref: R) => T): T {
    scheduleSync(options.autoSync?.afterWriteMs ?? 1_000);
    return answer(ref);
  }
  const plainRef = (ref: { id: string; seq: number }) => ({ mutationId: ref.id, seq: ref.seq });

  /** Schedules the next automatic sync (no-op unless autoSync is on). */
  function scheduleSync(delayMs: number): void {
    if (!options.autoSync || closed) return;
    if (syncTimer) clearTimeout(syncTimer);
    syncTimer = setTimeout(() => {
      syncTimer = null;
      if (session.status().state !== 'unlocked') return;
      runSync().then(
        () => scheduleSync(options.autoSync?.intervalMs ?? 60_000),
        () => scheduleSync(backoffDelayMs(retryAttempt++)),
      );
    }, delayMs);
    syncTimer.unref();
  }

  const handlers: Handlers = {
    'app.info': async () => ({
      name: 'Plantdesk',
      version: options.appVersion,
      platform: process.platform,
      arch: process.arch,
      nodeVersion: process.versions.node,
      electronVersion: options.electronVersion ?? null,
      coreHost: options.coreHost ?? 'inline',
    }),
    'app.notices': async () => profile.notices.list(),
    'session.status': async () => session.status(),
    'session.accounts': async () => session.knownAccounts(),
    'session.activity': async () => ({ idleLockAt: idleLockAt()?.toISOString() ?? null }),
    'auth.signIn': async (request) => session.signIn(request),
    'auth.unlock': async (request) => session.unlock(request.password, request.account),
    'auth.lock': async () => {
      session.lock('manual');
      return session.status();
    },
    'auth.signOut': async () => session.signOut(),
    'auth.wipe': async (request) => session.wipeByHand(request),
    'auth.wipePreview': async () => session.wipePreview(),
    'auth.enrolmentStart': async ({ link }) => {
      const enrolment = await session.startEnrolment(link);
      const { server, email, displayName, tenantName, expiresAt } = enrolment;
      return { server, email, displayName, tenantName, expiresAt, totpSecret: enrolment.totp.secret, otpauthUri: enrolment.totp.otpauthUri };
    },
    'auth.enrolmentComplete': async (request) => session.completeEnrolment(request),
    'auth.changePassword': async ({ currentPassword, newPassword }) => {
      // Checked here first, so a wrong current password costs no server attempt.
      await session.verifyPassword(currentPassword);
      await onlineRequest(session, clientFor, { method: 'POST', path: '/auth/password', body: { currentPassword, newPassword }, schema: z.unknown() });
      await session.rewrapOpenVault(currentPassword, newPassword);
      return { ok: true as const };
    },
    'sync.now': async () => runSync(),
    'logEntries.amend': async (request) => queued(amendLogEntry(db(), writer(), request), (ref) => ({ amendmentId: ref.amendmentId, mutationId: ref.id, seq: ref.seq })),
    'comments.create': async (request) => queued(createComment(db(), writer(), request), (ref) => ({ commentId: ref.commentId, mutationId: ref.id, seq: ref.seq })),
    'shiftLogs.submit': async ({ shiftLogId }) => queued(changeShiftLogStatus(db(), writer(), { name: 'shiftLog.submit', shiftLogId }), plainRef),
    'shiftLogs.reopen': async ({ shiftLogId, reason }) => queued(changeShiftLogStatus(db(), writer(), { name: 'shiftLog.reopen', shiftLogId, reason }), plainRef),
    'handovers.acknowledge': async (request) => queued(acknowledgeHandover(db(), writer(), request), plainRef),
    'shiftLogs.signOff': async ({ shiftLogId, meaning, password }) => {
      const signed = await signShiftLog(shiftLogId, meaning, password, null);
      return { signoffId: signed.signoffId, mutationId: signed.id, contentHash: signed.contentHash };
    },
    'exports.start': async (request) => {
      const result = await exportService.start(request);
      if (result) scheduleSync(options.autoSync?.afterWriteMs ?? 1_000);
      return result && { path: result.path, format: result.format, rows: result.rows, bytes: result.bytes, sha256: result.sha256 };
    },
    'exports.cancel': async ({ exportId }) => ({ cancelled: exportService.cancel(exportId) }),
    'exports.history': async () => exportService.history(),
    'users.update': async ({ userId, patch }) => {
      await admin.updateUser(userId, patch);
      return { ok: true as const };
    },
    'users.create': async (person) => {
      const created = await admin.createUser(person);
      scheduleSync(0);
      return created;
    },
    'users.resetSignIn': async ({ userId, reason }) => admin.resetSignIn(userId, reason),
    'users.unlock': async ({ userId, reason }) => {
      await admin.unlockUser(userId, reason);
      return { ok: true as const };
    },
    'users.erase': async ({ userId, reason }) => {
      await admin.eraseUser(userId, reason);
      return { ok: true as const };
    },
    'sessions.revoke': async (request) => {
      await ('sessionId' in request ? admin.revokeSession(request.sessionId) : admin.revokeUserSessions(request.userId));
      return { ok: true as const };
    },
    'conflicts.list': async () => listConflicts(db()),
    'conflicts.retry': async ({ id, password }) => {
      const conflict = openConflict(db(), id);
      if (conflict.name === 'shiftLog.signOff') {
        if (password === undefined || !conflict.signOffReview) throw new PlantdeskError('password_required');
        const { shiftLogId, meaning } = conflict.signOffReview;
        const signed = await signShiftLog(shiftLogId, meaning as SignoffMeaning, password, id);
        return { mutationId: signed.id };
      }
      const result = retryConflict(db(), writer(), id);
      scheduleSync(options.autoSync?.afterWriteMs ?? 1_000);
      return result;
    },
    'conflicts.discard': async ({ id }) => {
      discardConflict(db(), writer(), id);
      return { discarded: true as const };
    },
    'sync.state': async () => {
      const counts = db()
        .prepare(
          `SELECT (SELECT count(*) FROM outbox WHERE status = 'pending') AS pending,
                  (SELECT count(*) FROM conflicts WHERE resolved_at IS NULL) AS conflicts,
                  cursor, last_ok_at FROM sync_state WHERE id = 1`,
        )
        .get() as { pending: number; conflicts: number; cursor: number; last_ok_at: string | null };
      return { pending: counts.pending, conflicts: counts.conflicts, cursor: counts.cursor, lastOkAt: counts.last_ok_at, running: running !== null, lastError: lastSyncError };
    },
    'logEntries.create': async (request) => {
      const open = session.requireOpen();
      const { entryId, id, seq } = createLogEntry(open.vault.db, { ability: open.ability, grantId: open.grant.grantId, now: now() }, request);
      scheduleSync(options.autoSync?.afterWriteMs ?? 1_000);
      return { entryId, mutationId: id, seq };
    },
    'shiftLogs.list': async ({ filter, page }) =>
      listShiftLogs(db(), { shiftLog: readScope('shift_log'), logEntry: readScope('log_entry') }, filter, page),
    'shiftLogs.entries': async ({ filter, page }) =>
      withShiftOfEntries(db(), listLogEntries(db(), { shiftLog: readScope('shift_log'), logEntry: readScope('log_entry') }, filter, page)),
    'shiftLogs.get': async ({ id }) => {
      const detail = getShiftLog(db(), { shiftLog: readScope('shift_log'), logEntry: readScope('log_entry'), comment: readScope('comment'), signoff: readScope('signoff') }, id);
      // Handovers travel beside what is signed (the content hash covers the log, not them).
      return detail && { ...detail, handovers: handoversOfShiftLog(db(), readScope('handover'), id) };
    },
    'users.list': async ({ filter, page }) => listUsers(db(), readScope('user'), filter, page),
    // Online like revoking: sessions (sign-ins, last seen) are not in the pull feed; offline this answers needs_connection.
    'sessions.list': async ({ filter, page }) => admin.listSessions(filter ?? {}, page),
    'audit.list': async ({ filter, page }) => listAuditEvents(db(), readScope('audit_event'), filter, page),
    'session.access': async () => {
      const { grant } = session.requireOpen();
      return {
        userId: grant.user.id,
        tenantId: grant.tenant.id,
        orgRole: grant.roles.org,
        globalRole: grant.roles.global,
        rules: grant.rules,
        moduleFlags: grant.moduleFlags,
        areas: grant.areas,
        notAfter: grant.notAfter,
      };
    },
    'areas.list': async () => listAreas(db()),
    'shiftLogs.stats': async ({ filter }) => entriesPerDay(db(), { shiftLog: readScope('shift_log'), logEntry: readScope('log_entry') }, filter),
    'audit.verify': async () => {
      const scope = readScope('audit_event');
      // Only an org-wide reader downloads every link; a partial trail can be checked link by link only.
      return { ...(await verifyLocalAuditChain(db())), complete: scope.kind === 'org' };
    },
    'sync.outbox': async ({ limit }) => listPendingOutbox(db(), limit),
    'exports.reveal': async ({ path }) => {
      // The renderer may only point at files this workstation exported, never at any path.
      const known = exportService.history().some((item) => item.path === path);
      if (!known) throw new PlantdeskError('not_found', 'That file is not in the export history of this workstation.');
      if (!seams.revealInFolder) return { shown: false };
      await seams.revealInFolder(path);
      return { shown: true };
    },
  };

  return {
    async call(channel, request) {
      if (closed) throw new PlantdeskError('core_unavailable');
      const handler = handlers[channel] as ((request: unknown) => Promise<unknown>) | undefined;
      if (!handler) throw new PlantdeskError('unknown_channel');
      enforceLocks();
      const permission = calls[channel].permission;
      if (permission) {
        const open = session.requireOpen();
        if (!can(open.ability, permission.action, permission.entity)) throw new PlantdeskError('forbidden');
      }
      if (!passiveChannels.has(channel)) lastActivity = now().getTime();
      return handler(request);
    },
    onEvent(listener) {
      emitter.on('event', listener);
      return () => emitter.off('event', listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(idleTimer);
      if (syncTimer) clearTimeout(syncTimer);
      stopWatchingHead();
      exportService.cancelAll();
      await session.close();
      profile.close();
      emitter.removeAllListeners();
    },
  };
}
