import { createHash } from 'node:crypto';
import {
  FrameHeaderSchema,
  MAX_FRAME_HEADER_BYTES,
  SnapshotFrameSchema,
  type EndFrame,
  type FrameHeader,
  type SnapshotFrame,
} from '../../shared/bootstrap-protocol';

/**
 * Reads a bootstrap answer the way a client must (shared/bootstrap-protocol.ts): header line,
 * then exactly `bytes` of payload; every rows frame's sha256, every table-end's count and digest
 * of digests, frame numbers without gap. Throws on the first thing that does not hold.
 */
export interface DecodedFrame {
  header: FrameHeader;
  /** Header line and payload exactly as received (resumes must repeat them byte for byte). */
  raw: Buffer;
}

export interface DecodedBootstrap {
  snapshot: SnapshotFrame;
  /** The numbered frames, in order. */
  frames: DecodedFrame[];
  /** Rows per table as objects keyed by the snapshot's column names. */
  tables: Map<string, Record<string, unknown>[]>;
  end: EndFrame | null;
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

export function decodeBootstrap(body: Buffer, options: { from?: number } = {}): DecodedBootstrap {
  let offset = 0;
  const next = (): { header: FrameHeader; payload: Buffer; raw: Buffer } | null => {
    if (offset >= body.length) return null;
    const newline = body.indexOf(0x0a, offset);
    if (newline < 0 || newline - offset > MAX_FRAME_HEADER_BYTES) throw new Error(`no frame header at byte ${offset}`);
    const header = FrameHeaderSchema.parse(JSON.parse(body.subarray(offset, newline).toString('utf8')));
    const end = newline + 1 + header.bytes;
    if (end > body.length) throw new Error(`frame cut short at byte ${offset}`);
    const frame = { header, payload: body.subarray(newline + 1, end), raw: body.subarray(offset, end) };
    offset = end;
    return frame;
  };
  const first = next();
  if (!first) throw new Error('empty answer');
  const snapshot = SnapshotFrameSchema.parse(first.header);
  const columnsOf = new Map(snapshot.tables.map((table) => [table.table, table.columns]));
  const tables = new Map<string, Record<string, unknown>[]>();
  const frames: DecodedFrame[] = [];
  let expectedNo = options.from ?? 1;
  let digests: string[] = [];
  let count = 0;
  let end: EndFrame | null = null;
  for (let frame = next(); frame; frame = next()) {
    const { header, payload } = frame;
    if (header.kind === 'snapshot') throw new Error('a second snapshot frame');
    if (end) throw new Error('a frame after the end frame');
    if (header.no !== expectedNo) throw new Error(`frame ${header.no} where ${expectedNo} was due`);
    expectedNo += 1;
    frames.push({ header, raw: frame.raw });
    if (header.kind === 'rows') {
      if (sha256(payload) !== header.sha256) throw new Error(`frame ${header.no}: payload does not match its sha256`);
      const rows = JSON.parse(payload.toString('utf8')) as unknown[][];
      if (rows.length !== header.count) throw new Error(`frame ${header.no}: ${rows.length} rows, header says ${header.count}`);
      const columns = columnsOf.get(header.table);
      if (!columns) throw new Error(`frame ${header.no}: table ${header.table} not in the snapshot frame`);
      const list = tables.get(header.table) ?? [];
      for (const values of rows) {
        if (values.length !== columns.length) throw new Error(`frame ${header.no}: a row of ${values.length} values for ${columns.length} columns`);
        list.push(Object.fromEntries(columns.map((column, index) => [column, values[index]])));
      }
      tables.set(header.table, list);
      digests.push(header.sha256);
      count += rows.length;
    } else if (header.kind === 'table-end') {
      if (options.from === undefined) {
        if (header.count !== count) throw new Error(`table ${header.table}: ${count} rows received, table-end says ${header.count}`);
        if (sha256(digests.join('\n')) !== header.sha256) throw new Error(`table ${header.table}: digest of digests does not match`);
        const announced = snapshot.tables.find((table) => table.table === header.table)?.rows;
        if (announced !== count) throw new Error(`table ${header.table}: ${count} rows received, snapshot frame announced ${announced}`);
      }
      tables.set(header.table, tables.get(header.table) ?? []);
      digests = [];
      count = 0;
    } else {
      end = header;
    }
  }
  return { snapshot, frames, tables, end };
}
