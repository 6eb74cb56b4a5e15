import { shiftLogContentHash, type SignableEntry, type SignableShiftLog } from '../../shared/signed-content';
import type { Tx } from '../db/database';
import { iso } from '../store/rows';

/**
 * The content hash of a shift log as the server holds it now, built from its own rows with the
 * same document the workstation hashes (shared/signed-content.ts). The caller has bound the
 * tenant and, when it matters, locked the log row.
 */
export async function serverContentHash(tx: Tx, tenantId: string, log: SignableShiftLog): Promise<string> {
  const entries = await tx.query<Omit<SignableEntry, 'amendments' | 'occurred_at'> & { occurred_at: unknown }>(
    `SELECT id::text, body, occurred_at, category, severity, equipment_tag, state
     FROM log_entries WHERE tenant_id = $1 AND shift_log_id = $2`,
    [tenantId, log.id],
  );
  const amendments = await tx.query<{ entry_id: string; id: string; kind: string; body: string | null; fields: unknown; reason: string }>(
    `SELECT a.entry_id::text, a.id::text, a.kind, a.body, a.fields, a.reason
     FROM entry_amendments a JOIN log_entries e ON e.tenant_id = a.tenant_id AND e.id = a.entry_id
     WHERE a.tenant_id = $1 AND e.shift_log_id = $2`,
    [tenantId, log.id],
  );
  const byEntry = new Map<string, SignableEntry['amendments'][number][]>();
  for (const { entry_id: entryId, fields, ...amendment } of amendments) {
    const list = byEntry.get(entryId) ?? [];
    list.push({ ...amendment, fields_changed: fields });
    byEntry.set(entryId, list);
  }
  return shiftLogContentHash(
    log,
    entries.map((entry) => ({ ...entry, occurred_at: iso(entry.occurred_at), amendments: byEntry.get(entry.id) ?? [] })),
  );
}

/** A shift log row as `to_jsonb` gives it, read as the signable identity. */
export function signableLog(row: Record<string, unknown>): SignableShiftLog {
  return {
    id: String(row.id),
    area_id: String(row.area_id),
    shift_date: String(row.shift_date),
    shift_name: String(row.shift_name),
    starts_at: String(row.starts_at),
    ends_at: String(row.ends_at),
  };
}
