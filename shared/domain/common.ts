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

/**
 * Invisible format characters, refused in any text the server stores or hashes. They render as
 * nothing, so two texts that read the same differ (or a reviewer reads a different order, with
 * the bidi controls), and a store may not keep them: PGlite drops a leading U+FEFF when it reads
 * a text column, so the audit chain would no longer verify. Refused: soft hyphen U+00AD, Arabic
 * letter mark U+061C, Mongolian vowel separator U+180E, zero-width space, joiners and direction
 * marks U+200B-U+200F, bidi embeddings and overrides U+202A-U+202E, word joiner and invisible
 * operators U+2060-U+2064, bidi isolates and deprecated format controls U+2066-U+206F, the byte
 * order mark U+FEFF, interlinear annotation U+FFF9-U+FFFB and tag characters U+E0000-U+E007F.
 * (Emoji sequences that need U+200D and tag-letter flags are refused with them.)
 */
const invisibleFormatCharacter = /[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB]|[\u{E0000}-\u{E007F}]/u;

/**
 * Text a database stores exactly as sent and a hash chain can reproduce: no NUL, no lone
 * surrogates, no invisible format characters. The server checks every string of every request
 * with this before anything is hashed or written.
 */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && isWellFormed(value) && !invisibleFormatCharacter.test(value);
}

/**
 * Caps on free text (in UTF-16 code units, as zod's max counts), stated once for client and
 * server: longer input is refused with a typed error before anything is written.
 */
export const textLimits = {
  /** Log entry bodies, amendment texts and comments. */
  body: 20_000,
  /** Reasons on shift data: late entries, amendments, reopening a signed log. */
  shiftReason: 2_000,
  /** Reasons on admin actions: unlock, erase, settings, roles, sessions. */
  adminReason: 500,
  /** People's and devices' names. */
  name: 200,
  /** The details of one local audit action (sign-in, export...), as UTF-8 bytes of its JSON. */
  localAuditDetailsBytes: 4_096,
} as const;

/** Text a database can store and a hash chain can reproduce (isStorableText), of bounded length. */
export function storableText(max: number, min = 0) {
  return z
    .string()
    .min(min)
    .max(max)
    .refine(isStorableText, { message: 'contains characters that cannot be stored (NUL, broken or invisible format characters)' });
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
