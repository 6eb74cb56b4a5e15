import { parse } from 'csv-parse/sync';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportService } from '../../../../../main/core/exports/service/export-service';
import { runExport, shiftLogRows, type ExportContext } from '../../../../../main/core/exports/service/exporters';
import type { OpenSession } from '../../../../../main/core/session/session-manager';
import { openStoreDatabase, type SqliteDatabase } from '../../../../../main/core/store/open';
import { orgScope } from '../../../../../main/core/store/scope';
import { upsertRows, type WritableRow } from '../../../../../main/core/store/writes';
import type { SignedGrant } from '../../../../../shared/grant';
import { defaultModuleFlags, effectiveRules, type ModuleFlags, type PermissionRule } from '../../../../../shared/rbac';
import { isoInSiteZone } from '../../../../../shared/site-time';
import { readXlsx } from '../fixtures';

/**
 * The shift-log exporter over a real store: every entry once, newest first, each followed by
 * its amendments as their own rows; the log and sign-off columns filled from the entry's log,
 * across page boundaries (500 entries a page) and for logs seen on an earlier page.
 */
let dir: string;
let db: SqliteDatabase;
let context: ExportContext;

const entryCount = 1_234;
const logCount = 7;

function entryId(i: number): string {
  return `le-${String(i).padStart(5, '0')}`;
}

function occurredAt(i: number): string {
  return new Date(Date.UTC(2024, 2, 1, 6, 0, 0) + i * 60_000).toISOString();
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'plantdesk-exporters-'));
  db = openStoreDatabase({ path: join(dir, 'cache.db'), cipher: { kind: 'none' } });
  const logs: WritableRow<'shift_log'>[] = Array.from({ length: logCount }, (_, l) => ({
    id: `sl-${l}`,
    area_id: `area-${l % 3}`,
    shift_date: `2024-03-0${l + 1}`,
    shift_name: l % 2 ? 'Night' : 'Day',
    crew: l === 3 ? null : 'ABCD'[l % 4],
    starts_at: `2024-03-0${l + 1}T06:00:00.000Z`,
    ends_at: `2024-03-0${l + 1}T18:00:00.000Z`,
    status: l === 0 ? 'signed' : 'open',
    created_by: 'u-1',
    reopened_at: null,
    version: 1,
    pending_mutation_id: null,
  }));
  // Entries of one log are spread over the whole list, so a log is met again on later pages.
  const entries: WritableRow<'log_entry'>[] = Array.from({ length: entryCount }, (_, i) => ({
    id: entryId(i),
    shift_log_id: `sl-${i % logCount}`,
    area_id: `area-${i % logCount % 3}`,
    equipment_tag: i % 5 === 0 ? null : `P-${i % 40}`,
    category: 'operations',
    severity: i % 11 === 0 ? 'high' : 'info',
    body: i === 3 ? '=HYPERLINK("http://evil.example")' : `entry ${i}`,
    occurred_at: occurredAt(i),
    recorded_at: occurredAt(i + 1),
    author_id: `u-${i % 4}`,
    late: i % 13 === 0 ? 1 : 0,
    late_reason: i % 13 === 0 ? 'radio down' : null,
    state: 'active',
    version: 1,
    pending_mutation_id: null,
  }));
  const amendments: WritableRow<'entry_amendment'>[] = [
    { id: 'am-1', entry_id: entryId(10), kind: 'correction', body: 'corrected text', fields_changed: null, reason: 'typo', author_id: 'u-2', at: '2024-03-05T00:00:00.000Z', version: 1, pending_mutation_id: null },
    { id: 'am-2', entry_id: entryId(10), kind: 'addendum', body: 'more', fields_changed: null, reason: 'forgot', author_id: 'u-3', at: '2024-03-06T00:00:00.000Z', version: 1, pending_mutation_id: null },
    // On another page than entry 10 (entries are listed newest first, 500 a page).
    { id: 'am-3', entry_id: entryId(1_000), kind: 'void', body: null, fields_changed: null, reason: 'duplicate', author_id: 'u-1', at: '2024-03-07T00:00:00.000Z', version: 1, pending_mutation_id: null },
  ];
  const signoffs: WritableRow<'signoff'>[] = [
    { id: 'so-1', shift_log_id: 'sl-0', signer_id: 'u-1', printed_name: 'Ann Reviewer', meaning: 'reviewed', signed_at: '2024-03-02T07:00:00.000Z', claimed_signed_at: null, auth_method: 'password_online', content_hash: 'h1', version: 1, pending_mutation_id: null },
    { id: 'so-2', shift_log_id: 'sl-0', signer_id: 'u-2', printed_name: 'Bob Approver', meaning: 'approved', signed_at: '2024-03-02T08:00:00.000Z', claimed_signed_at: '2024-03-02T07:58:00.000Z', auth_method: 'password_offline', content_hash: 'h2', version: 1, pending_mutation_id: null },
  ];
  // The logs' areas sit under a site in Chicago: signature times are stated at the site.
  const areas: WritableRow<'area'>[] = [
    { id: 'site', parent_id: null, kind: 'site', name: 'Plant', time_zone: 'America/Chicago', version: 1, pending_mutation_id: null },
    ...[0, 1, 2].map((n) => ({ id: `area-${n}`, parent_id: 'site', kind: 'area' as const, name: `Area ${n}`, time_zone: null, version: 1, pending_mutation_id: null })),
  ];
  db.transaction(() => {
    upsertRows(db, 'shift_log', logs);
    upsertRows(db, 'log_entry', entries);
    upsertRows(db, 'entry_amendment', amendments);
    upsertRows(db, 'signoff', signoffs);
    upsertRows(db, 'area', areas);
    // One author the reader may see by name; the others keep their id alone.
    upsertRows(db, 'user', [{ id: 'u-0', email: 'ann@plant.example', display_name: 'Ann Operator', status: 'active', global_role: 'none', version: 1 }]);
  })();
  const ability = { userId: 'u-1', tenantId: 't', areas: [], rules: effectiveRules({ orgRole: 'admin', moduleFlags: defaultModuleFlags('admin'), globalRole: 'none' }) };
  context = { db, ability, grant: { moduleFlags: defaultModuleFlags('admin') } as SignedGrant, readScope: () => orgScope };
});

const signaturesOfLog0 =
  'Ann Reviewer; reviewed; 2024-03-02T01:00:00-06:00 (America/Chicago); password re-entered and verified by the server | ' +
  'Bob Approver; approved; 2024-03-02T02:00:00-06:00 (America/Chicago); password checked on the workstation';

afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('shift-log exporter', () => {
  it('writes every entry once, newest first, each followed by its amendments, with its log and sign-off columns', async () => {
    const path = join(dir, 'entries.jsonl');
    const result = await runExport(context, { module: 'shift-logs', format: 'jsonl', path, filter: {} });
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(result.rows).toBe(entryCount + 3);
    expect(lines).toHaveLength(entryCount + 3);

    const entryRows = lines.filter((line) => line.record_type === 'entry');
    expect(entryRows.map((line) => line.entry_id)).toEqual(Array.from({ length: entryCount }, (_, i) => entryId(entryCount - 1 - i)));

    const at = (id: string) => lines.findIndex((line) => line.entry_id === id);
    expect([at('am-1'), at('am-2')]).toEqual([at(entryId(10)) + 1, at(entryId(10)) + 2]);
    expect(at('am-3')).toBe(at(entryId(1_000)) + 1);
    expect(lines[at('am-1')]).toEqual({
      record_type: 'amendment',
      entry_id: 'am-1',
      amends_entry_id: entryId(10),
      shift_log_id: 'sl-3',
      shift_date: '2024-03-04',
      shift_name: 'Night',
      crew: null,
      shift_status: 'open',
      area_id: 'area-0',
      area: 'Area 0',
      equipment_tag: null,
      category: 'operations',
      severity: 'info',
      body: 'corrected text',
      occurred_at: occurredAt(10),
      occurred_at_site: '2024-03-01T00:10:00-06:00',
      recorded_at: '2024-03-05T00:00:00.000Z',
      recorded_at_site: '2024-03-04T18:00:00-06:00',
      author_id: 'u-2',
      author: null,
      late: null,
      late_reason: null,
      state: null,
      amendment_kind: 'correction',
      amendment_reason: 'typo',
      signed_by: null,
      signatures: null,
      last_signed_at: null,
    });
    expect(lines[at('am-3')]).toMatchObject({ amendment_kind: 'void', body: null, amends_entry_id: entryId(1_000) });
    // Entry 0 is in log sl-0, the signed one, and on the last page, long after the log was first met.
    expect(lines[at(entryId(0))]).toEqual({
      record_type: 'entry',
      entry_id: entryId(0),
      amends_entry_id: null,
      shift_log_id: 'sl-0',
      shift_date: '2024-03-01',
      shift_name: 'Day',
      crew: 'A',
      shift_status: 'signed',
      area_id: 'area-0',
      area: 'Area 0',
      equipment_tag: null,
      category: 'operations',
      severity: 'high',
      body: 'entry 0',
      occurred_at: occurredAt(0),
      occurred_at_site: isoInSiteZone(occurredAt(0), 'America/Chicago'),
      recorded_at: occurredAt(1),
      recorded_at_site: isoInSiteZone(occurredAt(1), 'America/Chicago'),
      author_id: 'u-0',
      author: 'Ann Operator',
      late: true,
      late_reason: 'radio down',
      state: 'active',
      amendment_kind: null,
      amendment_reason: null,
      signed_by: 'Ann Reviewer; Bob Approver',
      signatures: signaturesOfLog0,
      last_signed_at: '2024-03-02T08:00:00.000Z',
    });
    expect(lines[at(entryId(1))]).toMatchObject({ shift_log_id: 'sl-1', crew: 'B', signed_by: null, late: false, equipment_tag: 'P-1' });
  });

  it('finds the same amendments when too many entries have some to hold their ids', () => {
    const withIds = [...shiftLogRows(context, {})];
    const perPage = [...shiftLogRows(context, {}, { amendedIdsLimit: 1 })];
    expect(perPage).toEqual(withIds);
    expect(perPage.filter((row) => row.record_type === 'amendment').map((row) => row.entry_id)).toEqual(['am-3', 'am-1', 'am-2']);
  });

  it('gives every entry its log columns when the logs held between pages are dropped', () => {
    const rows = [...shiftLogRows(context, {})];
    // Fewer logs may be held than one page has: each page reads its logs again, all of them.
    expect([...shiftLogRows(context, {}, { logsHeld: 3 })]).toEqual(rows);
    expect(rows.every((row) => typeof row.shift_date === 'string' && typeof row.shift_status === 'string')).toBe(true);
  });

  it('states each signature in CSV with its name, meaning, time at the site with offset and zone, and method', async () => {
    const path = join(dir, 'entries.csv');
    await runExport(context, { module: 'shift-logs', format: 'csv', path, filter: {} });
    const records = parse(readFileSync(path, 'utf8'), { columns: true }) as Record<string, string>[];
    const entry0 = records.find((record) => record['Entry id'] === entryId(0));
    expect(entry0?.['Signatures (name; meaning; time at the site; method)']).toBe(signaturesOfLog0);
  });

  it('writes the same rows as XLSX: typed cells, neutralised text, read back by an independent reader', async () => {
    const path = join(dir, 'entries.xlsx');
    const result = await runExport(context, { module: 'shift-logs', format: 'xlsx', path, filter: {} });
    expect(result.rows).toBe(entryCount + 3);
    const sheet = readXlsx(path)[0];
    expect(sheet.rows).toHaveLength(entryCount + 4);
    const header = sheet.rows[0].map((cell) => cell?.value);
    const column = (name: string) => header.indexOf(name);
    const row = (id: string) => sheet.rows.find((cells) => cells[column('Entry id')]?.value === id) ?? [];
    const entry3 = row(entryId(3));
    expect(entry3[column('Text')]).toEqual({ type: 'string', value: '\'=HYPERLINK("http://evil.example")' });
    expect(entry3[column('Late')]).toEqual({ type: 'boolean', value: false });
    expect(entry3[column('Shift date')]).toMatchObject({ type: 'date', value: 25_569 + Date.UTC(2024, 2, 4) / 86_400_000 });
    expect(entry3[column('Occurred at (UTC)')]).toMatchObject({ type: 'date', value: 25_569 + Date.parse(occurredAt(3)) / 86_400_000 });
    expect(row(entryId(0))[column('Signed by')]).toEqual({ type: 'string', value: 'Ann Reviewer; Bob Approver' });
    expect(row(entryId(0))[column('Signatures (name; meaning; time at the site; method)')]).toEqual({ type: 'string', value: signaturesOfLog0 });
    expect(row('am-3')[column('Amendment')]).toEqual({ type: 'string', value: 'void' });
    expect(row('am-3')[column('Text')]).toBeUndefined();
  });
});

describe('who may run an export', () => {
  const withRules = (rules: PermissionRule[], moduleFlags: ModuleFlags = defaultModuleFlags('admin')): ExportContext => ({
    ...context,
    ability: { ...context.ability, rules },
    grant: { moduleFlags } as SignedGrant,
  });
  const rule = (action: PermissionRule['action'], entity: PermissionRule['entity']): PermissionRule => ({ action, access: 'org', entity });

  it('refuses records the person may export but not read (forbidden), and writes no file', async () => {
    const path = join(dir, 'unread.csv');
    const exporter = withRules([rule('export', 'export'), rule('export', 'log_entry')]);
    await expect(runExport(exporter, { module: 'shift-logs', format: 'csv', path, filter: {} })).rejects.toMatchObject({ code: 'forbidden' });
    expect(existsSync(path)).toBe(false);
  });

  it('refuses everything while the exports module is off (forbidden)', async () => {
    const path = join(dir, 'flag-off.csv');
    const exporter = withRules(context.ability.rules.slice(), { ...defaultModuleFlags('admin'), exports: false });
    await expect(runExport(exporter, { module: 'audit', format: 'csv', path, filter: {} })).rejects.toMatchObject({ code: 'forbidden' });
    expect(existsSync(path)).toBe(false);
  });

  it('runs for a person holding export on exports, and export and read on the records', async () => {
    const path = join(dir, 'allowed.jsonl');
    const exporter = withRules([rule('export', 'export'), rule('export', 'log_entry'), rule('read', 'log_entry')]);
    const result = await runExport(exporter, { module: 'shift-logs', format: 'jsonl', path, filter: { severities: ['high'] } });
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { severity: string });
    expect(result.rows).toBeGreaterThan(0);
    expect(lines).toHaveLength(result.rows);
    expect(new Set(lines.map((line) => line.severity))).toEqual(new Set(['high']));
  });
});

describe('export service', () => {
  it('says when no export reads the cache any more (a first sync replaces the cache only then)', async () => {
    const seen: { waiting: boolean; settled: boolean }[] = [];
    let idle: Promise<void> | null = null;
    let settled = false;
    const service: ExportService = new ExportService({
      session: () => ({ vault: { db }, ability: context.ability, grant: { ...context.grant, grantId: 'g-1' }, account: { userId: 'u-1' } }) as unknown as OpenSession,
      readScope: () => orgScope,
      now: () => new Date('2024-03-10T00:00:00Z'),
      chooseExportPath: null,
      onProgress: () => {
        if (!idle) {
          idle = service.whenIdle();
          void idle?.then(() => (settled = true));
        }
        seen.push({ waiting: idle !== null, settled });
      },
    });
    expect(service.whenIdle()).toBeNull();
    const result = await service.start({ exportId: randomUUID(), module: 'shift-logs', format: 'csv', bom: false, filter: {}, path: join(dir, 'while-syncing.csv') });
    expect(result?.rows).toBe(entryCount + 3);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((look) => look.waiting && !look.settled)).toBe(true);
    await idle;
    expect(settled).toBe(true);
    expect(service.whenIdle()).toBeNull();
  });
});
