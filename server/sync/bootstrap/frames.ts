import { createHash } from 'node:crypto';
import type { EndFrame, RowsFrame, SnapshotFrame, TableEndFrame } from '../../../shared/bootstrap-protocol';

/**
 * Encodes the numbered frames of a snapshot (shared/bootstrap-protocol.ts): a header line of
 * JSON, then the payload. Keeps the per-table digests a table-end checksums.
 */
const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** A frame as its parts: the header line, then the payload if any (written without joining them). */
export type EncodedFrame = Buffer[];

const frame = (header: RowsFrame | TableEndFrame | EndFrame | SnapshotFrame, payload?: Buffer): EncodedFrame => {
  const line = Buffer.from(`${JSON.stringify(header)}\n`, 'utf8');
  return payload ? [line, payload] : [line];
};

export class FrameEncoder {
  private no = 0;
  /** Payloads are encoded into this buffer, reused: a frame's payload is valid until the next rows(). */
  private scratch = Buffer.alloc(0);
  private digests: string[] = [];
  private count = 0;

  /**
   * Rows already in JSON text (one array each): joined, never parsed. The payload lives in a
   * reused buffer, valid until the next call (the build waits for each frame to be sealed).
   */
  rows(table: string, rowsJson: readonly string[], recent = false): EncodedFrame {
    const text = `[${rowsJson.join(',')}]`;
    const size = Buffer.byteLength(text, 'utf8');
    if (this.scratch.length < size) this.scratch = Buffer.allocUnsafe(Math.max(size, this.scratch.length * 2));
    const payload = this.scratch.subarray(0, this.scratch.write(text, 0, 'utf8'));
    const sha256 = sha256Hex(payload);
    this.digests.push(sha256);
    this.count += rowsJson.length;
    this.no += 1;
    return frame({ kind: 'rows', no: this.no, table, count: rowsJson.length, bytes: payload.length, sha256, ...(recent ? { recent } : {}) }, payload);
  }

  tableEnd(table: string): { frame: EncodedFrame; count: number } {
    const count = this.count;
    const sha256 = sha256Hex(this.digests.join('\n'));
    this.digests = [];
    this.count = 0;
    this.no += 1;
    return { frame: frame({ kind: 'table-end', no: this.no, table, count, sha256, bytes: 0 }), count };
  }

  end(seq: number): EncodedFrame {
    this.no += 1;
    return frame({ kind: 'end', no: this.no, seq, bytes: 0 });
  }
}

export function encodeSnapshotFrame(header: SnapshotFrame): Buffer {
  return frame(header)[0];
}
