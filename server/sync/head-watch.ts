import type { Database } from '../db/database';
import { headSeq } from './pull';

/**
 * Long-poll support for GET /v1/sync/head?wait=S&since=SEQ. Waiters of a tenant share one
 * poller (one cheap query per interval, however many clients wait), and a push applied on this
 * instance wakes them at once; changes written by another instance are seen at the next poll.
 */
interface Waiter {
  since: number;
  resolve(seq: number | null): void;
}

interface TenantWatch {
  waiters: Set<Waiter>;
  timer: NodeJS.Timeout;
  polling: boolean;
}

export class HeadWatch {
  private readonly tenants = new Map<string, TenantWatch>();

  constructor(
    private readonly db: Database,
    private readonly pollMs = 1_000,
  ) {}

  /** Resolves with the head once it passes `since`, or null after `timeoutMs` or on `signal`. */
  waitBeyond(tenantId: string, since: number, timeoutMs: number, signal: AbortSignal): Promise<number | null> {
    return new Promise((resolve) => {
      const watch = this.watchOf(tenantId);
      const finish = (seq: number | null) => {
        clearTimeout(timeout);
        signal.removeEventListener('abort', onAbort);
        watch.waiters.delete(waiter);
        this.release(tenantId, watch);
        resolve(seq);
      };
      const waiter: Waiter = { since, resolve: finish };
      const timeout = setTimeout(() => finish(null), timeoutMs);
      const onAbort = () => finish(null);
      signal.addEventListener('abort', onAbort);
      watch.waiters.add(waiter);
      if (signal.aborted) finish(null);
    });
  }

  /** Called after this instance committed a change in the tenant. */
  notify(tenantId: string, seq: number): void {
    const watch = this.tenants.get(tenantId);
    if (!watch) return;
    for (const waiter of [...watch.waiters]) if (seq > waiter.since) waiter.resolve(seq);
  }

  /** Wakes every waiter (server shutdown). */
  close(): void {
    for (const watch of [...this.tenants.values()]) for (const waiter of [...watch.waiters]) waiter.resolve(null);
  }

  private watchOf(tenantId: string): TenantWatch {
    let watch = this.tenants.get(tenantId);
    if (!watch) {
      const created: TenantWatch = { waiters: new Set(), polling: false, timer: setInterval(() => void this.poll(tenantId, created), this.pollMs) };
      created.timer.unref();
      this.tenants.set(tenantId, created);
      watch = created;
    }
    return watch;
  }

  private release(tenantId: string, watch: TenantWatch): void {
    if (watch.waiters.size > 0 || this.tenants.get(tenantId) !== watch) return;
    clearInterval(watch.timer);
    this.tenants.delete(tenantId);
  }

  private async poll(tenantId: string, watch: TenantWatch): Promise<void> {
    if (watch.polling || watch.waiters.size === 0) return;
    watch.polling = true;
    try {
      const seq = await this.db.transaction({ tenantId }, (tx) => headSeq(tx, tenantId));
      this.notify(tenantId, seq);
    } catch {
      // A failed poll (database restarting) is retried at the next interval; waiters time out anyway.
    } finally {
      watch.polling = false;
    }
  }
}
