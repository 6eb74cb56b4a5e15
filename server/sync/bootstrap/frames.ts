import { createHash } from 'node:crypto';
import type { EndFrame, RowsFrame, SnapshotFrame, TableEndFrame } from '../../../shared/bootstrap-protocol';

/**
 * Encodes the numbered frames of a snapshot (shared/bootstrap-protocol.ts): a header line of
 * JSON, then the payload. Keeps the per-table digests a table-end checksums.
 */
const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

const frame = (header: RowsFrame | TableEndFrame | EndFrame | SnapshotFrame, payload?: Buffer): Buffer => {
  const line = Buffer.from(`${JSON.stringify(header)}\n`, 'utf8');
  return payload ? Buffer.concat([line, payload], line.length + payload.length) : line;
};

export class FrameEncoder {
  private no = 0;
  private digests: string[] = [];
  private count = 0;

  /** Rows already in JSON text (one array each): joined, never parsed. */
  rows(table: string, rowsJson: readonly string[]): Buffer {
    const payload = Buffer.from(`[${rowsJson.join(',')}]`, 'utf8');
    const sha256 = sha256Hex(payload);
    this.digests.push(sha256);
    this.count += rowsJson.length;
    this.no += 1;
    return frame({ kind: 'rows', no: this.no, table, count: rowsJson.length, bytes: payload.length, sha256 }, payload);
  }

  tableEnd(table: string): { frame: Buffer; count: number } {
    const count = this.count;
    const sha256 = sha256Hex(this.digests.join('\n'));
    this.digests = [];
    this.count = 0;
    this.no += 1;
    return { frame: frame({ kind: 'table-end', no: this.no, table, count, sha256, bytes: 0 }), count };
  }

  end(seq: number): Buffer {
    this.no += 1;
    return frame({ kind: 'end', no: this.no, seq, bytes: 0 });
  }
}

export function encodeSnapshotFrame(header: SnapshotFrame): Buffer {
  return frame(header);
}
