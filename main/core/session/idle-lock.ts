import { tenantIdleMinutes } from '../store/queries/tenant';
import type { SessionManager } from './session-manager';

/** How often the lock checks the clock when no call arrives to check it. */
const checkEveryMs = 10_000;

/**
 * Locks the cache after a person has been inactive for the tenant's idle minutes, and when the
 * grant's offline window has passed. Every call checks first (nothing runs on a cache that
 * should be locked); a timer checks too, so an unattended window locks on time.
 */
export class IdleLock {
  private lastActivity: number;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly session: SessionManager,
    private readonly now: () => Date,
    /** Used when the tenant sets no idle time. */
    private readonly defaultMinutes: number,
  ) {
    this.lastActivity = now().getTime();
    this.timer = setInterval(() => this.enforce(), checkEveryMs);
    this.timer.unref();
  }

  /** A person did something: the idle lock moves out again. */
  noteActivity(): void {
    this.lastActivity = this.now().getTime();
  }

  /** When the cache locks if nobody does anything; null while it is not open. */
  lockAt(): Date | null {
    if (this.session.status().state !== 'unlocked') return null;
    const open = this.session.requireOpen();
    const minutes = tenantIdleMinutes(open.vault.db, open.account.tenantId) ?? this.defaultMinutes;
    return new Date(this.lastActivity + minutes * 60_000);
  }

  /** Locks for an expired grant or idleness, before anything else runs. */
  enforce(): void {
    this.session.enforceGrantWindow();
    const lockAt = this.lockAt();
    if (lockAt && this.now().getTime() >= lockAt.getTime()) this.session.lock('idle');
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
