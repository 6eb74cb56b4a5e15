import { canonicalSha256 } from './hash';

/**
 * What a shift-log signature covers, and its hash: the log's identity and every entry with its
 * amendments, in canonical JSON (RFC 8785). The workstation computes it from its cache when a
 * person signs; the server computes it again from its own rows when the sign-off arrives and
 * treats any difference as a conflict (21 CFR Part 11 §11.70: the signature is bound to the
 * record it signs). So both sides must build exactly the same document from rows that differ
 * in form: entries and amendments are put in id order, times are normalised to UTC ISO text
 * with milliseconds, and an amendment's changed fields may arrive as an object or as JSON text.
 */
export interface SignableShiftLog {
  id: string;
  area_id: string;
  shift_date: string;
  shift_name: string;
  starts_at: string;
  ends_at: string;
}

export interface SignableEntry {
  id: string;
  body: string;
  occurred_at: string;
  category: string;
  severity: string;
  equipment_tag: string | null;
  state: string;
  amendments: readonly SignableAmendment[];
}

export interface SignableAmendment {
  id: string;
  kind: string;
  body: string | null;
  fields_changed: unknown;
  reason: string;
}

const instant = (value: string) => new Date(value).toISOString();
const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Changed fields as an object, or null when none (the server stores none as `{}`, the cache as null). */
function fieldsObject(value: unknown): unknown {
  let fields = value;
  if (typeof value === 'string') {
    try {
      fields = value === '' ? null : (JSON.parse(value) as unknown);
    } catch {
      return value;
    }
  }
  if (fields === null || fields === undefined) return null;
  return typeof fields === 'object' && Object.keys(fields).length === 0 ? null : fields;
}

/** The document a signature covers, in the one form both sides hash. */
export function signedContent(log: SignableShiftLog, entries: readonly SignableEntry[]) {
  return {
    shiftLog: { id: log.id, area_id: log.area_id, shift_date: log.shift_date, shift_name: log.shift_name, starts_at: instant(log.starts_at), ends_at: instant(log.ends_at) },
    entries: [...entries].sort(byId).map((entry) => ({
      id: entry.id,
      body: entry.body,
      occurred_at: instant(entry.occurred_at),
      category: entry.category,
      severity: entry.severity,
      equipment_tag: entry.equipment_tag ?? null,
      state: entry.state,
      amendments: [...entry.amendments].sort(byId).map((amendment) => ({
        id: amendment.id,
        kind: amendment.kind,
        body: amendment.body ?? null,
        fields_changed: fieldsObject(amendment.fields_changed),
        reason: amendment.reason,
      })),
    })),
  };
}

/** SHA-256 (hex) of the signed content's canonical JSON. */
export function shiftLogContentHash(log: SignableShiftLog, entries: readonly SignableEntry[]): Promise<string> {
  return canonicalSha256(signedContent(log, entries));
}
