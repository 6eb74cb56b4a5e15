import { chmodSync, closeSync, constants, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Owner-only files and folders. The modes are set when a file is created, not fixed up after:
 * SQLite gives its -wal/-shm/-journal files the mode of the database file, so creating that
 * file 0600 before SQLite touches it covers the sidecars too (process.umask() cannot be changed
 * from the worker thread the core runs on). On Windows the profile folder's ACL does this job.
 */
export const privateFileMode = 0o600;
export const privateDirMode = 0o700;

const enforceModes = process.platform !== 'win32';
const noFollow = constants.O_NOFOLLOW ?? 0;

/** The files SQLite may keep beside a database file (WAL, shared memory, rollback journal). */
export function sqliteSidecars(path: string): string[] {
  return [`${path}-wal`, `${path}-shm`, `${path}-journal`];
}

/**
 * The full-text index a first sync builds on a thread of its own, beside its staging store
 * (bulk-load/staging.ts), until it is copied in.
 */
export function searchStagingPath(staging: string): string {
  return `${staging}-search`;
}

/** Every file beside a first sync's staging store: its sidecars, and the search store's with its own. */
export function stagingSidecars(staging: string): string[] {
  const search = searchStagingPath(staging);
  return [...sqliteSidecars(staging), search, ...sqliteSidecars(search)];
}

export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: privateDirMode });
  const stat = lstatSync(dir);
  if (!stat.isDirectory()) throw new Error(`${dir} is not a directory`);
  if (enforceModes && (stat.mode & 0o777) !== privateDirMode) chmodSync(dir, privateDirMode);
}

/** Creates an empty 0600 file if there is none; refuses a symlink or anything but a file. */
export function ensurePrivateFile(path: string): void {
  const fd = openSync(path, constants.O_CREAT | constants.O_RDWR | noFollow, privateFileMode);
  closeSync(fd);
  const stat = lstatSync(path);
  if (!stat.isFile()) throw new Error(`${path} is not a regular file`);
  if (enforceModes && (stat.mode & 0o777) !== privateFileMode) chmodSync(path, privateFileMode);
}

/** Writes a small file all-or-nothing: 0600 temp file, fsync, rename over, fsync the folder. */
export function writeFileAtomic(path: string, content: string | Buffer): void {
  const temp = `${path}.tmp-${process.pid}-${Date.now()}`;
  const fd = openSync(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | noFollow, privateFileMode);
  try {
    try {
      const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  fsyncDir(dirname(path));
}

export function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, constants.O_RDONLY);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Flushes a file's written pages to disk on libuv's thread pool, so the caller's thread goes on
 * answering meanwhile. For a file written with fsync off (a first sync's staging store) the
 * first fsync carries every page written so far.
 */
export async function fsyncFileInBackground(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
