import { randomUUID } from 'node:crypto';
import { linkSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { z } from 'zod';
import { PlantdeskError } from '../../../shared/errors';
import { ensurePrivateDir, privateFileMode } from '../store/files';

/**
 * One process per profile: creating a cache deletes database files and renames key files, so
 * the app and the command line must never work on one profile at once.
 *
 * Node has no flock, so the lock is a file made complete first and then hard-linked into place
 * (link fails if the name exists, and the lock is never seen half-written). It names its holder;
 * a lock whose holder is gone (a killed process: no such pid on this host, or one that started
 * before this boot) is taken over, so the lock never outlives the process that held it.
 */
const lockFileName = 'plantdesk.lock';

export type ProfileUser = 'app' | 'cli';

const HolderSchema = z.object({
  pid: z.number().int(),
  threadId: z.number().int(),
  hostname: z.string(),
  startedAt: z.string(),
  kind: z.enum(['app', 'cli']),
  nonce: z.string(),
});
type Holder = z.infer<typeof HolderSchema>;

export interface ProfileLock {
  release(): void;
}

/** Locks held by this thread: a lock naming this thread that is not here was left by a failed start. */
const heldHere = new Set<string>();

export function acquireProfileLock(profileDir: string, kind: ProfileUser, now = new Date()): ProfileLock {
  ensurePrivateDir(profileDir);
  const file = path.join(profileDir, lockFileName);
  const me: Holder = { pid: process.pid, threadId, hostname: os.hostname(), startedAt: now.toISOString(), kind, nonce: randomUUID() };
  const temp = `${file}.${me.nonce}.tmp`;
  writeFileSync(temp, JSON.stringify(me), { mode: privateFileMode, flag: 'wx' });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(temp, file);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 5) throw error;
      }
      const holder = readHolder(file);
      if (holder.kind === 'live') throw profileInUse(holder.holder);
      takeOverStale(file, holder.inode);
    }
  } finally {
    rmSync(temp, { force: true });
  }
  heldHere.add(file);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      heldHere.delete(file);
      // Only our own lock: never one a later holder took over (our process was thought dead).
      const current = readHolder(file);
      if (current.holder?.nonce === me.nonce) rmSync(file, { force: true });
    },
  };
}

type Reading = { kind: 'live'; holder: Holder; inode: number } | { kind: 'stale'; holder: Holder | null; inode: number } | { kind: 'gone'; holder: null; inode: 0 };

function readHolder(file: string): Reading {
  let inode: number;
  let text: string;
  try {
    inode = statSync(file).ino;
    text = readFileSync(file, 'utf8');
  } catch {
    return { kind: 'gone', holder: null, inode: 0 };
  }
  let holder: Holder | null = null;
  try {
    const parsed = HolderSchema.safeParse(JSON.parse(text));
    if (parsed.success) holder = parsed.data;
  } catch {
    holder = null;
  }
  // Written whole before it is linked in, so an unreadable lock was not made by a live Plantdesk.
  if (!holder) return { kind: 'stale', holder: null, inode };
  return { kind: holderAlive(file, holder) ? 'live' : 'stale', holder, inode };
}

function holderAlive(file: string, holder: Holder): boolean {
  // Another host (a profile on a shared drive): its processes cannot be checked from here.
  if (holder.hostname !== os.hostname()) return true;
  if (Date.parse(holder.startedAt) < Date.now() - os.uptime() * 1000 - 60_000) return false; // from before this boot
  if (holder.pid === process.pid) return holder.threadId !== threadId || heldHere.has(file);
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Moves the stale lock away; if another process replaced it meanwhile, puts that one back. */
function takeOverStale(file: string, inode: number): void {
  const aside = `${file}.stale-${randomUUID()}`;
  try {
    renameSync(file, aside);
  } catch {
    return; // already gone: try to link again
  }
  if (statSync(aside).ino !== inode) {
    try {
      linkSync(aside, file);
    } catch {
      // someone else holds the name now; their lock stands
    }
  }
  unlinkSync(aside);
}

function profileInUse(holder: Holder): PlantdeskError {
  const who = holder.kind === 'app' ? 'the app' : 'the command line';
  return new PlantdeskError(
    'profile_in_use',
    `Plantdesk (${who}, process ${holder.pid}, started at ${holder.startedAt}) is already using this profile. Close it or wait for it to finish, then try again; nothing was changed.`,
    { holder: { kind: holder.kind, pid: holder.pid, startedAt: holder.startedAt, hostname: holder.hostname } },
  );
}
