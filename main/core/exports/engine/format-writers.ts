import { UTF8_BOM } from '../../../../shared/csv';
import { prepareColumns, type PreparedColumn, type RowEncoder } from './columns';
import { createCsvEncoder } from './csv-encoder';
import { createJsonLinesEncoder } from './jsonl-encoder';
import type { ExportFormat } from '../../../../shared/exports';
import type { ExportSpec } from './types';
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
import { Utf8Chunks } from './utf8-chunks';
import { ZipWriter, type ByteSink, type ZipEntryStream } from './zip-writer';

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
    this.chunks.text(this.prefix + this.encoder.header());
  }

  row(row: Row): void {
    this.encoder.rowInto(row, this.chunks);
  }

  get needsFlush(): boolean {
    return this.chunks.hasFullChunk;
  }

  async flush(): Promise<void> {
    await this.write(this.chunks.takeFull());
  }

  async finish(): Promise<void> {
    this.chunks.text(this.encoder.footer());
    await this.write(this.chunks.take());
  }

  private async write(chunks: Buffer[]): Promise<void> {
    for (const chunk of chunks) await this.sink.write(chunk, () => this.chunks.recycle(chunk));
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
    this.chunks.text(encoder.header());
    this.rowsInSheet = 0;
  }

  private async closeSheet(footer: string): Promise<void> {
    this.chunks.text(footer);
    await this.writeText(this.chunks.take());
    await this.sheet?.close();
    this.sheet = null;
  }

  /** Hands encoded text to the sheet's deflate stream, waiting when it is full. */
  private async writeText(chunks: Buffer[]): Promise<void> {
    for (const chunk of chunks) {
      const pending = this.sheet?.write(chunk, () => this.chunks.recycle(chunk));
      // Let zlib's callbacks run: they hand it the next piece and take its output, so that it
      // compresses while the next rows are encoded instead of only when the writer waits.
      await (pending ?? new Promise(setImmediate));
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
    await this.writeText(this.chunks.takeFull());
  }

  async finish(): Promise<void> {
    await this.closeSheet((this.encoder as RowEncoder<Row>).footer());
    for (const extra of this.extraSheets?.() ?? []) {
      const encoder = createXlsxSheetEncoder(prepareColumns(extra.columns), this.textState);
      await this.openSheet(sheetNameFor(extra.sheetName, this.sheetNames, 'Sheet'), encoder);
      for await (const row of extra.rows) {
        encoder.rowInto(row, this.chunks);
        if (this.chunks.hasFullChunk) await this.writeText(this.chunks.takeFull());
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
