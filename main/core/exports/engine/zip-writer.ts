import { once } from 'node:events';
import type { TransformOptions } from 'node:stream';
import { crc32, createDeflateRaw, deflateRawSync, type DeflateRaw, type ZlibOptions } from 'node:zlib';

/**
 * A minimal streaming ZIP writer (PKWARE APPNOTE 6.3): entries one after the other, small
 * ones deflated in one go, large ones streamed through zlib with a data descriptor after
 * them, ZIP64 records where a size or offset needs them. Enough for an XLSX package, with
 * nothing buffered beyond zlib's window and one chunk in flight.
 *
 * Entry times are fixed (1980-01-01): the same rows make the same bytes.
 */

/**
 * Where the bytes go, in order. A write resolves when the sink can take more. `written`, when
 * given, is called once the sink no longer reads the chunk (its buffer may be filled again).
 */
export interface ByteSink {
  write(chunk: Uint8Array, written?: () => void): Promise<void>;
}

const LOCAL_HEADER = 0x04034b50;
const DATA_DESCRIPTOR = 0x08074b50;
const CENTRAL_HEADER = 0x02014b50;
const ZIP64_END = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;

const FLAG_DATA_DESCRIPTOR = 0x0008;
const FLAG_UTF8_NAME = 0x0800;
const METHOD_DEFLATE = 8;
const VERSION_DEFAULT = 20;
const VERSION_ZIP64 = 45;
const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;
const MAX_32 = 0xffffffff;
const MAX_16 = 0xffff;
/** Input a streamed entry may hold for zlib before write() asks the writer to wait. */
const STREAM_INPUT_BUFFER = 1024 * 1024;

interface EntryRecord {
  name: Buffer;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
}

export interface ZipWriterOptions {
  /** Deflate level 0..9 for all entries. */
  level: number;
  /** Write ZIP64 records even when nothing needs them (tests the large-file layout on small files). */
  forceZip64?: boolean;
}

export class ZipWriter {
  private offset = 0;
  private readonly entries: EntryRecord[] = [];
  private open: ZipEntryStream | null = null;

  constructor(
    private readonly sink: ByteSink,
    private readonly options: ZipWriterOptions,
  ) {}

  /** Bytes of the archive so far. */
  get bytesWritten(): number {
    return this.offset;
  }

  private async emit(chunk: Uint8Array): Promise<void> {
    this.offset += chunk.length;
    await this.sink.write(chunk);
  }

  private localHeader(name: Buffer, flags: number, crc: number, compressedSize: number, size: number): Buffer {
    const header = Buffer.alloc(30);
    header.writeUInt32LE(LOCAL_HEADER, 0);
    header.writeUInt16LE(this.options.forceZip64 ? VERSION_ZIP64 : VERSION_DEFAULT, 4);
    header.writeUInt16LE(flags, 6);
    header.writeUInt16LE(METHOD_DEFLATE, 8);
    header.writeUInt16LE(0, 10); // 00:00:00
    header.writeUInt16LE(DOS_DATE_1980_01_01, 12);
    header.writeUInt32LE(crc, 14);
    header.writeUInt32LE(compressedSize, 18);
    header.writeUInt32LE(size, 22);
    header.writeUInt16LE(name.length, 26);
    header.writeUInt16LE(0, 28);
    return Buffer.concat([header, name]);
  }

  /** A whole (small) entry. */
  async addFile(path: string, content: string | Uint8Array): Promise<void> {
    if (this.open) throw new Error(`zip: ${path} added while an entry is streaming`);
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const compressed = deflateRawSync(data, { level: this.options.level });
    const name = Buffer.from(path, 'utf8');
    if (data.length >= MAX_32 || compressed.length >= MAX_32) throw new Error('zip: addFile is for small entries');
    const record: EntryRecord = { name, flags: FLAG_UTF8_NAME, crc: crc32(data), compressedSize: compressed.length, size: data.length, offset: this.offset };
    await this.emit(this.localHeader(name, record.flags, record.crc, record.compressedSize, record.size));
    await this.emit(compressed);
    this.entries.push(record);
  }

  /** Starts an entry whose content is written in pieces; close it before anything else. */
  async openStream(path: string): Promise<ZipEntryStream> {
    if (this.open) throw new Error(`zip: ${path} opened while an entry is streaming`);
    const name = Buffer.from(path, 'utf8');
    const record: EntryRecord = { name, flags: FLAG_UTF8_NAME | FLAG_DATA_DESCRIPTOR, crc: 0, compressedSize: 0, size: 0, offset: this.offset };
    await this.emit(this.localHeader(name, record.flags, 0, 0, 0));
    // 256 KiB pieces of output (zlib's default is 16 KiB): fewer callbacks and file writes.
    // Up to 1 MiB of input may wait for zlib (the default is 16 KiB, less than one piece of
    // text): the rows of the next pieces are encoded while zlib compresses on its own thread,
    // instead of the two taking turns.
    // (zlib hands its options on to its Transform stream; @types/node only lists zlib's own.)
    const options: ZlibOptions & TransformOptions = { level: this.options.level, chunkSize: 256 * 1024, writableHighWaterMark: STREAM_INPUT_BUFFER };
    const deflate = createDeflateRaw(options);
    const stream = new ZipEntryStream(record, deflate, (chunk) => this.emit(chunk), async () => {
      const large = this.options.forceZip64 || record.size >= MAX_32 || record.compressedSize >= MAX_32;
      const descriptor = Buffer.alloc(large ? 24 : 16);
      descriptor.writeUInt32LE(DATA_DESCRIPTOR, 0);
      descriptor.writeUInt32LE(record.crc, 4);
      if (large) {
        descriptor.writeBigUInt64LE(BigInt(record.compressedSize), 8);
        descriptor.writeBigUInt64LE(BigInt(record.size), 16);
      } else {
        descriptor.writeUInt32LE(record.compressedSize, 8);
        descriptor.writeUInt32LE(record.size, 12);
      }
      await this.emit(descriptor);
      this.entries.push(record);
      this.open = null;
    });
    this.open = stream;
    return stream;
  }

  /** Writes the central directory; the archive is complete when this resolves. */
  async finish(): Promise<void> {
    if (this.open) throw new Error('zip: finish() while an entry is streaming');
    const directoryOffset = this.offset;
    for (const entry of this.entries) await this.emit(this.centralHeader(entry));
    const directorySize = this.offset - directoryOffset;
    const count = this.entries.length;
    const needZip64 = this.options.forceZip64 || count >= MAX_16 || directorySize >= MAX_32 || directoryOffset >= MAX_32;
    if (needZip64) {
      const zip64EndOffset = this.offset;
      const end64 = Buffer.alloc(56);
      end64.writeUInt32LE(ZIP64_END, 0);
      end64.writeBigUInt64LE(44n, 4); // size of the rest of this record
      end64.writeUInt16LE(VERSION_ZIP64, 12);
      end64.writeUInt16LE(VERSION_ZIP64, 14);
      end64.writeUInt32LE(0, 16); // this disk
      end64.writeUInt32LE(0, 20); // disk with the central directory
      end64.writeBigUInt64LE(BigInt(count), 24);
      end64.writeBigUInt64LE(BigInt(count), 32);
      end64.writeBigUInt64LE(BigInt(directorySize), 40);
      end64.writeBigUInt64LE(BigInt(directoryOffset), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(ZIP64_LOCATOR, 0);
      locator.writeUInt32LE(0, 4);
      locator.writeBigUInt64LE(BigInt(zip64EndOffset), 8);
      locator.writeUInt32LE(1, 16); // total disks
      await this.emit(Buffer.concat([end64, locator]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
    end.writeUInt16LE(0, 4);
    end.writeUInt16LE(0, 6);
    end.writeUInt16LE(needZip64 ? MAX_16 : count, 8);
    end.writeUInt16LE(needZip64 ? MAX_16 : count, 10);
    end.writeUInt32LE(needZip64 ? MAX_32 : directorySize, 12);
    end.writeUInt32LE(needZip64 ? MAX_32 : directoryOffset, 16);
    end.writeUInt16LE(0, 20); // comment length
    await this.emit(end);
  }

  private centralHeader(entry: EntryRecord): Buffer {
    const force = this.options.forceZip64 === true;
    const bigSize = force || entry.size >= MAX_32;
    const bigCompressed = force || entry.compressedSize >= MAX_32;
    const bigOffset = force || entry.offset >= MAX_32;
    const extraFields: bigint[] = [];
    if (bigSize) extraFields.push(BigInt(entry.size));
    if (bigCompressed) extraFields.push(BigInt(entry.compressedSize));
    if (bigOffset) extraFields.push(BigInt(entry.offset));
    const extra = Buffer.alloc(extraFields.length > 0 ? 4 + 8 * extraFields.length : 0);
    if (extraFields.length > 0) {
      extra.writeUInt16LE(0x0001, 0); // ZIP64 extended information
      extra.writeUInt16LE(8 * extraFields.length, 2);
      extraFields.forEach((value, i) => extra.writeBigUInt64LE(value, 4 + 8 * i));
    }
    const version = extraFields.length > 0 ? VERSION_ZIP64 : VERSION_DEFAULT;
    const header = Buffer.alloc(46);
    header.writeUInt32LE(CENTRAL_HEADER, 0);
    header.writeUInt16LE(version, 4); // made by: MS-DOS attributes, this spec version
    header.writeUInt16LE(version, 6);
    header.writeUInt16LE(entry.flags, 8);
    header.writeUInt16LE(METHOD_DEFLATE, 10);
    header.writeUInt16LE(0, 12);
    header.writeUInt16LE(DOS_DATE_1980_01_01, 14);
    header.writeUInt32LE(entry.crc, 16);
    header.writeUInt32LE(bigCompressed ? MAX_32 : entry.compressedSize, 20);
    header.writeUInt32LE(bigSize ? MAX_32 : entry.size, 24);
    header.writeUInt16LE(entry.name.length, 28);
    header.writeUInt16LE(extra.length, 30);
    header.writeUInt16LE(0, 32); // comment
    header.writeUInt16LE(0, 34); // disk
    header.writeUInt16LE(0, 36); // internal attributes
    header.writeUInt32LE(0, 38); // external attributes
    header.writeUInt32LE(bigOffset ? MAX_32 : entry.offset, 42);
    return Buffer.concat([header, entry.name, extra]);
  }
}

/**
 * The content of one streamed entry. write() hands a piece to zlib and resolves at once while
 * zlib has room, or after 'drain' when it has not; the compressed output goes to the sink one
 * chunk at a time (a for-await over zlib's output, so a slow disk pauses zlib, and a full
 * zlib pauses the writer).
 */
export class ZipEntryStream {
  private readonly pump: Promise<void>;
  private failure: unknown = null;

  constructor(
    private readonly record: EntryRecord,
    private readonly deflate: DeflateRaw,
    emit: (chunk: Uint8Array) => Promise<void>,
    private readonly done: () => Promise<void>,
  ) {
    this.pump = (async () => {
      for await (const chunk of deflate as AsyncIterable<Buffer>) {
        record.compressedSize += chunk.length;
        await emit(chunk);
      }
    })();
    deflate.on('error', (error: unknown) => {
      this.failure ??= error;
    });
    // Remember the first failure so that a writer waiting for 'drain' is released with it.
    this.pump.catch((error: unknown) => {
      this.failure ??= error;
      deflate.emit('drain');
    });
  }

  /**
   * Adds content; await the result when it is a promise (zlib is full). `consumed` is called
   * once zlib has read `data` and holds no reference to it.
   */
  write(data: Buffer, consumed?: () => void): Promise<void> | undefined {
    if (this.failure !== null) return Promise.reject(this.failure);
    this.record.crc = crc32(data, this.record.crc);
    this.record.size += data.length;
    const written = consumed ? this.deflate.write(data, (error) => {
          if (!error) consumed();
        }) : this.deflate.write(data);
    if (written) return undefined;
    return once(this.deflate, 'drain').then(() => {
      if (this.failure !== null) throw this.failure;
    });
  }

  async close(): Promise<void> {
    if (this.failure !== null) throw this.failure;
    this.deflate.end();
    await this.pump;
    await this.done();
  }

  /** Stops zlib after a failure elsewhere; the archive is abandoned. */
  destroy(): void {
    this.deflate.destroy();
  }
}
