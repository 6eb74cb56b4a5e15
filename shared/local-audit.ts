import { z } from 'zod';
import { Id, IsoInstant, isStorableText, storableText, textLimits } from './domain/common';
import { exportFormats, exportModules, type ExportFormat, type ExportModule } from './exports';
import { conflictReasons } from './sync-protocol';

/**
 * Local-only actions of a workstation (sign-in, unlock, lock, sign-out, export, wipe, a conflict
 * discarded) reach the server's append-only trail as `audit.local` mutations. Their details are
 * typed per action, with what main/core sends and nothing else, and bounded as a whole
 * (textLimits.localAuditDetailsBytes): the trail can never be removed from, so nobody may put an
 * arbitrary document into it.
 */

/** A machine code (a lock reason, an error code), never free text. */
const MachineCode = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/);
const Count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** Export paths beyond this are kept by their end (the file name and the folders nearest it). */
const EXPORT_PATH_MAX = 1_024;

export const localAuditDetails = {
  /** `method`: how the person proved who they are (absent from older workstations: password). */
  sign_in: z.object({ online: z.boolean(), method: z.enum(['password', 'sso']).optional() }).strict(),
  unlock: z.object({ online: z.boolean() }).strict(),
  /** Wrong passwords typed at the locked workstation since the last unlock, reported by the next one. */
  unlock_failed: z.object({ failures: Count, firstAt: IsoInstant, lastAt: IsoInstant }).strict(),
  lock: z.object({ reason: MachineCode }).strict(),
  sign_out: z.object({}).strict(),
  export: z
    .object({
      module: z.enum(exportModules),
      format: z.enum(exportFormats),
      filter: z.record(z.string().max(64), z.unknown()),
      rows: Count,
      bytes: Count,
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      path: storableText(EXPORT_PATH_MAX, 1),
    })
    .strict(),
  wipe: z.object({ reason: MachineCode.optional() }).strict(),
  /** A single sign-on account's local unlock passphrase was changed on this workstation. */
  passphrase_changed: z.object({}).strict(),
  conflict_discarded: z.object({ mutationId: Id, name: z.string().regex(/^[A-Za-z.]{1,64}$/), reason: z.enum(conflictReasons) }).strict(),
} as const;

export type LocalAuditAction = keyof typeof localAuditDetails;
export type LocalAuditDetails<A extends LocalAuditAction> = z.output<(typeof localAuditDetails)[A]>;

const utf8Bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

function localAction<A extends LocalAuditAction, D extends z.ZodType>(action: A, details: D) {
  return z.object({ action: z.literal(action), at: IsoInstant, details }).strict();
}

/** The args of `audit.local`: one schema per action, and the details within the byte cap. */
export const LocalAuditArgs = z
  .discriminatedUnion('action', [
    localAction('sign_in', localAuditDetails.sign_in),
    localAction('unlock', localAuditDetails.unlock),
    localAction('unlock_failed', localAuditDetails.unlock_failed),
    localAction('lock', localAuditDetails.lock),
    localAction('sign_out', localAuditDetails.sign_out.default({})),
    localAction('export', localAuditDetails.export),
    localAction('wipe', localAuditDetails.wipe.default({})),
    localAction('passphrase_changed', localAuditDetails.passphrase_changed.default({})),
    localAction('conflict_discarded', localAuditDetails.conflict_discarded),
  ])
  .refine((args) => utf8Bytes(args.details) <= textLimits.localAuditDetailsBytes, {
    message: `the details of a local action are larger than ${textLimits.localAuditDetailsBytes} bytes`,
    path: ['details'],
  });

/** Text as the trail can hold it: characters it refuses are written out as \u{…} instead. */
function storableCopy(text: string): string {
  let out = '';
  for (const char of text) out += isStorableText(char) ? char : `\\u{${(char.codePointAt(0) ?? 0).toString(16)}}`;
  return out;
}

function storableDeep(value: unknown): unknown {
  if (typeof value === 'string') return storableCopy(value);
  if (Array.isArray(value)) return value.map(storableDeep);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [storableCopy(key), storableDeep(item)]));
  return value;
}

/**
 * The details of a finished export, shaped so that the server accepts them whatever the path
 * and filter hold: text made storable, an overlong path kept by its end, and a filter that
 * would not fit the cap replaced by a note that it was left out.
 */
export function exportAuditDetails(input: {
  module: ExportModule;
  format: ExportFormat;
  filter: Record<string, unknown>;
  rows: number;
  bytes: number;
  sha256: string;
  path: string;
}): LocalAuditDetails<'export'> {
  const details = {
    module: input.module,
    format: input.format,
    filter: storableDeep(input.filter) as Record<string, unknown>,
    rows: input.rows,
    bytes: input.bytes,
    sha256: input.sha256,
    path: pathTail(storableCopy(input.path), EXPORT_PATH_MAX),
  };
  const fits = (candidate: LocalAuditDetails<'export'>) => localAuditDetails.export.safeParse(candidate).success && utf8Bytes(candidate) <= textLimits.localAuditDetailsBytes;
  if (fits(details)) return details;
  const withoutFilter = { ...details, filter: { omitted: 'too large for the audit record' } };
  // A path of characters JSON escapes at length (control characters) can still be too long.
  return fits(withoutFilter) ? withoutFilter : { ...withoutFilter, path: pathTail(withoutFilter.path, 256) };
}

/** The end of a path, at most `max` UTF-16 units, never starting inside a surrogate pair. */
function pathTail(path: string, max: number): string {
  if (path.length <= max) return path;
  const tail = path.slice(-(max - 1));
  return `…${/^[\uDC00-\uDFFF]/.test(tail) ? tail.slice(1) : tail}`;
}
