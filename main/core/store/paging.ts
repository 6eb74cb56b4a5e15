import { PlantdeskError } from '../../../shared/errors';

/** Keyset paging (API.md): `{ items, next }`, next = opaque cursor or null on the last page. */
export interface PageRequest {
  /** 1..500; default 50. */
  limit?: number;
  /** The `next` of the previous page. */
  after?: string | null;
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export const defaultPageSize = 50;
export const maxPageSize = 500;

export function pageSize(request: PageRequest | undefined): number {
  const limit = request?.limit ?? defaultPageSize;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxPageSize) {
    throw new PlantdeskError('invalid_request', `The page size must be between 1 and ${maxPageSize}.`);
  }
  return limit;
}

/** A cursor is the sort key of the last row seen: [key, id], base64url JSON. */
export function encodeCursor(key: string | number, id: string | number): string {
  return Buffer.from(JSON.stringify([key, id]), 'utf8').toString('base64url');
}

/**
 * The [key, id] of a cursor: 'text' for [string, string], 'number' for [number, number],
 * 'text-row' for a text key and a local row number.
 */
export function decodeCursor(cursor: string, kind: 'text'): [string, string];
export function decodeCursor(cursor: string, kind: 'number'): [number, number];
export function decodeCursor(cursor: string, kind: 'text-row'): [string, number];
export function decodeCursor(cursor: string, kind: 'text' | 'number' | 'text-row'): [string | number, string | number] {
  const [keyType, idType] = kind === 'text' ? ['string', 'string'] : kind === 'number' ? ['number', 'number'] : ['string', 'number'];
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === keyType && typeof value[1] === idType) {
      return [value[0] as string | number, value[1] as string | number];
    }
  } catch {
    // falls through to the error below
  }
  throw new PlantdeskError('invalid_request', 'That page cursor is not one this list produced. Reload the list.');
}

/**
 * The [key, id] of a cursor over a chosen sort column, whose key may be text or a number (a
 * rank, a count); a list sorted one way never gets a cursor of another sort past its WHERE,
 * because a mismatch only moves the page start, never widens what the reader may see.
 */
export function decodeSortCursor(cursor: string): [string | number, string | number] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const keyLike = (v: unknown) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
    if (Array.isArray(value) && value.length === 2 && keyLike(value[0]) && keyLike(value[1])) return [value[0] as string | number, value[1] as string | number];
  } catch {
    // falls through to the error below
  }
  throw new PlantdeskError('invalid_request', 'That page cursor is not one this list produced. Reload the list.');
}

/** Runs `fetch(limit + 1)` and turns the extra row into the next cursor. */
export function toPage<T>(rows: T[], limit: number, cursorOf: (row: T) => string): Page<T> {
  if (rows.length <= limit) return { items: rows, next: null };
  const items = rows.slice(0, limit);
  return { items, next: cursorOf(items[items.length - 1]) };
}
