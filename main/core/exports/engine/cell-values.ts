/**
 * Checks and canonical forms of cell values, shared by the three formats. Hot path: a million
 * rows go through here, so the common inputs (ISO-8601 UTC text as the store holds it, plain
 * numbers) are handled without Date objects or regular expressions.
 */

/** Thrown for a value that does not fit its column; the engine adds the row and column. */
export class CellValueError extends Error {
  /** Set by the encoder that met the value. */
  column: string | undefined;

  constructor(readonly expected: string) {
    super(`expected ${expected}`);
    this.name = 'CellValueError';
  }
}

const MS_PER_DAY = 86_400_000;
/** Days from 1899-12-30 (Excel's day 0, 1900 date system) to 1970-01-01. */
const EXCEL_EPOCH_OFFSET_DAYS = 25_569;
/** Excel serials below this fall before 1900-03-01, where Excel's fictitious 1900-02-29 skews them. */
const EXCEL_FIRST_SAFE_SERIAL = 61;
/** 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: four-digit years only. */
const MIN_INSTANT_MS = -62_167_219_200_000;
const MAX_INSTANT_MS = 253_402_300_799_999;

export function textValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  throw new CellValueError('text');
}

/** Decimal text of a finite number, valid in CSV, JSON and SpreadsheetML alike. */
export function numberText(value: unknown): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new CellValueError('a finite number');
    return value === 0 ? '0' : String(value);
  }
  if (typeof value === 'bigint') return String(value);
  throw new CellValueError('a number');
}

export function integerText(value: unknown): string {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new CellValueError('an integer');
    return value === 0 ? '0' : String(value);
  }
  if (typeof value === 'bigint') return String(value);
  throw new CellValueError('an integer');
}

export function booleanValue(value: unknown): boolean {
  if (value === true || value === 1) return true;
  if (value === false || value === 0) return false;
  throw new CellValueError('true or false');
}

// ---- calendar arithmetic (proleptic Gregorian, H. Hinnant's days_from_civil / civil_from_days)

function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function civilFromDays(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Value of `count` ASCII digits of `text` from `at`, or -1 if any is not a digit. */
function digits(text: string, at: number, count: number): number {
  let result = 0;
  for (let i = at; i < at + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    result = result * 10 + d;
  }
  return result;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pad3(n: number): string {
  return n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n);
}

function pad4(n: number): string {
  return n < 1000 ? `000${n}`.slice(-4) : String(n);
}

/** Days since 1970-01-01 of a 'YYYY-MM-DD' at `at`, or NaN when it is not a real date. */
function parseDatePart(text: string, at: number): number {
  const year = digits(text, at, 4);
  const month = digits(text, at + 5, 2);
  const day = digits(text, at + 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || text.charCodeAt(at + 4) !== 45 || text.charCodeAt(at + 7) !== 45) return Number.NaN;
  if (day > daysInMonth(year, month)) return Number.NaN;
  return daysFromCivil(year, month, day);
}

/**
 * Epoch milliseconds of ISO-8601 text with a time and a zone: YYYY-MM-DDTHH:MM[:SS[.fraction]]
 * followed by Z or ±HH:MM. NaN for anything else, including impossible dates (February 30),
 * which Date.parse would silently roll over.
 */
export function parseIsoInstant(text: string): number {
  const n = text.length;
  if (n < 17 || text.charCodeAt(10) !== 84 /* T */ || text.charCodeAt(13) !== 58 /* : */) return Number.NaN;
  const days = parseDatePart(text, 0);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  if (Number.isNaN(days) || hour < 0 || hour > 23 || minute < 0 || minute > 59) return Number.NaN;
  let at = 16;
  let second = 0;
  let ms = 0;
  if (text.charCodeAt(at) === 58) {
    second = digits(text, at + 1, 2);
    if (second < 0 || second > 59) return Number.NaN;
    at += 3;
    if (text.charCodeAt(at) === 46 /* . */) {
      const start = at + 1;
      at = start;
      while (at < n && text.charCodeAt(at) >= 48 && text.charCodeAt(at) <= 57) at++;
      const fractionDigits = at - start;
      if (fractionDigits === 0) return Number.NaN;
      // Milliseconds, truncated: finer digits cannot be kept in an epoch-millisecond instant.
      ms = digits(`${text.slice(start, Math.min(at, start + 3))}00`, 0, 3);
    }
  }
  let offsetMinutes = 0;
  const zone = text.charCodeAt(at);
  if (zone === 90 /* Z */ && at + 1 === n) {
    // UTC: no offset
  } else if ((zone === 43 || zone === 45) && at + 6 === n && text.charCodeAt(at + 3) === 58) {
    const oh = digits(text, at + 1, 2);
    const om = digits(text, at + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return Number.NaN;
    offsetMinutes = (zone === 45 ? -1 : 1) * (oh * 60 + om);
  } else {
    return Number.NaN;
  }
  return days * MS_PER_DAY + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + ms;
}

/** ISO-8601 UTC with milliseconds, as Date#toISOString but without a Date. */
export function formatIsoInstant(epochMs: number): string {
  const days = Math.floor(epochMs / MS_PER_DAY);
  let rest = epochMs - days * MS_PER_DAY;
  const [year, month, day] = civilFromDays(days);
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  const ms = rest - second * 1000;
  return `${pad4(year)}-${pad2(month)}-${pad2(day)}T${pad2(hour)}:${pad2(minute)}:${pad2(second)}.${pad3(ms)}Z`;
}

/** True for text exactly as formatIsoInstant writes it (the store's form), checked for real. */
function isCanonicalIsoInstant(text: string): boolean {
  return (
    text.length === 24 &&
    text.charCodeAt(23) === 90 &&
    text.charCodeAt(19) === 46 &&
    text.charCodeAt(16) === 58 &&
    !Number.isNaN(parseIsoInstant(text))
  );
}

function checkedInstant(epochMs: number): number {
  if (!Number.isFinite(epochMs) || epochMs < MIN_INSTANT_MS || epochMs > MAX_INSTANT_MS) {
    throw new CellValueError('a date-time between the years 0000 and 9999');
  }
  return Math.floor(epochMs);
}

/** Epoch milliseconds of a datetime cell: a Date, epoch milliseconds, or ISO-8601 text with a zone. */
export function instantMs(value: unknown): number {
  if (typeof value === 'string') {
    const ms = parseIsoInstant(value);
    if (Number.isNaN(ms)) throw new CellValueError('an ISO-8601 date-time with Z or an offset');
    return checkedInstant(ms);
  }
  if (typeof value === 'number') return checkedInstant(value);
  if (value instanceof Date) return checkedInstant(value.getTime());
  throw new CellValueError('a date-time');
}

/** A datetime cell as ISO-8601 UTC text (CSV, JSON Lines). */
export function instantText(value: unknown): string {
  if (typeof value === 'string' && isCanonicalIsoInstant(value)) return value;
  return formatIsoInstant(instantMs(value));
}

/** Days since 1970-01-01 of a date cell: 'YYYY-MM-DD' text, or a Date's UTC date. */
export function calendarDays(value: unknown): number {
  if (typeof value === 'string') {
    const days = value.length === 10 ? parseDatePart(value, 0) : Number.NaN;
    if (Number.isNaN(days)) throw new CellValueError('a date as YYYY-MM-DD');
    return days;
  }
  if (value instanceof Date) return Math.floor(checkedInstant(value.getTime()) / MS_PER_DAY);
  throw new CellValueError('a date');
}

/** A date cell as YYYY-MM-DD (CSV, JSON Lines). */
export function calendarDateText(value: unknown): string {
  if (typeof value === 'string') {
    calendarDays(value);
    return value;
  }
  const [year, month, day] = civilFromDays(calendarDays(value));
  return `${pad4(year)}-${pad2(month)}-${pad2(day)}`;
}

/**
 * Excel serial (1900 date system) of an instant or a day, or null when Excel cannot show it as
 * a date (before 1900-03-01): such cells are written as ISO text instead.
 */
export function excelSerialOfInstant(epochMs: number): number | null {
  // One division of an exact integer: the nearest double, without the noise digits of two steps.
  const serial = (epochMs + EXCEL_EPOCH_OFFSET_DAYS * MS_PER_DAY) / MS_PER_DAY;
  return serial >= EXCEL_FIRST_SAFE_SERIAL ? serial : null;
}

export function excelSerialOfDay(daysSinceEpoch: number): number | null {
  const serial = daysSinceEpoch + EXCEL_EPOCH_OFFSET_DAYS;
  return serial >= EXCEL_FIRST_SAFE_SERIAL ? serial : null;
}

/**
 * The text of an Excel serial for a <v> element: 17 significant digits, which read back as
 * exactly the same double (IEEE 754), trailing zeros dropped. About twice as fast as String(),
 * which looks for the shortest such text; an export writes two or three per row.
 */
export function excelSerialText(serial: number): string {
  if (Number.isInteger(serial)) return String(serial);
  const text = serial.toPrecision(17);
  let end = text.length;
  while (text.charCodeAt(end - 1) === 48 /* 0 */) end -= 1;
  return end === text.length ? text : text.slice(0, end);
}
