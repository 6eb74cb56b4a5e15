import { errorMessages, PlantdeskError } from '../../../shared/errors';
import { HeadResponseSchema } from '../../../shared/sync-protocol';
import type { ServerClientFor } from '../net/server-clients';
import { secretPurposes } from '../secrets/secret-store';
import type { SessionManager } from '../session/session-manager';
import { readSyncState } from '../store/writes';
import { backoffDelayMs, syncOnce, type SyncProgress, type SyncSummary } from './sync-engine';

/** While offline, how often the server is asked whether it is back. */
const offlineProbeMs = 2_000;
/** How long the head long-poll waits on the server for news, in seconds (under the client's timeout). */
const headWaitSeconds = 25;
const headClientTimeoutMs = 40_000;
/** A grant older than this is fetched afresh after a sync, so the offline window keeps moving while online. */
const grantRefreshAfterMs = 60 * 60_000;

export interface AutoSyncSettings {
  intervalMs?: number;
  afterWriteMs?: number;
}

export interface SyncSchedulerOptions {
  session: SessionManager;
  clientFor: ServerClientFor;
  now: () => Date;
  /** Sync by itself (on unlock, on the server's news, after writes, on a timer); undefined: only when asked. */
  autoSync?: AutoSyncSettings;
  pageSize?: number;
  pageTargetMs?: number;
  /** See SyncDeps.bootstrap. */
  bootstrap?: boolean;
  /** See SyncDeps.cacheReadsRunning. */
  cacheReadsRunning?: () => Promise<void> | null;
  onProgress: (progress: SyncProgress) => void;
  onFinished: (result: { ok: true; summary: SyncSummary } | { ok: false; error: { code: string; message: string } }) => void;
}

export interface LastSyncError {
  code: string;
  message: string;
  at: string;
}

/**
 * When this workstation syncs: one run at a time; after unlock, after local writes (debounced),
 * when the server's head moves (a long-poll on GET /sync/head that is also the connection's
 * pulse: offline is noticed when it breaks, and while offline the server is asked again every
 * few seconds), on a timer as a backstop, with backoff after failures. Verdicts and
 * connectivity flow back into the session.
 */
export class SyncScheduler {
  private running: Promise<SyncSummary> | null = null;
  private retryAttempt = 0;
  private timer: NodeJS.Timeout | null = null;
  /** When the pending timer fires (Date.now() scale). */
  private timerDue = 0;
  private headWatch: AbortController | null = null;
  private closed = false;
  private lastErrorSeen: LastSyncError | null = null;
  /** A local write came after the run under way began: that run may have pushed already. */
  private writtenDuringRun = false;

  constructor(private readonly options: SyncSchedulerOptions) {}

  get isRunning(): boolean {
    return this.running !== null;
  }

  get lastError(): LastSyncError | null {
    return this.lastErrorSeen;
  }

  /** Pushes then pulls now; joins the run already under way. */
  run(): Promise<SyncSummary> {
    if (this.running) return this.running;
    const { session, now } = this.options;
    const open = session.requireOpen();
    const client = this.options.clientFor(open.account.server);
    this.writtenDuringRun = false;
    this.running = syncOnce({ session: open, client, now, pageSize: this.options.pageSize, pageTargetMs: this.options.pageTargetMs, bootstrap: this.options.bootstrap, cacheReadsRunning: this.options.cacheReadsRunning, onProgress: this.options.onProgress })
      .then(async (summary) => {
        await this.refreshGrantIfBehind();
        session.setOnline(true);
        this.retryAttempt = 0;
        this.lastErrorSeen = null;
        this.options.onFinished({ ok: true, summary });
        return summary;
      })
      .catch(async (error: unknown) => {
        await session.applyVerdict(error);
        const body = error instanceof PlantdeskError ? error.toBody() : { code: 'internal', message: errorMessages.internal };
        this.lastErrorSeen = { code: body.code, message: body.message, at: now().toISOString() };
        this.options.onFinished({ ok: false, error: { code: body.code, message: body.message } });
        throw error;
      })
      .finally(() => {
        client.close();
        this.running = null;
      });
    return this.running;
  }

  /**
   * The grant is what local checks trust. When the pull shows the person's rights changed on
   * the server (another policy version), or the grant is old, the session fetches a new one:
   * otherwise the workstation would go on allowing, until the next unlock, what the server
   * now refuses, and lock an online workstation when the old grant's window ends.
   */
  private async refreshGrantIfBehind(): Promise<void> {
    const { session, now } = this.options;
    const open = session.requireOpen();
    const pulledPolicy = readSyncState(open.vault.db).policy_version;
    const rightsChanged = pulledPolicy !== null && pulledPolicy !== String(open.grant.policyVersion);
    const old = now().getTime() - Date.parse(open.grant.issuedAt) >= grantRefreshAfterMs;
    if (rightsChanged || old) await session.refresh();
  }

  /** The cache just opened: sync at once, and listen for the server's news. */
  started(): void {
    this.schedule(0);
    this.watchHead();
  }

  /** The cache closed (locked, signed out): nothing may keep reading it. */
  stopped(): void {
    this.stopWatchingHead();
  }

  /** A local write was queued: sync soon (debounced). */
  afterWrite(): void {
    if (this.running) this.writtenDuringRun = true;
    this.schedule(this.options.autoSync?.afterWriteMs ?? 1_000);
  }

  /** Something changed on the server that this workstation should see now. */
  soon(): void {
    this.schedule(0);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stopWatchingHead();
  }

  /**
   * Schedules the next automatic sync (no-op unless autoSync is on). An earlier one already
   * pending stays: a run that ends and asks for the backstop interval must not push back the
   * sync a local write asked for meanwhile.
   */
  private schedule(delayMs: number): void {
    const autoSync = this.options.autoSync;
    if (!autoSync || this.closed) return;
    const due = Date.now() + delayMs;
    if (this.timer && this.timerDue <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.options.session.status().state !== 'unlocked') return;
      // Joining a run that began before a write would leave the write for the next timer.
      const under = this.running;
      const next = under && this.writtenDuringRun ? under.catch(() => undefined).then(() => this.run()) : this.run();
      next.then(
        () => this.schedule(autoSync.intervalMs ?? 60_000),
        () => this.schedule(backoffDelayMs(this.retryAttempt++)),
      );
    }, delayMs);
    this.timer.unref();
  }

  private stopWatchingHead(): void {
    this.headWatch?.abort();
    this.headWatch = null;
  }

  private watchHead(): void {
    if (!this.options.autoSync || this.closed || this.headWatch) return;
    const watch = new AbortController();
    this.headWatch = watch;
    void this.followHead(watch).finally(() => {
      if (this.headWatch === watch) this.headWatch = null;
    });
  }

  private async followHead(watch: AbortController): Promise<void> {
    const { session } = this.options;
    let failures = 0;
    while (!watch.signal.aborted && session.status().state === 'unlocked') {
      const open = session.requireOpen();
      const token = await open.secrets.get(secretPurposes.sessionToken).catch(() => null);
      if (!token) break;
      const client = this.options.clientFor(open.account.server, { timeoutMs: headClientTimeoutMs });
      try {
        const since = readSyncState(open.vault.db).cursor;
        // While offline a short question (no wait) is enough to notice the server's return.
        const wait = session.status().online ? headWaitSeconds : 0;
        const head = await client.request({ path: '/sync/head', query: { wait, since }, token: token.toString('utf8'), schema: HeadResponseSchema, signal: watch.signal });
        failures = 0;
        const wasOffline = !session.status().online;
        session.setOnline(true);
        if (head.seq > since || wasOffline) await this.run().catch(() => undefined);
      } catch (error) {
        if (watch.signal.aborted) break;
        // The long-poll breaks the moment the server goes away: that is when the app is offline.
        const unreachable = error instanceof PlantdeskError && error.code === 'server_unreachable';
        if (unreachable) session.setOnline(false);
        const delay = unreachable ? Math.min(offlineProbeMs, backoffDelayMs(failures++)) : backoffDelayMs(failures++);
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
      } finally {
        client.close();
      }
    }
  }
}
