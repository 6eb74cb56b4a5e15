import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import * as XLSX from 'xlsx';
import type { CallResponse } from '../../shared/contract';
import type { ShiftLogFilterInput } from '../../shared/views';
import { expect, test, type World } from './world';

/** Waits until the first sync after sign-in has brought the demo data down and nothing is pending. */
async function settled(world: World): Promise<void> {
  await expect
    .poll(async () => {
      const state = await world.call('sync.state', {});
      return state.lastOkAt !== null && !state.running && state.pending === 0;
    }, { timeout: 30_000 })
    .toBe(true);
}

/** The entry ids the core lists for a filter, all pages, in list order: "the filtered view". */
async function entryIds(world: World, filter: ShiftLogFilterInput): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  do {
    const page: CallResponse<'shiftLogs.entries'> = await world.call('shiftLogs.entries', { filter, page: { after, limit: 500 } });
    ids.push(...page.items.map((entry) => entry.id));
    after = page.next;
  } while (after !== null);
  return ids;
}

function exportedFiles(world: World): string[] {
  return readdirSync(world.exportsDir)
    .filter((name) => !name.startsWith('.'))
    .sort()
    .map((name) => path.join(world.exportsDir, name));
}

test('exporting the shift-log view from its URL writes a CSV whose entry rows are exactly the filtered entries; XLSX too; both in the history; show in folder', async ({ page, world }) => {
  await world.signInCore('admin');
  await settled(world);
  const filter: ShiftLogFilterInput = { severities: ['high', 'critical'] };
  const expectedIds = await entryIds(world, filter);
  const allIds = await entryIds(world, {});
  // The filter must matter for this test to mean anything.
  expect(expectedIds.length).toBeGreaterThan(0);
  expect(expectedIds.length).toBeLessThan(allIds.length);

  await world.open(page, '#/exports?module=shift-logs&severities=high,critical');
  await expect(page.getByRole('heading', { name: 'Exports', level: 1 })).toBeVisible();
  const summary = page.getByTestId('export-filter-summary');
  await expect(summary).toContainText('Severity');
  await expect(summary).toContainText('high, critical');
  await expect(page.getByRole('radio', { name: 'Shift log entries (with amendments)' })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: 'critical' })).toBeChecked();
  await expect(page.getByText('No exports yet on this workstation.')).toBeVisible();

  // CSV, with the BOM Excel wants.
  await page.getByRole('checkbox', { name: 'Excel-compatible (BOM)' }).check();
  await page.getByRole('button', { name: 'Export…' }).click();
  const result = page.getByTestId('export-result');
  await expect(result).toBeVisible({ timeout: 30_000 });
  const [csvPath] = exportedFiles(world);
  expect(csvPath).toMatch(/\.csv$/);
  const bytes = readFileSync(csvPath);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const records = parse(bytes, { bom: true, columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const entryRows = records.filter((row) => row.Record === 'entry');
  expect(entryRows.map((row) => row['Entry id'])).toEqual(expectedIds);
  expect(new Set(entryRows.map((row) => row.Severity))).toEqual(new Set(['high', 'critical']));
  // Amendments travel as their own rows, each right after the entry it amends.
  const wanted = new Set(expectedIds);
  for (const row of records.filter((candidate) => candidate.Record !== 'entry')) {
    expect(row.Record).toBe('amendment');
    expect(wanted.has(row['Amends entry'])).toBe(true);
  }
  await expect(result).toContainText(`Exported ${records.length.toLocaleString('en')} row`);
  await expect(page.getByTestId('export-sha256')).toHaveText(/^[0-9a-f]{64}$/);
  const csvSha = await page.getByTestId('export-sha256').textContent();

  // XLSX of the same view.
  await page.getByRole('radio', { name: 'Excel workbook (XLSX)' }).check();
  await page.getByRole('button', { name: 'Export…' }).click();
  await expect(page.getByTestId('export-history-row')).toHaveCount(2, { timeout: 30_000 });
  const xlsxPath = exportedFiles(world).find((file) => file.endsWith('.xlsx'));
  expect(xlsxPath).toBeDefined();
  const workbook = XLSX.read(readFileSync(xlsxPath!), { type: 'buffer' });
  const sheet = workbook.Sheets[workbook.SheetNames[0]];
  const xlsxRows = XLSX.utils.sheet_to_json<Record<string, unknown>>(sheet);
  expect(xlsxRows.filter((row) => row.Record === 'entry').map((row) => row['Entry id'])).toEqual(expectedIds);

  // The history: newest first, formats, rows and the CSV's full SHA-256 behind the abbreviation.
  const rows = page.getByTestId('export-history-row');
  await expect(rows.nth(0)).toContainText('XLSX');
  await expect(rows.nth(1)).toContainText('CSV');
  await expect(rows.nth(1)).toContainText(records.length.toLocaleString('en'));
  await expect(rows.nth(1).locator(`[data-sha256="${csvSha}"]`)).toHaveCount(1);

  await world.screenshot(page, 'exports');

  await rows.nth(1).getByRole('button', { name: /^Show in folder/ }).click();
  await expect.poll(() => world.revealed).toEqual([csvPath]);
});
