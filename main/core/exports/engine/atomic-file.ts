import { createHash, randomBytes, type Hash } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { PlantdeskError } from '../../../../shared/errors';
import type { ByteSink } from './zip-writer';

/**
 * The file system calls an export makes. Production passes node:fs/promises; fault tests may
 * wrap it to fail where a real disk cannot be made to (a sync that fails, a rename that fails).
 */
export type ExportFileSystem = Pick<typeof nodeFs, 'open' | 'rename' | 'unlink' | 'lstat'>;

const TEMP_PREFIX = '.plantdesk-export-';
const TEMP_SUFFIX = '.tmp';
/** Bytes written between background fsyncs of a large export. */
const EARLY_SYNC_BYTES = 32 * 1024 * 1024;
/**
 * Writes queued at most. With one, the caller waited for every write to be reported back (a
 * turn of the event loop, and the whole write when the thread pool was slow to get a CPU).
 */
const MAX_QUEUED_WRITES = 4;

/** True for the name of an export's temporary file (for cleanup tools and tests). */
export function isExportTempFileName(name: string): boolean {
  return name.startsWith(TEMP_PREFIX) && name.endsWith(TEMP_SUFFIX);
}

function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The typed error for a failed file system call of an export; anything not recognised is
 * export_failed. The original error is kept as `cause` (never sent across a boundary).
 */
export function exportErrorOfFileSystem(error: unknown): PlantdeskError {
  if (error instanceof PlantdeskError) return error;
  const code = errnoCode(error);
  let result: PlantdeskError;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      result = new PlantdeskError('export_disk_full', undefined, { reason: code });
      break;
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
    case 'EBUSY':
      result = new PlantdeskError('export_permission_denied', undefined, { reason: code });
      break;
    case 'EISDIR':
    case 'ENOENT':
    case 'ENOTDIR':
    case 'ENAMETOOLONG':
    case 'EINVAL':
    case 'ELOOP':
      result = new PlantdeskError('export_target_invalid', undefined, { reason: code });
      break;
    default:
      result = new PlantdeskError('export_failed', undefined, code ? { reason: code } : undefined);
  }
  result.cause = error;
  return result;
}

function fsError(code: string, message: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${code}: ${message}`);
  error.code = code;
  return error;
}

export interface CommittedFile {
  path: string;
  bytes: number;
  sha256: string;
}

/**
 * A file that appears at its target path whole or not at all: bytes go to a 0600 temporary
 * file beside the target (same folder, so the same file system and an atomic rename), which
 * is fsynced, renamed over the target, and the folder fsynced. The SHA-256 and the size are
 * taken from the bytes as they are written, in order.
 *
 * Writes are sequential, up to MAX_QUEUED_WRITES queued: write() resolves at once while there
 * is room, else once the oldest has finished, so the caller prepares the next chunks while the
 * disk works, and never more than that many chunks are held. `written` is called once a chunk
 * is in the file and no longer read (its buffer may be filled again).
 *
 * Every EARLY_SYNC_BYTES written, an fsync is started in the background (one at a time): the
 * disk takes the file while rows are still being encoded, instead of all of it at the end
 * (the kernel may hold gigabytes of dirty pages; an export of 600 MB waited seconds on its
 * final fsync). The final fsync before the rename is made as before; a failed early one fails
 * the export at the next write or at commit.
 */
export class AtomicFile implements ByteSink {
  /** The last write queued; each starts when the one before has finished. */
  private inflight: Promise<void> = Promise.resolve();
  private readonly queue: Promise<void>[] = [];
  private earlySync: Promise<void> = Promise.resolve();
  private earlySyncRunning = false;
  private syncStartedAt = 0;
  private earlySyncFailure: unknown = null;
  private readonly hash: Hash = createHash('sha256');
  private written = 0;
  private queued = 0;
  private state: 'open' | 'committed' | 'discarded' = 'open';
  private handleOpen = true;

  private constructor(
    readonly targetPath: string,
    readonly tempPath: string,
    private readonly handle: FileHandle,
    private readonly fs: ExportFileSystem,
    private readonly earlySyncBytes: number,
  ) {}

  /**
   * Checks the target and creates the temporary file; typed errors when it cannot.
   * `earlySyncBytes`: bytes between background fsyncs (tests make it small).
   */
  static async create(target: string, fs: ExportFileSystem = nodeFs, earlySyncBytes = EARLY_SYNC_BYTES): Promise<AtomicFile> {
    const targetPath = path.resolve(target);
    try {
      const existing = await fs.lstat(targetPath).catch((error: unknown) => {
        if (errnoCode(error) === 'ENOENT') return null;
        throw error;
      });
      if (existing?.isDirectory()) throw fsError('EISDIR', `${targetPath} is a folder`);
      if (existing && !existing.isFile() && !existing.isSymbolicLink()) throw fsError('EINVAL', `${targetPath} is not a regular file`);
      const tempPath = path.join(path.dirname(targetPath), `${TEMP_PREFIX}${randomBytes(12).toString('hex')}${TEMP_SUFFIX}`);
      const handle = await fs.open(tempPath, 'wx', 0o600);
      return new AtomicFile(targetPath, tempPath, handle, fs, earlySyncBytes);
    } catch (error) {
      throw exportErrorOfFileSystem(error);
    }
  }

  /** Bytes on disk so far (finished writes). */
  get bytesWritten(): number {
    return this.written;
  }

  /** Bytes handed to write() so far. */
  get bytesQueued(): number {
    return this.queued;
  }

  async write(chunk: Uint8Array, written?: () => void): Promise<void> {
    if (this.state !== 'open') throw new Error('AtomicFile: write after commit or discard');
    if (this.queue.length >= MAX_QUEUED_WRITES) await this.queue.shift();
    if (this.earlySyncFailure !== null) throw this.earlySyncFailure;
    if (!this.earlySyncRunning && this.written - this.syncStartedAt >= this.earlySyncBytes) this.startEarlySync();
    if (chunk.length === 0) return;
    this.hash.update(chunk);
    this.queued += chunk.length;
    // After a failed write the ones queued behind it fail with the same error, unwritten.
    this.inflight = this.inflight.then(async () => {
      await this.writeAll(chunk);
      written?.();
    });
    this.queue.push(this.inflight);
    // Observed by a later write, commit or discard; never left unhandled meanwhile.
    this.inflight.catch(() => undefined);
  }

  /** An fsync of what is written so far, in the background; its failure is kept for later. */
  private startEarlySync(): void {
    this.earlySyncRunning = true;
    this.syncStartedAt = this.written;
    this.earlySync = this.handle.sync().then(
      () => {
        this.earlySyncRunning = false;
      },
      (error: unknown) => {
        this.earlySyncRunning = false;
        this.earlySyncFailure = exportErrorOfFileSystem(error);
      },
    );
  }

  private async writeAll(chunk: Uint8Array): Promise<void> {
    try {
      let offset = 0;
      while (offset < chunk.length) {
        const { bytesWritten } = await this.handle.write(chunk, offset, chunk.length - offset);
        if (bytesWritten <= 0) throw fsError('EIO', 'the disk accepted no bytes');
        offset += bytesWritten;
        this.written += bytesWritten;
      }
    } catch (error) {
      throw exportErrorOfFileSystem(error);
    }
  }

  /** Makes the file durable and puts it at the target path. */
  async commit(): Promise<CommittedFile> {
    if (this.state !== 'open') throw new Error('AtomicFile: commit after commit or discard');
    try {
      await this.inflight;
      await this.earlySync;
      if (this.earlySyncFailure !== null) throw this.earlySyncFailure;
      await this.handle.sync();
      this.handleOpen = false;
      await this.handle.close();
      await this.fs.rename(this.tempPath, this.targetPath);
    } catch (error) {
      throw exportErrorOfFileSystem(error);
    }
    this.state = 'committed';
    await this.syncFolder();
    return { path: this.targetPath, bytes: this.written, sha256: this.hash.digest('hex') };
  }

  /**
   * Makes the rename durable. Best effort: the file is already in place, and some platforms
   * (Windows) and file systems cannot fsync a folder, so a failure here is not an export failure.
   */
  private async syncFolder(): Promise<void> {
    if (process.platform === 'win32') return;
    let folder: FileHandle | undefined;
    try {
      folder = await this.fs.open(path.dirname(this.targetPath), 'r');
      await folder.sync();
    } catch {
      // see above
    } finally {
      await folder?.close().catch(() => undefined);
    }
  }

  /**
   * Removes the temporary file; the target is never touched. Does nothing after a commit;
   * safe to call more than once.
   */
  async discard(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'discarded';
    await this.inflight.catch(() => undefined);
    await this.earlySync;
    if (this.handleOpen) {
      this.handleOpen = false;
      await this.handle.close().catch(() => undefined);
    }
    await this.fs.unlink(this.tempPath).catch(() => undefined);
  }
}
