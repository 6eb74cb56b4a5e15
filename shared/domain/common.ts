import { z } from 'zod';
import { isWellFormed } from '../canonical-json';

/**
 * Building blocks of the domain and API schemas. Entity rows use snake_case column names (the
 * server's tables and the desktop cache store the same rows); request/response envelopes use
 * camelCase (API.md).
 */

/** Row identifiers: PostgreSQL uuid text form (any version; log entries are client UUIDv7). */
export const Id = z.guid();

export const IsoInstant = z.string().datetime({ offset: true });

/** Text a database can store and a hash chain can reproduce: no NUL, no lone surrogates. */
export function storableText(max: number, min = 0) {
  return z
    .string()
    .min(min)
    .max(max)
    .refine((value) => !value.includes('\u0000') && isWellFormed(value), { message: 'contains characters that cannot be stored' });
}

/** A single-line label (names, device names): storable and free of control characters. */
export function singleLine(max: number, min = 1) {
  return storableText(max, min).refine((value) => ![...value].some(isControlCharacter), { message: 'must be a single line of text' });
}

function isControlCharacter(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f;
}

export const EmailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email())
  .transform((value) => value.toLowerCase());

/** Keyset paging (API.md): `?after=CURSOR&limit=N` answered by `{ items, next }`. */
export const PageQuery = z.object({
  after: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next: z.string().nullable() }).strict();
}
