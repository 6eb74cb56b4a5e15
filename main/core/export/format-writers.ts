import { UTF8_BOM } from '../../../shared/csv';
import { prepareColumns, type PreparedColumn, type RowEncoder, type TextOut } from './columns';
import { createCsvEncoder } from './csv-encoder';
import { createJsonLinesEncoder } from './jsonl-encoder';
import type { ExportFormat, ExportSpec } from './types';
import { createWorkbookTextState, createXlsxSheetEncoder, type WorkbookTextState } from './xlsx-sheet-encoder';
import {
  MAX_SHEET_ROWS,
  contentTypesXml,
  packageRelationshipsXml,
  sheetNameFor,
  stylesXml,
  workbookRelationshipsXml,
  workbookXml,
  worksheetPath,
} from './xlsx-parts';
import { ZipWriter, type ByteSink, type ZipEntryStream } from './zip-writer';

/** Encoded text is handed on in pieces of this many bytes (a few rows more or less). */
const CHUNK_BYTES = 256 * 1024;

/**
 * Encoded rows, written as UTF-8 straight into fixed-size buffers as they come: no long string
 * is built, flattened and encoded again, and a full buffer is ready to hand on as it is.
 */
class Utf8Chunks implements TextOut {
  private buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  private full: Buffer[] = [];

  append(text: string): void {
    // A UTF-16 code unit is at most 3 bytes of UTF-8.
    if (text.length * 3 > this.buffer.length - this.used) {
      this.seal();
      if (text.length * 3 > this.buffer.length) {
        this.full.push(Buffer.from(text, 'utf8'));
        return;
      }
    }
    this.used += this.buffer.write(text, this.used);
  }

  /**
   * Text of ASCII characters only (markup, digits), copied a character at a time: for the short
   * pieces of a row, cheaper than a call into the UTF-8 encoder, and no string is built.
   */
  ascii(text: string): void {
    const length = text.length;
    if (length > this.buffer.length - this.used) this.makeRoom(length);
    const buffer = this.buffer;
    let at = this.used;
    for (let i = 0; i < length; i++) buffer[at++] = text.charCodeAt(i);
    this.used = at;
  }

  /** Any text, as UTF-8: copied as ASCII up to the first other character, encoded from there. */
  text(text: string): void {
    const length = text.length;
    if (length > this.buffer.length - this.used) this.makeRoom(length);
    const buffer = this.buffer;
    let at = this.used;
    for (let i = 0; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) {
        this.used = at;
        this.append(i === 0 ? text : text.slice(i));
        return;
      }
      buffer[at++] = code;
    }
    this.used = at;
  }

  /** At least `bytes` free bytes in the current buffer, sealing the full one. */
  private makeRoom(bytes: number): void {
    this.seal();
    if (bytes > this.buffer.length) this.buffer = Buffer.allocUnsafe(bytes);
  }

  /** A buffer is full and waiting to be handed on. */
  get hasFullChunk(): boolean {
    return this.full.length > 0;
  }

  private seal(): void {
    if (this.used === 0) return;
    this.full.push(this.buffer.subarray(0, this.used));
    this.buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    this.used = 0;
  }

  /** Everything so far, in order; the chunks are not used again. */
  take(): Buffer[] {
    this.seal();
    const chunks = this.full;
    this.full = [];
    return chunks;
  }

  clear(): void {
    this.full = [];
    this.used = 0;
  }
}

/**
 * Turns rows into the bytes of one file format. row() only encodes into memory; the engine
 * calls flush() whenever needsFlush says so, which is where back-pressure is felt.
 */
export interface FormatWriter<Row> {
  start(): Promise<void>;
  row(row: Row): void;
  readonly needsFlush: boolean;
  flush(): Promise<void>;
  finish(): Promise<void>;
  /** Releases what the writer holds after a failure; the file is abandoned. */
  destroy(): void;
  /** Text cells shortened to fit the format (XLSX only). */
  readonly truncatedCells: number;
}

/** CSV and JSON Lines: encoded text, as UTF-8, straight to the file. */
class TextFormatWriter<Row> implements FormatWriter<Row> {
  private readonly chunks = new Utf8Chunks();
  readonly truncatedCells = 0;

  constructor(
    private readonly sink: ByteSink,
    private readonly encoder: RowEncoder<Row>,
    private readonly prefix: string,
  ) {}

  async start(): Promise<void> {
    this.chunks.append(this.prefix + this.encoder.header());
  }

  row(row: Row): void {
    this.encoder.rowInto(row, this.chunks);
  }

  get needsFlush(): boolean {
    return this.chunks.hasFullChunk;
  }

  async flush(): Promise<void> {
    for (const chunk of this.chunks.take()) await this.sink.write(chunk);
  }

  async finish(): Promise<void> {
    this.chunks.append(this.encoder.footer());
    await this.flush();
  }

  destroy(): void {
    this.chunks.clear();
  }
}

type ExtraSheet = ReturnType<NonNullable<ExportSpec['extraSheets']>>[number];

/**
 * XLSX: worksheets streamed through deflate into a ZIP, the workbook parts written last (they
 * name the sheets, known only at the end). A table longer than Excel's 1,048,576 rows goes on
 * in a further sheet with the header repeated.
 */
class XlsxFormatWriter<Row> implements FormatWriter<Row> {
  private readonly zip: ZipWriter;
  private readonly textState: WorkbookTextState = createWorkbookTextState();
  private readonly sheetNames: string[] = [];
  private sheet: ZipEntryStream | null = null;
  private encoder: RowEncoder<Row> | null = null;
  private rowsInSheet = 0;
  private readonly chunks = new Utf8Chunks();
  /** Data rows per sheet: Excel's limit less the header row. */
  private readonly sheetCapacity: number;

  constructor(
    sink: ByteSink,
    private readonly columns: readonly PreparedColumn<Row>[],
    private readonly sheetName: string | undefined,
    private readonly extraSheets: (() => ExtraSheet[]) | undefined,
    options: FormatWriterOptions,
  ) {
    this.zip = new ZipWriter(sink, { level: options.compressionLevel });
    this.sheetCapacity = (options.maxSheetRows ?? MAX_SHEET_ROWS) - 1;
  }

  get truncatedCells(): number {
    return this.textState.truncatedCells;
  }

  private async openSheet<R>(name: string, encoder: RowEncoder<R>): Promise<void> {
    this.sheetNames.push(name);
    this.sheet = await this.zip.openStream(worksheetPath(this.sheetNames.length - 1));
    this.chunks.append(encoder.header());
    this.rowsInSheet = 0;
  }

  private async closeSheet(footer: string): Promise<void> {
    this.chunks.append(footer);
    await this.writeText();
    await this.sheet?.close();
    this.sheet = null;
  }

  /** Hands the encoded text to the sheet's deflate stream, waiting when it is full. */
  private async writeText(): Promise<void> {
    for (const chunk of this.chunks.take()) {
      const pending = this.sheet?.write(chunk);
      if (pending) await pending;
    }
  }

  async start(): Promise<void> {
    this.encoder = createXlsxSheetEncoder(this.columns, this.textState);
    await this.openSheet(sheetNameFor(this.sheetName, []), this.encoder);
  }

  row(row: Row): void {
    if (this.rowsInSheet === this.sheetCapacity) throw new Error('xlsx: row() on a full sheet; flush() first');
    (this.encoder as RowEncoder<Row>).rowInto(row, this.chunks);
    this.rowsInSheet += 1;
  }

  get needsFlush(): boolean {
    return this.chunks.hasFullChunk || this.rowsInSheet === this.sheetCapacity;
  }

  async flush(): Promise<void> {
    if (this.rowsInSheet === this.sheetCapacity && this.encoder) {
      // Excel's last row: the table goes on in a sheet named after the first, "Export (2)".
      await this.closeSheet(this.encoder.footer());
      this.encoder = createXlsxSheetEncoder(this.columns, this.textState);
      await this.openSheet(sheetNameFor(this.sheetNames[0], this.sheetNames), this.encoder);
    }
    await this.writeText();
  }

  async finish(): Promise<void> {
    await this.closeSheet((this.encoder as RowEncoder<Row>).footer());
    for (const extra of this.extraSheets?.() ?? []) {
      const encoder = createXlsxSheetEncoder(prepareColumns(extra.columns), this.textState);
      await this.openSheet(sheetNameFor(extra.sheetName, this.sheetNames, 'Sheet'), encoder);
      for await (const row of extra.rows) {
        encoder.rowInto(row, this.chunks);
        if (this.chunks.hasFullChunk) await this.writeText();
      }
      await this.closeSheet(encoder.footer());
    }
    const count = this.sheetNames.length;
    const withSharedStrings = this.textState.sharedStrings.size > 0;
    if (withSharedStrings) await this.zip.addFile('xl/sharedStrings.xml', this.textState.sharedStrings.xml());
    await this.zip.addFile('xl/workbook.xml', workbookXml(this.sheetNames));
    await this.zip.addFile('xl/_rels/workbook.xml.rels', workbookRelationshipsXml(count, withSharedStrings));
    await this.zip.addFile('xl/styles.xml', stylesXml());
    await this.zip.addFile('_rels/.rels', packageRelationshipsXml());
    await this.zip.addFile('[Content_Types].xml', contentTypesXml(count, withSharedStrings));
    await this.zip.finish();
  }

  destroy(): void {
    this.sheet?.destroy();
    this.sheet = null;
    this.chunks.clear();
  }
}

export interface FormatWriterOptions {
  bom: boolean;
  compressionLevel: number;
  /** Rows per XLSX sheet, header included; Excel's 1,048,576 unless a test needs a small sheet. */
  maxSheetRows?: number;
}

export function createFormatWriter<Row>(format: ExportFormat, sink: ByteSink, spec: ExportSpec<Row>, options: FormatWriterOptions): FormatWriter<Row> {
  const columns = prepareColumns(spec.columns);
  switch (format) {
    case 'csv':
      return new TextFormatWriter(sink, createCsvEncoder(columns), options.bom ? UTF8_BOM : '');
    case 'jsonl':
      return new TextFormatWriter(sink, createJsonLinesEncoder(columns), '');
    case 'xlsx':
      return new XlsxFormatWriter(sink, columns, spec.sheetName, spec.extraSheets, options);
  }
}
