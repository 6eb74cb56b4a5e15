import type { TextOut } from './columns';

/** Encoded text is handed on in pieces of this many bytes (a few rows more or less). */
export const CHUNK_BYTES = 256 * 1024;
/**
 * Pieces of a row are joined into one string of up to this many UTF-16 units, then encoded in
 * one call: V8 flattens and encodes a one-byte string with block copies, which is cheaper than
 * copying each character in JavaScript or calling the encoder for every short piece.
 */
const PENDING_UNITS = 8 * 1024;
/** Buffers kept for reuse (the file queues up to four writes, zlib takes up to 1 MB ahead). */
const MAX_SPARE = 4;

/**
 * Encoded rows as UTF-8 in fixed-size buffers; a full buffer is ready to hand on as it is.
 * Buffers given back with recycle() once the consumer is done with them are filled again:
 * a long export allocates a few buffers instead of one per 256 KB (which cost page faults and
 * full garbage collections triggered by the external memory).
 */
export class Utf8Chunks implements TextOut {
  private readonly ours = new WeakSet<ArrayBufferLike>();
  private readonly spare: Buffer[] = [];
  private buffer = this.allocate();
  private used = 0;
  private pending = '';
  private full: Buffer[] = [];

  private allocate(): Buffer {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    this.ours.add(buffer.buffer);
    return buffer;
  }

  /** Text of ASCII characters only (markup, digits). */
  ascii(text: string): void {
    this.pending += text;
    if (this.pending.length >= PENDING_UNITS) this.encodePending();
  }

  /** Any text. */
  text(text: string): void {
    this.pending += text;
    if (this.pending.length >= PENDING_UNITS) this.encodePending();
  }

  private encodePending(): void {
    const text = this.pending;
    if (text.length === 0) return;
    this.pending = '';
    // A UTF-16 code unit is at most 3 bytes of UTF-8; the exact size is asked for only when
    // that bound does not fit.
    const fits = (free: number) => text.length * 3 <= free || (text.length <= free && Buffer.byteLength(text, 'utf8') <= free);
    if (!fits(this.buffer.length - this.used)) {
      this.seal();
      if (!fits(this.buffer.length)) {
        this.full.push(Buffer.from(text, 'utf8'));
        return;
      }
    }
    this.used += this.buffer.write(text, this.used);
  }

  /** A buffer is full and waiting to be handed on. */
  get hasFullChunk(): boolean {
    return this.full.length > 0;
  }

  private seal(): void {
    if (this.used === 0) return;
    this.full.push(this.buffer.subarray(0, this.used));
    this.buffer = this.spare.pop() ?? this.allocate();
    this.used = 0;
  }

  /** The full buffers, in order; the one being filled stays (fewer, larger writes). */
  takeFull(): Buffer[] {
    const chunks = this.full;
    this.full = [];
    return chunks;
  }

  /** Everything so far, in order. */
  take(): Buffer[] {
    this.encodePending();
    this.seal();
    return this.takeFull();
  }

  /** A chunk from take() that nobody reads any more: its buffer may be filled again. */
  recycle(chunk: Buffer): void {
    if (this.spare.length < MAX_SPARE && this.ours.has(chunk.buffer)) this.spare.push(Buffer.from(chunk.buffer, chunk.byteOffset, CHUNK_BYTES));
  }

  clear(): void {
    this.full = [];
    this.pending = '';
    this.used = 0;
  }
}
