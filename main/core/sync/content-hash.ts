import { canonicalSha256 } from '../../../shared/hash';
import type { ShiftLogDetail } from '../store/queries/shift-logs';

/**
 * The hash a signature covers: the shift log's identity and every entry with its amendments,
 * exactly as the signer could read them, in canonical JSON (RFC 8785). A later amendment
 * changes the hash, so an old signature stays valid for the old content only (DOMAIN.md).
 */
export function shiftLogContentHash(detail: ShiftLogDetail): Promise<string> {
  const { shiftLog } = detail;
  return canonicalSha256({
    shiftLog: { id: shiftLog.id, area_id: shiftLog.area_id, shift_date: shiftLog.shift_date, shift_name: shiftLog.shift_name, starts_at: shiftLog.starts_at, ends_at: shiftLog.ends_at },
    entries: detail.entries.map((entry) => ({
      id: entry.id,
      body: entry.body,
      occurred_at: entry.occurred_at,
      category: entry.category,
      severity: entry.severity,
      equipment_tag: entry.equipment_tag,
      state: entry.state,
      amendments: entry.amendments.map((amendment) => ({ id: amendment.id, kind: amendment.kind, body: amendment.body, fields_changed: amendment.fields_changed, reason: amendment.reason })),
    })),
  });
}
