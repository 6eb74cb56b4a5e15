import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { KnownAccountSchema, type KnownAccount } from '../../../shared/contract';
import { readProfileFile } from '../profile/damaged-files';
import { ensurePrivateDir, writeFileAtomic } from '../store/files';

export type { KnownAccount };

/**
 * Small, non-secret files of a workstation profile: its device id, the accounts that have a
 * cache here (what the unlock screen offers), and the log of wipes (which must outlive the
 * data they report on). Secrets never go here: they live in the keychain or inside the
 * encrypted cache.
 */

const DeviceFileSchema = z.strictObject({ deviceId: z.string().uuid(), createdAt: z.string() });

/** Every file is read through its schema; a damaged one is set aside and reported (damaged-files.ts). */
const parsedBy =
  <S extends z.ZodType>(schema: S) =>
  (text: string): z.infer<S> | null => {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  };

/** This workstation's device id, or null when there is none yet (or it was damaged and set aside). */
export function readDeviceId(profileDir: string): string | null {
  return readProfileFile(profileDir, path.join(profileDir, 'device.json'), 'device', parsedBy(DeviceFileSchema))?.deviceId ?? null;
}

export function deviceIdOf(profileDir: string, now: Date): string {
  const file = path.join(profileDir, 'device.json');
  const existing = readDeviceId(profileDir);
  if (existing) return existing;
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
    return readProfileFile(this.profileDir, this.file, 'accounts', parsedBy(AccountsFileSchema)) ?? { accounts: [], lastUsed: null };
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

const WipeLogEntrySchema = z.strictObject({
  at: z.string(),
  server: z.string(),
  tenantId: z.string(),
  reason: z.string(),
  /** A wipe by hand: how many unsynced changes it discarded, and how the person confirmed it. */
  pendingDiscarded: z.number().int().min(0).optional(),
  method: z.enum(['password', 'confirmation']).optional(),
});
type WipeLogEntry = z.infer<typeof WipeLogEntrySchema>;

/** The wipe log's lines; one damaged line (a torn last write) sets the whole log aside, bytes kept. */
export function readWipeLog(profileDir: string): WipeLogEntry[] {
  const parseLines = (text: string): WipeLogEntry[] | null => {
    const entries: WipeLogEntry[] = [];
    for (const line of text.split('\n').filter((l) => l !== '')) {
      const parsed = WipeLogEntrySchema.safeParse(JSON.parse(line));
      if (!parsed.success) return null;
      entries.push(parsed.data);
    }
    return entries;
  };
  return readProfileFile(profileDir, path.join(profileDir, 'wipe-log.jsonl'), 'wipe_log', parseLines) ?? [];
}

/** Wipes are recorded outside the wiped cache (SYNC.md: "the wipe itself is reported in the local log"). */
export function appendWipeLog(profileDir: string, entry: WipeLogEntry): void {
  ensurePrivateDir(profileDir);
  const previous = readWipeLog(profileDir);
  writeFileAtomic(path.join(profileDir, 'wipe-log.jsonl'), [...previous, entry].map((e) => `${JSON.stringify(e)}\n`).join(''));
}
