import { signoffMethodInWords, type SignoffAuthMethod } from '../../../../shared/domain/plant';
import { PlantdeskError } from '../../../../shared/errors';
import { mayExport, type ExportFormat, type ExportModule, type ExportSelection } from '../../../../shared/exports';
import type { Entity } from '../../../../shared/permissions';
import type { SignedGrant } from '../../../../shared/grant';
import { fallbackTimeZone, isoInSiteZone, offsetCache } from '../../../../shared/site-time';
import type { Ability } from '../../../../shared/rbac';
import { exportToFile } from '../engine/export-to-file';
import { pagedRowsSync } from '../engine/row-sources';
import type { ExportColumn, ExportProgress, ExportResult, ExportSpec } from '../engine/types';
import type { SqliteDatabase } from '../../store/open';
import { listAreas } from '../../store/queries/areas';
import { listAuditEvents } from '../../store/queries/audit';
import { listSessions, listUsers } from '../../store/queries/people';
import { listLogEntries, type ShiftLogFilter } from '../../store/queries/shift-logs';
import type { LogEntryRow } from '../../store/rows';
import { amendedEntryIds, amendmentsOfEntries, logsForExport, signoffsOfLogs, type AmendmentForExport } from '../../store/queries/export-rows';
import { displayNamesById } from '../../store/queries/names';
import type { RowScope } from '../../store/scope';

/**
 * The exporters: one table per module, read page by page from the cache under the
 * reader's scope (the rows of an export are exactly the rows the person may read), written by
 * the export engine. What an export needs is shared/exports.ts's mayExport.
 */

/** The module with its filter as the contract parsed it, and where and how to write it. */
export type ExportRequest = ExportSelection & {
  format: ExportFormat;
  path: string;
  bom?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: ExportProgress) => void;
};

export interface ExportContext {
  db: SqliteDatabase;
  ability: Ability;
  grant: SignedGrant;
  readScope: (entity: Entity) => RowScope;
}

export function checkExportAllowed(context: ExportContext, module: ExportModule): void {
  if (!mayExport({ ...context.ability, moduleFlags: context.grant.moduleFlags }, module)) throw new PlantdeskError('forbidden');
}

const pageSize = 500;
/** Entries with amendments whose ids an export may hold (some 4 MB at most). */
const AMENDED_IDS_LIMIT = 50_000;
/** Shift logs whose columns an export keeps between pages. */
const LOGS_HELD = 4_000;

type ShiftLogExportRow = Record<string, unknown>;

export const shiftLogColumns: ExportColumn<ShiftLogExportRow>[] = [
  { key: 'record_type', header: 'Record', type: 'string', width: 10 },
  { key: 'entry_id', header: 'Entry id', type: 'string', width: 38 },
  { key: 'amends_entry_id', header: 'Amends entry', type: 'string', width: 38 },
  { key: 'shift_log_id', header: 'Shift log id', type: 'string', width: 38 },
  { key: 'shift_date', header: 'Shift date', type: 'date' },
  { key: 'shift_name', header: 'Shift', type: 'string' },
  { key: 'crew', header: 'Crew', type: 'string' },
  { key: 'shift_status', header: 'Log status', type: 'string' },
  { key: 'area_id', header: 'Area id', type: 'string', width: 38 },
  { key: 'area', header: 'Area', type: 'string', width: 24 },
  { key: 'equipment_tag', header: 'Equipment', type: 'string' },
  { key: 'category', header: 'Category', type: 'string' },
  { key: 'severity', header: 'Severity', type: 'string' },
  { key: 'body', header: 'Text', type: 'string', width: 60 },
  { key: 'occurred_at', header: 'Occurred at (UTC)', type: 'datetime' },
  { key: 'occurred_at_site', header: 'Occurred at (site time, ISO 8601)', type: 'string', width: 26 },
  { key: 'recorded_at', header: 'Recorded at (UTC)', type: 'datetime' },
  { key: 'recorded_at_site', header: 'Recorded at (site time, ISO 8601)', type: 'string', width: 26 },
  { key: 'author_id', header: 'Author id', type: 'string', width: 38 },
  { key: 'author', header: 'Author', type: 'string', width: 24 },
  { key: 'late', header: 'Late', type: 'boolean' },
  { key: 'late_reason', header: 'Late reason', type: 'string', width: 30 },
  { key: 'state', header: 'State', type: 'string' },
  { key: 'amendment_kind', header: 'Amendment', type: 'string' },
  { key: 'amendment_reason', header: 'Amendment reason', type: 'string', width: 30 },
  { key: 'signed_by', header: 'Signed by', type: 'string', width: 30 },
  { key: 'signatures', header: 'Signatures (name; meaning; time at the site; method)', type: 'string', width: 60 },
  { key: 'last_signed_at', header: 'Last signed at (UTC)', type: 'datetime' },
];

/** The columns a shift log gives each of its rows. */
interface LogColumns {
  shift_date: string | null;
  shift_name: string | null;
  crew: string | null;
  shift_status: string | null;
  signed_by: string | null;
  signatures: string | null;
  last_signed_at: string | null;
}

const unknownLog: LogColumns = { shift_date: null, shift_name: null, crew: null, shift_status: null, signed_by: null, signatures: null, last_signed_at: null };

type SignoffColumns = { printed_name: string; meaning: string; signed_at: string; auth_method: SignoffAuthMethod };

/**
 * One signature as a printout states it (21 CFR Part 11 §11.50): the printed name, the meaning,
 * the date and time at the site with its offset and zone, and how the password was checked.
 */
function signatureInWords(signoff: SignoffColumns, timeZone: string): string {
  const method = signoffMethodInWords[signoff.auth_method] ?? signoff.auth_method;
  return `${signoff.printed_name}; ${signoff.meaning}; ${isoInSiteZone(signoff.signed_at, timeZone)} (${timeZone}); ${method}`;
}

type Amendment = AmendmentForExport;

/** What names a row instead of its ids: its area, its author, and times on its site's clock. */
interface RowNames {
  areaName: string | null;
  authorName(userId: string): string | null;
  siteTime(iso: string): string;
}

/**
 * One row of the export, every member present and always in the same order: one object shape
 * for a million rows keeps the encoders' reads fast.
 */
function shiftLogRow(
  recordType: string,
  id: string,
  amends: string | null,
  e: LogEntryRow,
  log: LogColumns,
  names: RowNames,
  body: string | null,
  recordedAt: string,
  authorId: string,
  late: number | null,
  lateReason: string | null,
  state: string | null,
  amendmentKind: string | null,
  amendmentReason: string | null,
): ShiftLogExportRow {
  return {
    record_type: recordType,
    entry_id: id,
    amends_entry_id: amends,
    shift_log_id: e.shift_log_id,
    shift_date: log.shift_date,
    shift_name: log.shift_name,
    crew: log.crew,
    shift_status: log.shift_status,
    area_id: e.area_id,
    area: names.areaName,
    equipment_tag: e.equipment_tag,
    category: e.category,
    severity: e.severity,
    body,
    occurred_at: e.occurred_at,
    occurred_at_site: names.siteTime(e.occurred_at),
    recorded_at: recordedAt,
    recorded_at_site: names.siteTime(recordedAt),
    author_id: authorId,
    author: names.authorName(authorId),
    late,
    late_reason: lateReason,
    state,
    amendment_kind: amendmentKind,
    amendment_reason: amendmentReason,
    signed_by: log.signed_by,
    signatures: log.signatures,
    last_signed_at: log.last_signed_at,
  };
}

/**
 * Entries page by page, each followed by its amendments as their own rows, with the log and
 * sign-off columns. Per page: one query for the amendments, one for logs not seen yet, one for
 * their sign-offs (never a query per entry). Synchronous, like the store: the engine reads it
 * without an await per row, and nothing is held open between pages.
 */
export function* shiftLogRows(
  context: ExportContext,
  filter: ShiftLogFilter,
  { amendedIdsLimit = AMENDED_IDS_LIMIT, logsHeld = LOGS_HELD }: { amendedIdsLimit?: number; logsHeld?: number } = {},
): Generator<ShiftLogExportRow, void, undefined> {
  const scopes = { shiftLog: context.readScope('shift_log'), logEntry: context.readScope('log_entry') };
  const logs = new Map<string, LogColumns>();
  // Amendments are rare: when few entries have any, their ids are read once (an index scan) and
  // only those entries are asked about, instead of every entry of every page. An entry first
  // amended while the export runs is then written without that amendment, as one on a page
  // already written would be.
  const amendedIds = amendedEntryIds(context.db, amendedIdsLimit);
  const amended = amendedIds.length > amendedIdsLimit ? null : new Set(amendedIds);
  const areas = listAreas(context.db);
  const siteZone = new Map(areas.map((area) => [area.id, area.time_zone]));
  const areaNames = new Map(areas.map((area) => [area.id, area.name]));
  // Names only of people the reader may see; others keep their id alone.
  const authorNames = displayNamesById(context.db, context.readScope('user'));
  const authorName = (userId: string) => authorNames.get(userId) ?? null;
  const offsetsByZone = new Map<string, (instant: number) => number>();
  const namesOfArea = new Map<string, RowNames>();
  const namesFor = (areaId: string): RowNames => {
    let names = namesOfArea.get(areaId);
    if (!names) {
      const zone = siteZone.get(areaId) ?? fallbackTimeZone;
      let offsetAt = offsetsByZone.get(zone);
      if (!offsetAt) offsetsByZone.set(zone, (offsetAt = offsetCache(zone)));
      const cachedOffset = offsetAt;
      names = { areaName: areaNames.get(areaId) ?? null, authorName, siteTime: (iso) => isoInSiteZone(iso, zone, cachedOffset) };
      namesOfArea.set(areaId, names);
    }
    return names;
  };

  let after: string | null = null;
  do {
    const page = listLogEntries(context.db, scopes, filter, { after, limit: pageSize });
    after = page.next;
    const items = page.items as LogEntryRow[];
    // Entries come newest first, so the logs of one page are mostly those of the next: a small
    // map of the logs seen last is enough (and stays in the CPU's caches).
    const missing = new Set<string>();
    let previous = '';
    for (const e of items) {
      const id = e.shift_log_id;
      if (id !== previous && !logs.has(id)) missing.add(id);
      previous = id;
    }
    if (logs.size + missing.size > logsHeld) {
      logs.clear();
      for (const e of items) missing.add(e.shift_log_id);
    }
    if (missing.size > 0) {
      const ids = [...missing];
      const signoffs = new Map<string, SignoffColumns[]>();
      for (const row of signoffsOfLogs(context.db, ids)) {
        const list = signoffs.get(row.shift_log_id);
        if (list) list.push(row);
        else signoffs.set(row.shift_log_id, [row]);
      }
      for (const row of logsForExport(context.db, ids)) {
        const signed = signoffs.get(row.id) ?? [];
        const zone = siteZone.get(row.area_id) ?? fallbackTimeZone;
        logs.set(row.id, {
          shift_date: row.shift_date,
          shift_name: row.shift_name,
          crew: row.crew,
          shift_status: row.status,
          signed_by: signed.map((s) => s.printed_name).join('; ') || null,
          signatures: signed.map((s) => signatureInWords(s, zone)).join(' | ') || null,
          last_signed_at: signed.at(-1)?.signed_at ?? null,
        });
      }
    }
    const amendments = new Map<string, Amendment[]>();
    const asked = amended === null ? items.map((e) => e.id) : items.filter((e) => amended.has(e.id)).map((e) => e.id);
    const found = asked.length > 0 ? amendmentsOfEntries(context.db, asked) : [];
    for (const row of found) {
      const list = amendments.get(row.entry_id);
      if (list) list.push(row);
      else amendments.set(row.entry_id, [row]);
    }
    for (const e of items) {
      const log = logs.get(e.shift_log_id) ?? unknownLog;
      const names = namesFor(e.area_id);
      yield shiftLogRow('entry', e.id, null, e, log, names, e.body, e.recorded_at, e.author_id, e.late, e.late_reason, e.state, null, null);
      const own = amendments.size > 0 ? amendments.get(e.id) : undefined;
      if (own) for (const a of own) yield shiftLogRow('amendment', a.id, e.id, e, log, names, a.body, a.at, a.author_id, null, null, null, a.kind, a.reason);
    }
  } while (after !== null);
}

function simpleColumns(keys: string[], types: Record<string, ExportColumn['type']> = {}): ExportColumn[] {
  return keys.map((key) => ({ key, header: key, type: types[key] ?? 'string' }));
}

function specFor(context: ExportContext, request: ExportRequest): ExportSpec<Record<string, unknown>> {
  switch (request.module) {
    case 'shift-logs':
      return { columns: shiftLogColumns, rows: shiftLogRows(context, request.filter), sheetName: 'Shift log entries' };
    case 'audit':
      return {
        columns: simpleColumns(['seq', 'server_time', 'client_time', 'actor_id', 'session_id', 'ip', 'device_id', 'action', 'entity', 'entity_id', 'before', 'after', 'reason', 'prev_hash', 'hash'], {
          seq: 'integer',
          server_time: 'datetime',
          client_time: 'datetime',
        }),
        rows: pagedRowsSync((after) => listAuditEvents(context.db, context.readScope('audit_event'), request.filter, { after, limit: pageSize })) as Iterable<Record<string, unknown>>,
        sheetName: 'Audit events',
      };
    case 'users':
      return {
        columns: simpleColumns(['id', 'email', 'display_name', 'status', 'global_role', 'org_role', 'role_id', 'areas', 'module_flags']),
        rows: pagedRowsSync((after) => listUsers(context.db, context.readScope('user'), request.filter, { after, limit: pageSize })) as Iterable<Record<string, unknown>>,
        sheetName: 'Users and memberships',
      };
    case 'sessions':
      return {
        columns: simpleColumns(['id', 'user_id', 'created_at', 'last_seen_at', 'idle_expires_at', 'absolute_expires_at', 'ip', 'device_id', 'device_name', 'user_agent', 'revoked_at', 'revoked_by'], {
          created_at: 'datetime',
          last_seen_at: 'datetime',
          idle_expires_at: 'datetime',
          absolute_expires_at: 'datetime',
          revoked_at: 'datetime',
        }),
        rows: pagedRowsSync((after) => listSessions(context.db, context.readScope('session'), request.filter, { after, limit: pageSize })) as Iterable<Record<string, unknown>>,
        sheetName: 'Sessions',
      };
  }
}

/** Runs one export under the reader's permissions and scope; the caller audits the result. */
export async function runExport(context: ExportContext, request: ExportRequest): Promise<ExportResult> {
  checkExportAllowed(context, request.module);
  return exportToFile(specFor(context, request), { format: request.format, path: request.path, bom: request.bom, signal: request.signal, onProgress: request.onProgress });
}
