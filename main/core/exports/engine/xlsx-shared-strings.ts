import { SPREADSHEETML_NS } from './xlsx-parts';

/** Only short text is worth sharing: categories, names, tags, e-mail addresses. */
const MAX_SHARED_LENGTH = 64;
/** Bounds on what the table may hold, whatever the data: about 5 MB at most. */
const MAX_ENTRIES = 50_000;
/** A column is judged after this many short values... */
const TRIAL_LOOKUPS = 2_048;
/** ...and stops sharing when more than this share of them were new (ids, free text). */
const MAX_NEW_RATIO = 0.5;

/** How one column has used the table so far. */
export interface SharedStringColumn {
  lookups: number;
  added: number;
  sharing: boolean;
  /** The column's last shared text and its cell end: a repeat needs no hashing or table lookup. */
  lastText: string | null;
  lastTail: string;
}

/**
 * A bounded shared-string table (xl/sharedStrings.xml). Repeated short text (severity,
 * area, author) is written once and referred to by index, which makes the sheet XML about a
 * third smaller, so deflate (the slowest step) has less to do. Columns whose values are mostly
 * distinct stop using it, and once it is full new text is written inline: memory stays bounded
 * whatever the rows hold. The table is written after the sheets; part order in the ZIP does not
 * matter to spreadsheet applications.
 */
export class SharedStrings {
  /** Text -> the rest of its cell after the start tag's head: ` t="s"><v>12</v></c>`. */
  private readonly cells = new Map<string, string>();
  /** The <si> items, XML-escaped, in index order. */
  private readonly items: string[] = [];
  private references = 0;

  /** `textElement` writes the <t> element of a text (escaped, spaces preserved). */
  constructor(private readonly textElement: (text: string) => string) {}

  get size(): number {
    return this.items.length;
  }

  /** Usage of one column of one sheet, for cellTail. */
  newColumn(): SharedStringColumn {
    return { lookups: 0, added: 0, sharing: true, lastText: null, lastTail: '' };
  }

  /**
   * The end of a shared-string cell for `text` (` t="s"><v>INDEX</v></c>`), the text added to
   * the table if there is room; null to write it inline instead.
   */
  cellTail(text: string, stats: SharedStringColumn): string | null {
    if (!stats.sharing || text.length > MAX_SHARED_LENGTH) return null;
    let tail: string | undefined;
    if (text === stats.lastText) {
      tail = stats.lastTail;
    } else {
      tail = this.cells.get(text);
      if (tail === undefined) {
        if (this.items.length >= MAX_ENTRIES) return null;
        tail = ` t="s"><v>${this.items.length}</v></c>`;
        this.cells.set(text, tail);
        this.items.push(`<si>${this.textElement(text)}</si>`);
        stats.added += 1;
      }
      stats.lastText = text;
      stats.lastTail = tail;
    }
    stats.lookups += 1;
    if (stats.lookups === TRIAL_LOOKUPS && stats.added / stats.lookups > MAX_NEW_RATIO) stats.sharing = false;
    this.references += 1;
    return tail;
  }

  xml(): string {
    return (
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
      `<sst xmlns="${SPREADSHEETML_NS}" count="${this.references}" uniqueCount="${this.items.length}">${this.items.join('')}</sst>`
    );
  }
}
