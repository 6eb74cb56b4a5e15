import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { encodeBson, type BsonValue } from './bson';
import { readRecording, type RecordingHeader, type RowValue } from './recording';

/**
 * PowerSync's sync protocol as its service sends a first sync: a `checkpoint` line naming each
 * bucket with its op count and checksum, `data` lines of up to 1,000 PUT ops (the service's
 * DEFAULT_DOCUMENT_BATCH_LIMIT), then `checkpoint_complete`. The client sums the op checksums of
 * each bucket and refuses the checkpoint if the sum differs from the one announced.
 */
export type WireFormat = 'bson' | 'ndjson';

/** The service picks BSON when the client's Accept header prefers it, as @powersync/node's does. */
export const contentTypes: Record<WireFormat, string> = {
  bson: 'application/vnd.powersync.bson-stream',
  ndjson: 'application/x-ndjson',
};

export type ColumnType = 'text' | 'integer' | 'real';

export interface PreparedStream {
  header: RecordingHeader;
  /** Rows actually read from the recording (the header's count is a claim, this is the fact). */
  rows: number;
  columnTypes: Record<string, ColumnType>;
  bucket: string;
  format: WireFormat;
  checkpointLine: Buffer;
  completeLine: Buffer;
  /** The data lines, encoded, back to back. */
  dataPath: string;
  /** Byte offset in dataPath where each data line ends. */
  lineEnds: number[];
  /** The whole response (checkpoint, data, checkpoint_complete) gzipped, when it is served so. */
  gzipPath?: string;
}

export function encodeLine(line: { [key: string]: BsonValue }, format: WireFormat): Buffer {
  return format === 'bson' ? encodeBson(line) : Buffer.from(`${JSON.stringify(line)}\n`);
}

/** The service's hashData: the first four bytes of sha256("put.type.id.data"), little-endian. */
export function opChecksum(type: string, id: string, data: string): number {
  return createHash('sha256').update(`put.${type}.${id}.${data}`).digest().readUInt32LE(0);
}

/** The service's addChecksums: a wrapping 32-bit sum, which JavaScript's `&` makes signed. */
export function addChecksums(a: number, b: number): number {
  return (a + b) & 0xffffffff;
}

/** The service's subkey shape (source table id / a uuid derived from the row's key). */
function subkeyFor(tableId: string, id: string): string {
  const hex = createHash('sha1').update(id).digest('hex');
  return `${tableId}/${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function inferType(type: ColumnType | undefined, value: RowValue): ColumnType | undefined {
  if (value === null) return type;
  if (typeof value === 'string') return 'text';
  if (!Number.isInteger(value)) return type === 'text' ? 'text' : 'real';
  return type ?? 'integer';
}

/**
 * Encodes the recording into the lines the service would send, before anything is timed, so that
 * the local server only copies bytes while the client syncs.
 */
export async function prepareStream(recordingPath: string, dataPath: string, format: WireFormat, opsPerLine = 1000): Promise<PreparedStream> {
  const { header, batches } = await readRecording(recordingPath);
  const table = header.table;
  const idIndex = header.columns.indexOf('id');
  const bucket = 'global[]';
  const tableId = createHash('sha1').update(table).digest('hex').slice(0, 24);
  const types: Record<string, ColumnType | undefined> = {};
  const out = createWriteStream(dataPath);
  const lineEnds: number[] = [];
  let written = 0;
  let rows = 0;
  let checksum = 0;
  let pending: { [key: string]: BsonValue }[] = [];

  const flush = async (hasMore: boolean) => {
    if (pending.length === 0) return;
    const after = String(rows - pending.length);
    const line = encodeLine({ data: { bucket, after, has_more: hasMore, next_after: String(rows), data: pending } }, format);
    pending = [];
    written += line.length;
    lineEnds.push(written);
    if (!out.write(line)) await once(out, 'drain');
  };

  for await (const batch of batches) {
    for (const row of batch) {
      const object: Record<string, RowValue> = {};
      header.columns.forEach((name, i) => {
        object[name] = row[i];
        types[name] = inferType(types[name], row[i]);
      });
      const id = String(row[idIndex]);
      const data = JSON.stringify(object);
      const opChecksumValue = opChecksum(table, id, data);
      checksum = addChecksums(checksum, opChecksumValue);
      rows += 1;
      pending.push({
        op_id: String(rows),
        op: 'PUT',
        object_type: table,
        object_id: id,
        checksum: opChecksumValue,
        subkey: subkeyFor(tableId, id),
        data,
      });
      if (pending.length === opsPerLine) await flush(true);
    }
  }
  await flush(false);
  out.end();
  await once(out, 'finish');

  const lastOpId = String(rows);
  const columnTypes = Object.fromEntries(header.columns.filter((name) => name !== 'id').map((name) => [name, types[name] ?? 'text']));
  return {
    header,
    rows,
    columnTypes,
    bucket,
    format,
    checkpointLine: encodeLine({ checkpoint: { last_op_id: lastOpId, write_checkpoint: undefined, buckets: [{ bucket, checksum, priority: 3, count: rows }] } }, format),
    completeLine: encodeLine({ checkpoint_complete: { last_op_id: lastOpId } }, format),
    dataPath,
    lineEnds,
  };
}

/**
 * The service gzips the stream for a client that accepts gzip and not zstd, as undici's fetch in
 * @powersync/node does; compressed ahead of time so the server spends nothing while timed.
 */
export async function gzipResponse(prepared: PreparedStream, gzipPath: string): Promise<PreparedStream> {
  async function* body() {
    yield prepared.checkpointLine;
    yield* createReadStream(prepared.dataPath);
    yield prepared.completeLine;
  }
  await pipeline(Readable.from(body()), createGzip(), createWriteStream(gzipPath));
  return { ...prepared, gzipPath };
}
