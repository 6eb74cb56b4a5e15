import { existsSync, lstatSync, readFileSync, renameSync } from 'node:fs';
import type { ProfileNotice } from '../../../shared/contract';
import { fsyncDir } from '../store/files';
import { profileNotices } from './profile-notices';
import path from 'node:path';

/** The small JSON files of a profile that can be set aside, and what losing each one means. */
export type ProfileFileKind = 'accounts' | 'device' | 'server_pin' | 'wipe_log' | 'unlock_attempts';

const noticeCodes = {
  accounts: 'accounts_set_aside',
  device: 'device_set_aside',
  server_pin: 'server_pin_set_aside',
  wipe_log: 'wipe_log_set_aside',
  unlock_attempts: 'unlock_attempts_set_aside',
} as const satisfies Record<ProfileFileKind, ProfileNotice['code']>;

const sentences: Record<ProfileFileKind, (keptAs: string) => string> = {
  accounts: (keptAs) =>
    `The list of accounts on this workstation was damaged and was set aside (kept as ${keptAs}). Sign in again to use your local copy; nothing in it was lost.`,
  device: (keptAs) =>
    `This workstation's device identity was damaged and was set aside (kept as ${keptAs}). A new one is made at the next sign-in, and the server lists this workstation under it; nothing in your local copy was lost.`,
  server_pin: (keptAs) =>
    `The record of a server's signing key on this workstation was damaged and was set aside (kept as ${keptAs}). The next online sign-in to that server trusts the key it presents and says so; until then its local copy cannot be opened offline. Nothing in it was lost.`,
  unlock_attempts: (keptAs) =>
    `The count of wrong passwords typed on this workstation was damaged and was set aside (kept as ${keptAs}); counting starts again. Nothing in your local copy was lost.`,
  wipe_log: (keptAs) => `The log of local data removed from this workstation was damaged and was set aside (kept as ${keptAs}); a new log was started. No local data was lost.`,
};

/**
 * Reads one profile file for its parser. Missing: null. Damaged (not a regular file, empty,
 * unparsable, or the wrong shape): moved aside beside itself, reported as a notice of the
 * profile, and null, so a damaged file never stops the start. Its bytes are kept for support,
 * never deleted; the encrypted caches are never read or touched here.
 */
export function readProfileFile<T>(profileDir: string, file: string, kind: ProfileFileKind, parse: (text: string) => T | null): T | null {
  let stat;
  try {
    stat = lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const value = stat.isFile() ? parseOrNull(readFileSync(file, 'utf8'), parse) : null;
  if (value !== null) return value;
  setAsideDamaged(profileDir, file, kind);
  return null;
}

function parseOrNull<T>(text: string, parse: (text: string) => T | null): T | null {
  if (text.trim() === '') return null;
  try {
    return parse(text);
  } catch {
    return null;
  }
}

/** Moves a damaged file (or whatever stands in its place) aside and reports it. */
export function setAsideDamaged(profileDir: string, file: string, kind: ProfileFileKind, now = new Date()): string {
  const keptAs = freeName(`${file}.damaged-${now.toISOString().replace(/[:.]/g, '-')}`);
  renameSync(file, keptAs);
  fsyncDir(path.dirname(file));
  profileNotices(profileDir).add({
    code: noticeCodes[kind],
    at: now.toISOString(),
    keptAs,
    server: null,
    keyId: null,
    keyFingerprint: null,
    message: sentences[kind](keptAs),
  });
  return keptAs;
}

function freeName(base: string): string {
  let name = base;
  for (let n = 1; existsSync(name); n++) name = `${base}-${n}`;
  return name;
}
