import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { open, rm, type FileHandle } from 'node:fs/promises';

/**
 * The encoded frames of one snapshot on disk, each sealed with AES-256-GCM under a key that
 * lives only in this process's memory, bound to the snapshot id and frame number (a frame
 * moved to another place or file does not open). The file is owner-only (0600). After a
 * restart the key is gone and so is every file's meaning: they are deleted at start.
 *
 * Record: iv (12) | ciphertext | tag (16); the index of offsets stays in memory.
 */
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SealedFrameFile {
  private readonly offsets: number[] = [];
  private readonly lengths: number[] = [];
  private size = 0;
  private closed = false;

  private readonly opening: Promise<FileHandle>;

  /** Opening is under way once this returns (a snapshot is registered before its first await). */
  constructor(
    readonly path: string,
    private readonly snapshotId: string,
    private readonly key: Buffer,
  ) {
    // wx: never reuse a file someone else made; 0600: only the server's user reads it.
    this.opening = open(path, 'wx+', 0o600);
    // A failure is answered by the first append or read; it must not go unhandled before.
    this.opening.catch(() => undefined);
  }

  static async create(path: string, snapshotId: string, key: Buffer): Promise<SealedFrameFile> {
    const file = new SealedFrameFile(path, snapshotId, key);
    await file.opening;
    return file;
  }

  get frames(): number {
    return this.offsets.length;
  }

  get bytes(): number {
    return this.size;
  }

  /**
   * Appends frame number frames + 1, given as its parts (header line, payload). The parts are
   * sealed and written as they are, without joining them first: a snapshot is hundreds of
   * megabytes, and every copy is garbage the collector must catch up with.
   */
  async append(parts: readonly Buffer[]): Promise<void> {
    const no = this.offsets.length + 1;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(this.aad(no));
    const sealed = [iv, ...parts.map((part) => cipher.update(part)), cipher.final()];
    sealed.push(cipher.getAuthTag());
    const length = sealed.reduce((sum, part) => sum + part.length, 0);
    const { bytesWritten } = await (await this.opening).writev(sealed, this.size);
    if (bytesWritten !== length) throw new Error('a snapshot frame was written short');
    this.offsets.push(this.size);
    this.lengths.push(length);
    this.size += length;
  }

  /**
   * Frame `no` (1-based) as encoded, checked. The sealed bytes are read into the reader's own
   * scratch buffer, reused frame after frame (only the opened frame is new memory).
   */
  async read(no: number, scratch: { buffer: Buffer }): Promise<Buffer> {
    if (this.closed) throw new Error('the snapshot file was removed');
    const length = this.lengths[no - 1];
    if (scratch.buffer.length < length) scratch.buffer = Buffer.allocUnsafe(length);
    const sealed = scratch.buffer.subarray(0, length);
    const { bytesRead } = await (await this.opening).read(sealed, 0, length, this.offsets[no - 1]);
    if (bytesRead !== length) throw new Error('a snapshot frame was cut short on disk');
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, IV_BYTES));
    decipher.setAAD(this.aad(no));
    decipher.setAuthTag(sealed.subarray(length - TAG_BYTES));
    const opened = decipher.update(sealed.subarray(IV_BYTES, length - TAG_BYTES));
    // GCM gives nothing more at the end; final() checks the tag.
    decipher.final();
    return opened;
  }

  async remove(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const handle = await this.opening.catch(() => null);
    await handle?.close().catch(() => undefined);
    // Only a file this instance created is removed (wx refused anyone else's).
    if (handle) await rm(this.path, { force: true });
  }

  private aad(no: number): Buffer {
    return Buffer.from(`${this.snapshotId}:${no}`, 'utf8');
  }
}
