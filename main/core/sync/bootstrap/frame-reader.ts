import { createHash } from 'node:crypto';
import { FrameHeaderSchema, MAX_FRAME_HEADER_BYTES, MAX_FRAME_PAYLOAD_BYTES, type FrameHeader } from '../../../../shared/bootstrap-protocol';
import { PlantdeskError } from '../../../../shared/errors';

/**
 * Reads a bootstrap answer (shared/bootstrap-protocol.ts) frame by frame as its bytes arrive:
 * a header line, then exactly its payload. A rows frame whose payload does not hash to its
 * sha256 is refused, so nothing of it is ever written. An answer that stops part way through a
 * frame is a cut (resumable), not a bad answer: it ends in `BootstrapCut`.
 */
export interface Frame {
  header: FrameHeader;
  payload: Buffer;
}

export class BootstrapCut extends PlantdeskError {
  constructor() {
    super('server_unreachable', 'The connection to the server broke off during the first download; it resumes where it stopped.');
    this.name = 'BootstrapCut';
  }
}

const refuse = (message: string) => new PlantdeskError('invalid_server_response', `${message} Nothing of it was written.`);

function parseHeader(line: Buffer): FrameHeader {
  let json: unknown;
  try {
    json = JSON.parse(line.toString('utf8'));
  } catch {
    throw refuse('The first-sync download carried a damaged frame header.');
  }
  const parsed = FrameHeaderSchema.safeParse(json);
  if (!parsed.success) throw refuse('The first-sync download carried a frame this version of Plantdesk does not understand.');
  return parsed.data;
}

/** Bytes received and not yet handed out, without copying until a whole piece is there. */
class Pending {
  private chunks: Buffer[] = [];
  length = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** Offset of the first '\n' within the first `limit` bytes, or -1. */
  newlineWithin(limit: number): number {
    let offset = 0;
    for (const chunk of this.chunks) {
      const at = chunk.indexOf(0x0a);
      if (at !== -1 && offset + at < limit) return offset + at;
      if (at !== -1) return -1;
      offset += chunk.length;
      if (offset >= limit) return -1;
    }
    return -1;
  }

  /**
   * The next `count` bytes in a buffer of their own (an ArrayBuffer of exactly that size): a
   * payload moves to the loader's thread as it is, where a view of a larger buffer would be
   * copied again there.
   */
  takeOwn(count: number): Buffer {
    const own = Buffer.allocUnsafeSlow(count);
    let filled = 0;
    while (filled < count) {
      const chunk = this.chunks[0];
      const used = Math.min(chunk.length, count - filled);
      chunk.copy(own, filled, 0, used);
      filled += used;
      if (used === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(used);
    }
    this.length -= count;
    return own;
  }

  take(count: number): Buffer {
    const whole = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.length);
    const taken = whole.subarray(0, count);
    const rest = whole.subarray(count);
    this.chunks = rest.length ? [rest] : [];
    this.length = rest.length;
    return taken;
  }
}

export async function* readFrames(body: AsyncIterable<Buffer>): AsyncGenerator<Frame> {
  const iterator = body[Symbol.asyncIterator]();
  try {
    yield* framesOf(iterator);
  } finally {
    // Stopped early (the end frame read, or a frame refused): release the answer, so its
    // connection is closed instead of left half read in the client's pool.
    try {
      await iterator.return?.();
    } catch {
      // A broken connection has nothing left to release.
    }
  }
}

async function* framesOf(iterator: AsyncIterator<Buffer>): AsyncGenerator<Frame> {
  const pending = new Pending();
  let header: FrameHeader | null = null;
  for (;;) {
    // Hand out every whole frame already received before reading more.
    for (;;) {
      if (header === null) {
        const newline = pending.newlineWithin(MAX_FRAME_HEADER_BYTES);
        if (newline === -1) {
          if (pending.length >= MAX_FRAME_HEADER_BYTES) throw refuse('The first-sync download carried a frame header that never ended.');
          break;
        }
        const line = pending.take(newline + 1);
        header = parseHeader(line.subarray(0, newline));
        if (header.bytes > MAX_FRAME_PAYLOAD_BYTES) throw refuse('The first-sync download announced a frame larger than Plantdesk accepts.');
      }
      if (pending.length < header.bytes) break;
      const payload = pending.takeOwn(header.bytes);
      if (header.kind === 'rows' && createHash('sha256').update(payload).digest('hex') !== header.sha256) {
        throw refuse(`Part ${header.no} of the first-sync download did not match its checksum.`);
      }
      yield { header, payload };
      header = null;
    }
    let next: IteratorResult<Buffer>;
    try {
      next = await iterator.next();
    } catch {
      throw new BootstrapCut();
    }
    if (next.done) {
      if (header !== null || pending.length > 0) throw new BootstrapCut();
      return;
    }
    pending.push(next.value);
  }
}
