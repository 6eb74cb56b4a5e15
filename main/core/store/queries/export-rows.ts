import type { SignoffAuthMethod } from '../../../../shared/domain/plant';
import type { SqliteDatabase } from '../open';
import { all } from './statements';

/**
 * What the shift-log export reads beside each page of entries: amendments, log columns and
 * sign-offs, each for a whole page at once (ids as one JSON list), never one query per entry.
 */

/** The ids of amended entries, at most `limit` + 1 of them (more: ask about every entry). */
export function amendedEntryIds(db: SqliteDatabase, limit: number): string[] {
  return all<{ entry_id: string }>(db, 'SELECT DISTINCT entry_id FROM entry_amendment LIMIT ?', [limit + 1]).map((row) => row.entry_id);
}

export interface AmendmentForExport {
  id: string;
  entry_id: string;
  kind: string;
  body: string | null;
  reason: string;
  author_id: string;
  at: string;
}

export function amendmentsOfEntries(db: SqliteDatabase, entryIds: readonly string[]): AmendmentForExport[] {
  return all<AmendmentForExport>(
    db,
    'SELECT id, entry_id, kind, body, reason, author_id, at FROM entry_amendment WHERE entry_id IN (SELECT value FROM json_each(?)) ORDER BY entry_id, at, id',
    [JSON.stringify(entryIds)],
  );
}

export interface LogForExport {
  id: string;
  area_id: string;
  shift_date: string;
  shift_name: string;
  crew: string | null;
  status: string;
}

export function logsForExport(db: SqliteDatabase, shiftLogIds: readonly string[]): LogForExport[] {
  return all<LogForExport>(db, 'SELECT id, area_id, shift_date, shift_name, crew, status FROM shift_log WHERE id IN (SELECT value FROM json_each(?))', [
    JSON.stringify(shiftLogIds),
  ]);
}

export interface SignoffForExport {
  shift_log_id: string;
  printed_name: string;
  meaning: string;
  signed_at: string;
  auth_method: SignoffAuthMethod;
}

export function signoffsOfLogs(db: SqliteDatabase, shiftLogIds: readonly string[]): SignoffForExport[] {
  return all<SignoffForExport>(
    db,
    'SELECT shift_log_id, printed_name, meaning, signed_at, auth_method FROM signoff WHERE shift_log_id IN (SELECT value FROM json_each(?)) ORDER BY shift_log_id, signed_at',
    [JSON.stringify(shiftLogIds)],
  );
}

/** The export records in this workstation's local log, newest first (its export history). */
export function exportRecords(db: SqliteDatabase, limit = 500): string[] {
  return all<{ details: string }>(
    db,
    `SELECT details FROM local_audit WHERE action = 'audit.local' AND json_extract(details, '$.args.action') = 'export' ORDER BY id DESC LIMIT ?`,
    [limit],
  ).map((row) => row.details);
}
