/**
 * The one CSV field escaper and the one spreadsheet formula neutraliser of the project
 * (STYLE.md: one concept, one place). Pure string functions: the exporters in main/core and
 * anything that renders CSV in the renderer import them from here.
 *
 * Formula neutralisation (OWASP "CSV injection"): a spreadsheet treats a text cell whose first
 * character is = + - @ as a formula, and strips a leading TAB or CR before looking again. Such
 * text is written with a single quote (') in front, which spreadsheets show as text. The rule
 * looks only at the first character and changes nothing else; numbers, dates and booleans are
 * written from typed values and are never neutralised. Readers get the text back with the
 * quote in front (documented in main/core/exports/README.md).
 */

/** RFC 4180 record separator. */
export const CSV_LINE_END = '\r\n';

/** UTF-8 byte order mark; Excel reads a CSV as UTF-8 only when the file starts with it. */
export const UTF8_BOM = '\uFEFF';

/** First characters that make a spreadsheet read a text cell as a formula. */
export const FORMULA_TRIGGERS: readonly string[] = ['=', '+', '-', '@', '\t', '\r'];

/** The prefix that keeps such a cell text. */
export const FORMULA_GUARD = "'";

/** True when a spreadsheet would read `text` as a formula. */
export function startsLikeFormula(text: string): boolean {
  switch (text.charCodeAt(0)) {
    case 0x3d: // =
    case 0x2b: // +
    case 0x2d: // -
    case 0x40: // @
    case 0x09: // TAB
    case 0x0d: // CR
      return true;
    default:
      return false;
  }
}

/** `text` with a single quote in front when it starts like a formula; otherwise `text` itself. */
export function neutraliseFormula(text: string): string {
  return startsLikeFormula(text) ? FORMULA_GUARD + text : text;
}

/** Text without comma, double quote, CR or LF (an anchored negated class: V8's fastest test). */
const NO_QUOTES_NEEDED = /^[^",\r\n]*$/;
const DOUBLE_QUOTE = /"/g;

/**
 * One RFC 4180 field: quoted when it holds a comma, a double quote, CR or LF, with each double
 * quote doubled; otherwise unchanged. Does not neutralise (see csvTextField).
 */
export function escapeCsvField(text: string): string {
  return NO_QUOTES_NEEDED.test(text) ? text : `"${text.replace(DOUBLE_QUOTE, '""')}"`;
}

/** A text cell as written to an exported CSV: neutralised, then escaped. */
export function csvTextField(text: string): string {
  return escapeCsvField(neutraliseFormula(text));
}

/** One record of already escaped fields, with its CRLF line end. */
export function csvRecord(escapedFields: readonly string[]): string {
  return escapedFields.join(',') + CSV_LINE_END;
}
