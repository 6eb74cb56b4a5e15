import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlantdeskError } from '../../../shared/errors';
import { isExportTempFileName, type ExportFileSystem } from '../../../main/core/exports/engine/atomic-file';
import { exportToFile, type ExportInternals } from '../../../main/core/exports/engine/export-to-file';
import type { ExportOptions, ExportSpec } from '../../../main/core/exports/engine/types';
import type { ExportFormat } from '../../../shared/exports';
import { entryColumns, leftoverTempFiles, manyEntries, sha256OfFile, type Entry } from '../../unit/core/exports/fixtures';

/**
 * Every way an export can fail leaves the same state behind: no temporary file, the earlier
 * file at the target path byte for byte as it was, and a typed error saying what happened.
 * Where this machine allows, the fault is real (a full tmpfs, a folder this user may not write
 * to, a folder removed mid-export); where a disk cannot be made to fail on cue (fsync, rename),
 * a wrapper around node:fs/promises does it.
 */

const EARLIER = 'the earlier export, which must survive\r\n';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'plantdesk-export-fault-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

let folderCount = 0;
/** A fresh folder holding an earlier export at `target`. */
function folderWithEarlierExport(parent = root, name = 'export.csv'): { folder: string; target: string } {
  const folder = join(parent, `case-${++folderCount}`);
  mkdirSync(folder);
  const target = join(folder, name);
  writeFileSync(target, EARLIER);
  return { folder, target };
}

async function failedExport(spec: ExportSpec<Entry>, options: ExportOptions, internals?: ExportInternals): Promise<PlantdeskError> {
  const outcome = await exportToFile(spec, options, internals).then(
    () => null,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(PlantdeskError);
  return outcome as PlantdeskError;
}

function expectUntouched(folder: string, target: string): void {
  expect(leftoverTempFiles(folder)).toEqual([]);
  expect(readFileSync(target, 'utf8')).toBe(EARLIER);
}

/** Rows that never end: only a cancel or a failure can stop an export of them. */
function* endlessEntries(onRow?: (index: number) => void): Generator<Entry> {
  for (let i = 0; ; i++) {
    onRow?.(i);
    yield* manyEntries(1);
  }
}

// ---- a real full disk: a 256 KiB tmpfs

/** Unmounts even when a file on it is still open (a failed test can leave one). */
function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' });
  } catch {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
  }
}

function tryMountTmpfs(dir: string, size: string): string | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (error) {
    return (error as { stderr?: Buffer }).stderr?.toString().trim() || String(error);
  }
}

describe('a disk that fills up mid-export (a real 256 KiB tmpfs)', () => {
  let small = '';
  let mountRefused: string | null = 'not tried';
  beforeAll(() => {
    small = join(root, 'small-disk');
    mkdirSync(small);
    mountRefused = tryMountTmpfs(small, '256k');
    if (mountRefused) console.warn(`skipped: cannot mount a tmpfs here (${mountRefused}); the injected ENOSPC test below still runs`);
  });
  afterAll(() => {
    if (!mountRefused) unmount(small);
  });

  it.each(['csv', 'jsonl', 'xlsx'] as ExportFormat[])('%s: export_disk_full, the space is given back, the earlier file is untouched', async (format) => {
    if (mountRefused) return;
    const { folder, target } = folderWithEarlierExport(small, `export.${format}`);
    const freeBefore = statfsSync(small).bavail;
    // Far more than 256 KiB in every format (XLSX compresses about 10:1).
    const error = await failedExport({ columns: entryColumns, rows: manyEntries(60_000) }, { format, path: target });
    expect(error.code).toBe('export_disk_full');
    expect(error.details).toEqual({ reason: 'ENOSPC' });
    expectUntouched(folder, target);
    expect(statfsSync(small).bavail).toBe(freeBefore);
  });
});

// ---- injected failures, where a disk cannot be made to fail on cue

interface Injection {
  /** Fail the temp file's writes once this many bytes were accepted. */
  writeFailsAfter?: { bytes: number; code: string };
  syncFails?: string;
  /** Fail the temp file's fsyncs after this many succeeded. */
  syncFailsAfter?: number;
  renameFails?: string;
  /** Counts the temp file's fsyncs. */
  syncs?: { count: number };
}

function errnoError(code: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${code}: injected`);
  error.code = code;
  return error;
}

function injectingFileSystem(injection: Injection): ExportFileSystem {
  const open = (async (path: string, flags?: string, mode?: number) => {
    const handle = await fsPromises.open(path, flags, mode);
    if (!isExportTempFileName(path.split('/').pop() ?? '')) return handle;
    let accepted = 0;
    const wrapped = {
      write: async (buffer: Uint8Array, offset: number, length: number) => {
        const limit = injection.writeFailsAfter;
        if (limit && accepted + length > limit.bytes) {
          const room = limit.bytes - accepted;
          if (room <= 0) throw errnoError(limit.code);
          // A short write first, as a real disk gives just before it is full.
          const result = await handle.write(buffer, offset, room);
          accepted += result.bytesWritten;
          return result;
        }
        const result = await handle.write(buffer, offset, length);
        accepted += result.bytesWritten;
        return result;
      },
      sync: async () => {
        const done = injection.syncs ? injection.syncs.count++ : 0;
        if (injection.syncFails && done >= (injection.syncFailsAfter ?? 0)) throw errnoError(injection.syncFails);
        return handle.sync();
      },
      close: () => handle.close(),
    };
    return wrapped as unknown as FileHandle;
  }) as ExportFileSystem['open'];
  return {
    open,
    lstat: fsPromises.lstat,
    unlink: fsPromises.unlink,
    rename: (async (from: string, to: string) => {
      if (injection.renameFails) throw errnoError(injection.renameFails);
      return fsPromises.rename(from, to);
    }) as ExportFileSystem['rename'],
  };
}

describe('injected file system failures', () => {
  it.each([
    ['ENOSPC', 'export_disk_full'],
    ['EDQUOT', 'export_disk_full'],
    ['EIO', 'export_failed'],
  ])('a write failing with %s mid-export is %s, with nothing left behind', async (code, expected) => {
    const { folder, target } = folderWithEarlierExport();
    const error = await failedExport(
      { columns: entryColumns, rows: manyEntries(50_000) },
      { format: 'csv', path: target },
      { fileSystem: injectingFileSystem({ writeFailsAfter: { bytes: 300_000, code } }) },
    );
    expect(error.code).toBe(expected);
    expect(error.details).toEqual({ reason: code });
    expectUntouched(folder, target);
  });

  it('a failing fsync is export_failed, and the earlier file is untouched', async () => {
    const { folder, target } = folderWithEarlierExport();
    const error = await failedExport(
      { columns: entryColumns, rows: manyEntries(100) },
      { format: 'xlsx', path: target },
      { fileSystem: injectingFileSystem({ syncFails: 'EIO' }) },
    );
    expect(error.code).toBe('export_failed');
    expectUntouched(folder, target);
  });

  it('a large export is fsynced in the background as it is written, and is whole at the end', async () => {
    const { target } = folderWithEarlierExport();
    const syncs = { count: 0 };
    const rows = [...manyEntries(20_000)];
    const result = await exportToFile({ columns: entryColumns, rows }, { format: 'csv', path: target }, { fileSystem: injectingFileSystem({ syncs }), earlySyncBytes: 256 * 1024 });
    expect(result.bytes).toBeGreaterThan(8 * 256 * 1024);
    expect(syncs.count).toBeGreaterThan(2);
    expect(sha256OfFile(target)).toBe(result.sha256);
    expect(readFileSync(target, 'utf8').split('\r\n')).toHaveLength(rows.length + 2);
  });

  it('a failing background fsync is export_failed, and the earlier file is untouched', async () => {
    const { folder, target } = folderWithEarlierExport();
    const syncs = { count: 0 };
    const error = await failedExport(
      { columns: entryColumns, rows: manyEntries(20_000) },
      { format: 'jsonl', path: target },
      { fileSystem: injectingFileSystem({ syncFails: 'EIO', syncFailsAfter: 1, syncs }), earlySyncBytes: 256 * 1024 },
    );
    expect(error.code).toBe('export_failed');
    expect(error.details).toEqual({ reason: 'EIO' });
    // The second early fsync failed: the export stopped there, long before the end.
    expect(syncs.count).toBe(2);
    expectUntouched(folder, target);
  });

  it('a rename refused because another program holds the file is export_permission_denied', async () => {
    const { folder, target } = folderWithEarlierExport();
    const error = await failedExport(
      { columns: entryColumns, rows: manyEntries(100) },
      { format: 'jsonl', path: target },
      { fileSystem: injectingFileSystem({ renameFails: 'EBUSY' }) },
    );
    expect(error.code).toBe('export_permission_denied');
    expectUntouched(folder, target);
  });
});

describe('cancel', () => {
  it('stops mid-export with export_cancelled, closes the row source, and leaves the earlier file', async () => {
    const { folder, target } = folderWithEarlierExport();
    const controller = new AbortController();
    let closed = false;
    function* rows(): Generator<Entry> {
      try {
        yield* manyEntries(200_000);
      } finally {
        closed = true;
      }
    }
    const error = await failedExport(
      { columns: entryColumns, rows: rows() },
      {
        format: 'xlsx',
        path: target,
        signal: controller.signal,
        progressIntervalMs: 0,
        onProgress: (p) => {
          if (p.rowsDone >= 20_000) controller.abort();
        },
      },
    );
    expect(error.code).toBe('export_cancelled');
    expect((error.details as { rowsDone: number }).rowsDone).toBeGreaterThanOrEqual(20_000);
    expect((error.details as { rowsDone: number }).rowsDone).toBeLessThan(200_000);
    expect(closed).toBe(true);
    expectUntouched(folder, target);
  });

  it('reaches an export of a synchronous source from another task (a timer, an IPC message)', async () => {
    const { folder, target } = folderWithEarlierExport();
    const controller = new AbortController();
    let rowsRead = 0;
    setTimeout(() => controller.abort(), 50);
    const error = await failedExport(
      { columns: entryColumns, rows: endlessEntries(() => (rowsRead += 1)) },
      { format: 'csv', path: target, signal: controller.signal },
    );
    expect(error.code).toBe('export_cancelled');
    expect(rowsRead).toBeGreaterThan(0);
    expectUntouched(folder, target);
  });

  it('writes nothing when the signal is already aborted', async () => {
    const { folder, target } = folderWithEarlierExport();
    const error = await failedExport({ columns: entryColumns, rows: manyEntries(10) }, { format: 'csv', path: target, signal: AbortSignal.abort() });
    expect(error.code).toBe('export_cancelled');
    expectUntouched(folder, target);
  });
});

describe('a target that cannot be written', () => {
  it('refuses a target that is a folder, creating nothing', async () => {
    const { folder } = folderWithEarlierExport();
    const target = join(folder, 'a-folder.csv');
    mkdirSync(target);
    const error = await failedExport({ columns: entryColumns, rows: manyEntries(10) }, { format: 'csv', path: target });
    expect(error.code).toBe('export_target_invalid');
    expect(error.details).toEqual({ reason: 'EISDIR' });
    expect(readdirSync(target)).toEqual([]);
    expect(leftoverTempFiles(folder)).toEqual([]);
  });

  it('refuses a folder that does not exist', async () => {
    const error = await failedExport({ columns: entryColumns, rows: manyEntries(10) }, { format: 'csv', path: join(root, 'no-such-folder', 'x.csv') });
    expect(error.code).toBe('export_target_invalid');
    expect(existsSync(join(root, 'no-such-folder'))).toBe(false);
  });

  it('fails with export_target_invalid when the folder is removed mid-export, leaving nothing behind', async () => {
    const { folder, target } = folderWithEarlierExport();
    const error = await failedExport(
      { columns: entryColumns, rows: manyEntries(50_000, (i) => i === 20_000 && rmSync(folder, { recursive: true })) },
      { format: 'jsonl', path: target },
    );
    expect(error.code).toBe('export_target_invalid');
    expect(error.details).toEqual({ reason: 'ENOENT' });
    expect(existsSync(folder)).toBe(false);
  });

  it('fails with export_failed when a row cannot be read, and keeps the earlier file', async () => {
    const { folder, target } = folderWithEarlierExport();
    const error = await failedExport(
      {
        columns: entryColumns,
        rows: manyEntries(50_000, (i) => {
          if (i === 30_000) throw new Error('SQLITE_IOERR: disk I/O error');
        }),
      },
      { format: 'xlsx', path: target },
    );
    expect(error.code).toBe('export_failed');
    expect(error.details).toEqual({ rowsDone: 30_000 });
    expectUntouched(folder, target);
  });
});

describe('a folder this user may not write to (EACCES)', () => {
  // Root passes permission bits, so as root the export runs with the effective uid of
  // "nobody" (seteuid, in this test process only) against a real read-only folder.
  const asRoot = process.geteuid?.() === 0;
  const nobody = 65_534;

  async function withoutPrivileges<T>(work: () => Promise<T>): Promise<T> {
    if (!asRoot) return work();
    process.seteuid?.(nobody);
    try {
      return await work();
    } finally {
      process.seteuid?.(0);
    }
  }

  it('is export_permission_denied, and the earlier file is untouched', async () => {
    chmodSync(root, 0o755);
    const { folder, target } = folderWithEarlierExport();
    chmodSync(target, 0o644);
    chmodSync(folder, 0o555);
    try {
      const error = await withoutPrivileges(() => failedExport({ columns: entryColumns, rows: manyEntries(100) }, { format: 'csv', path: target }));
      expect(error.code).toBe('export_permission_denied');
      expect(error.details).toEqual({ reason: 'EACCES' });
      expectUntouched(folder, target);
    } finally {
      chmodSync(folder, 0o755);
    }
  });
});

describe('a read-only file system (EROFS, a real read-only tmpfs)', () => {
  let readOnly = '';
  let mountRefused: string | null = 'not tried';
  let target = '';
  beforeAll(() => {
    readOnly = join(root, 'read-only-disk');
    mkdirSync(readOnly);
    mountRefused = tryMountTmpfs(readOnly, '64k');
    if (mountRefused) {
      console.warn(`skipped: cannot mount a tmpfs here (${mountRefused})`);
      return;
    }
    target = join(readOnly, 'export.csv');
    writeFileSync(target, EARLIER);
    execFileSync('mount', ['-o', 'remount,ro', readOnly]);
  });
  afterAll(() => {
    if (!mountRefused) unmount(readOnly);
  });

  it('is export_permission_denied, and the earlier file is untouched', async () => {
    if (mountRefused) return;
    const error = await failedExport({ columns: entryColumns, rows: manyEntries(100) }, { format: 'xlsx', path: target });
    expect(error.code).toBe('export_permission_denied');
    expect(error.details).toEqual({ reason: 'EROFS' });
    expectUntouched(readOnly, target);
  });
});
