import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { KnownAccountSchema, type KnownAccount } from '../../../shared/contract';
import { ensurePrivateDir, writeFileAtomic } from '../store/files';

export type { KnownAccount };

/**
 * Small, non-secret files of a workstation profile: its device id, the accounts that have a
 * cache here (what the unlock screen offers), and the log of wipes (which must outlive the
 * data they report on). Secrets never go here: they live in the keychain or inside the
 * encrypted cache.
 */

const DeviceFileSchema = z.strictObject({ deviceId: z.string().uuid(), createdAt: z.string() });

export function deviceIdOf(profileDir: string, now: Date): string {
  const file = path.join(profileDir, 'device.json');
  if (existsSync(file)) {
    const parsed = DeviceFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success) return parsed.data.deviceId;
  }
  ensurePrivateDir(profileDir);
  const deviceId = randomUUID();
  writeFileAtomic(file, JSON.stringify({ deviceId, createdAt: now.toISOString() }));
  return deviceId;
}

const AccountsFileSchema = z.strictObject({ accounts: z.array(KnownAccountSchema), lastUsed: z.number().int().nullable() });

export class AccountsFile {
  constructor(private readonly profileDir: string) {}

  private get file(): string {
    return path.join(this.profileDir, 'accounts.json');
  }

  private read(): z.infer<typeof AccountsFileSchema> {
    if (!existsSync(this.file)) return { accounts: [], lastUsed: null };
    const parsed = AccountsFileSchema.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
    return parsed.success ? parsed.data : { accounts: [], lastUsed: null };
  }

  list(): KnownAccount[] {
    return this.read().accounts;
  }

  lastUsed(): KnownAccount | null {
    const { accounts, lastUsed } = this.read();
    return lastUsed === null ? null : (accounts[lastUsed] ?? null);
  }

  remember(account: KnownAccount): void {
    const { accounts } = this.read();
    const others = accounts.filter((a) => !sameAccount(a, account));
    ensurePrivateDir(this.profileDir);
    writeFileAtomic(this.file, JSON.stringify({ accounts: [...others, account], lastUsed: others.length }));
  }

  forget(account: Pick<KnownAccount, 'server' | 'userId' | 'tenantId'>): void {
    const { accounts } = this.read();
    const kept = accounts.filter((a) => !sameAccount(a, account));
    if (kept.length === accounts.length) return;
    writeFileAtomic(this.file, JSON.stringify({ accounts: kept, lastUsed: kept.length > 0 ? kept.length - 1 : null }));
  }
}

export function sameAccount(a: Pick<KnownAccount, 'server' | 'userId' | 'tenantId'>, b: Pick<KnownAccount, 'server' | 'userId' | 'tenantId'>): boolean {
  return a.server === b.server && a.userId === b.userId && a.tenantId === b.tenantId;
}

/** Wipes are recorded outside the wiped cache (SYNC.md: "the wipe itself is reported in the local log"). */
export function appendWipeLog(profileDir: string, entry: { at: string; server: string; tenantId: string; reason: string }): void {
  ensurePrivateDir(profileDir);
  const file = path.join(profileDir, 'wipe-log.jsonl');
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
  writeFileAtomic(file, `${previous}${JSON.stringify(entry)}\n`);
}
