import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PlantdeskError } from '../../../shared/errors';
import { readProfileFile } from '../profile/damaged-files';
import { ensurePrivateDir, writeFileAtomic } from '../store/files';

/**
 * Wrong passwords at a locked workstation: the first few are free, then each wait doubles
 * (30 s, 1 min, 2 min… up to an hour). The count is kept in the profile, so restarting the app
 * or the CLI does not reset it, and each account has its own. The failures are reported to the
 * audit trail by the next successful unlock (the trail's queue lives inside the cache, which a
 * wrong password cannot open).
 */
export const FREE_UNLOCK_FAILURES = 5;
const FIRST_WAIT_SECONDS = 30;
const LONGEST_WAIT_SECONDS = 3_600;

/** Failures whose times are kept for the audit trail; beyond this only their count. */
const KEPT_FAILURE_TIMES = 50;

const CounterSchema = z.strictObject({ failures: z.number().int().min(0), firstAt: z.string(), lastAt: z.string(), times: z.array(z.string()).max(KEPT_FAILURE_TIMES).default([]) });
const FileSchema = z.strictObject({ accounts: z.record(z.string(), CounterSchema) });
type Counter = z.infer<typeof CounterSchema>;

type AccountRef = { server: string; userId: string; tenantId: string };
const keyOf = (account: AccountRef) => `${account.server}|${account.userId}|${account.tenantId}`;

export function unlockWaitSeconds(failures: number): number {
  if (failures < FREE_UNLOCK_FAILURES) return 0;
  return Math.min(LONGEST_WAIT_SECONDS, FIRST_WAIT_SECONDS * 2 ** (failures - FREE_UNLOCK_FAILURES));
}

export class UnlockThrottle {
  constructor(private readonly profileDir: string) {}

  private get file(): string {
    return path.join(this.profileDir, 'unlock-attempts.json');
  }

  private read(): Record<string, Counter> {
    if (!existsSync(this.file)) return {};
    return readProfileFile(this.profileDir, this.file, 'unlock_attempts', (text) => FileSchema.parse(JSON.parse(text)))?.accounts ?? {};
  }

  private write(accounts: Record<string, Counter>): void {
    ensurePrivateDir(this.profileDir);
    writeFileAtomic(this.file, JSON.stringify({ accounts }));
  }

  /** Refuses an attempt that comes before the wait after the last failure has passed. */
  check(account: AccountRef, now: Date): void {
    const counter = this.read()[keyOf(account)];
    if (!counter) return;
    const allowedAt = Date.parse(counter.lastAt) + unlockWaitSeconds(counter.failures) * 1000;
    if (now.getTime() >= allowedAt) return;
    const retryAfter = Math.max(1, Math.ceil((allowedAt - now.getTime()) / 1000));
    throw new PlantdeskError(
      'throttled',
      `Too many wrong passwords for this local copy. Wait ${retryAfter} second${retryAfter === 1 ? '' : 's'} before trying again.`,
      { retryAfter },
    );
  }

  recordFailure(account: AccountRef, now: Date): void {
    const accounts = this.read();
    const previous = accounts[keyOf(account)];
    const times = [...(previous?.times ?? []), now.toISOString()].slice(-KEPT_FAILURE_TIMES);
    accounts[keyOf(account)] = { failures: (previous?.failures ?? 0) + 1, firstAt: previous?.firstAt ?? now.toISOString(), lastAt: now.toISOString(), times };
    this.write(accounts);
  }

  /** A right password: the count starts afresh; answers the failures to report, if any. */
  clear(account: AccountRef): Counter | null {
    const accounts = this.read();
    const counter = accounts[keyOf(account)] ?? null;
    if (!counter) return null;
    delete accounts[keyOf(account)];
    this.write(accounts);
    return counter.failures > 0 ? counter : null;
  }
}
