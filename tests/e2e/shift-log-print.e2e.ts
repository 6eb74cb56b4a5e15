import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { siteTimeZones } from '../../shared/site-time';
import { screenshotDir } from './fixtures';
import { expect, test } from './world';

/** The first page rendered as 8-bit grey (PGM), for what the eye sees: paper and ink. */
function firstPageGrey(file: string): Uint8Array {
  const out = path.join(path.dirname(file), 'page');
  execFileSync('pdftoppm', ['-f', '1', '-l', '1', '-r', '30', '-gray', '-singlefile', file, out]);
  const pgm = readFileSync(`${out}.pgm`);
  // Header: "P5", width, height, maxval, each followed by one white-space byte.
  let offset = 0;
  for (let fields = 0; fields < 4; fields += 1) {
    while (/\s/.test(String.fromCharCode(pgm[offset]))) offset += 1;
    while (!/\s/.test(String.fromCharCode(pgm[offset]))) offset += 1;
  }
  return pgm.subarray(offset + 1);
}

/** The PDF's text as pdftotext reads it, with every run of white space (U+202F included) as one space. */
function pdfText(file: string): string {
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/gu, ' ');
}

async function signOff(page: Page, meaning: 'Reviewed' | 'Approved', password: string) {
  await page.getByRole('button', { name: 'Sign off' }).click();
  const sign = page.getByRole('dialog', { name: 'Sign off shift log' });
  await sign.getByRole('radio', { name: meaning }).check();
  await sign.getByLabel('Password').fill(password);
  await sign.getByRole('button', { name: 'Sign' }).click();
  await expect(sign).toBeHidden();
  // Recorded by the server: the app's own sync pushes the signature and the pending mark clears.
  await expect(page.getByTestId('pending-mark')).toHaveCount(0, { timeout: 45_000 });
}

test('a signed shift log prints to a PDF that holds the header, the entries and every signature with name, zoned time, meaning and method, and none of the app', async ({ page, world }) => {
  const admin = world.user('admin');
  await world.signInCore('admin');
  await world.open(page, '#/shift-logs?view=entries&statuses=submitted');
  const rows = page.getByRole('grid', { name: 'Log entries' }).locator('[data-entry-row]');
  await rows.first().click();
  await expect(page).toHaveURL(/#\/shift-logs\/[0-9a-f-]{36}/);
  const shiftLogId = decodeURIComponent(new URL(page.url()).hash.split('/')[2]);

  await signOff(page, 'Reviewed', admin.password);
  await signOff(page, 'Approved', admin.password);
  await expect(page.getByTestId('shift-log-status')).toHaveText('Signed');

  // What the server recorded, read back through the core after the sync.
  const detail = (await world.call('shiftLogs.get', { id: shiftLogId }))!;
  expect(detail.signoffs.map((signoff) => signoff.meaning).sort()).toEqual(['approved', 'reviewed']);
  expect(detail.signoffs.every((signoff) => signoff.pending_mutation_id === null)).toBe(true);
  const areas = await world.call('areas.list', {});
  const area = areas.find((candidate) => candidate.id === detail.shiftLog.area_id)!;
  // The site's zone, by the one site-time rule the screens use.
  const zone = siteTimeZones(areas).zoneOf(area.id);
  const chrome = [...(await page.getByRole('navigation').getByRole('link').allInnerTexts()), 'Back to the list', 'Reopen', 'Last sync', 'Print / Save as PDF']
    .map((text) => text.trim())
    .filter(Boolean);

  // The button opens the print dialog (window.print); headless Chromium has none, so the call is
  // counted and the page is printed by Playwright as the dialog's "Save as PDF" would.
  await page.evaluate(() => {
    (window as unknown as { printCalls: number }).printCalls = 0;
    window.print = () => void (window as unknown as { printCalls: number }).printCalls++;
  });
  const printButton = page.getByRole('button', { name: 'Print / Save as PDF' });
  await printButton.focus();
  await page.keyboard.press('Enter');
  expect(await page.evaluate(() => (window as unknown as { printCalls: number }).printCalls)).toBe(1);
  await expect(page.getByTestId('print-sheet')).toBeAttached();

  await page.emulateMedia({ media: 'print', colorScheme: 'dark' });
  const dir = mkdtempSync(path.join(tmpdir(), 'plantdesk-e2e-print-'));
  try {
    const file = path.join(dir, 'shift-log.pdf');
    await page.pdf({ path: file, format: 'A4' });
    expect(statSync(file).size).toBeGreaterThan(1000);
    const text = pdfText(file);

    // The header: area, shift, shift date (as the screen writes it), the log id.
    expect(text).toContain(area.name);
    expect(text).toContain(detail.shiftLog.shift_name);
    const shiftDate = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${detail.shiftLog.shift_date}T12:00:00Z`));
    expect(text).toContain(shiftDate);
    expect(text).toContain(shiftLogId);
    // The page header and footer (CSS page-margin boxes): the log id and "Page n of m" on every page.
    expect(text).toContain(`Shift log ${shiftLogId}`);
    expect(text).toMatch(/Page 1 of (\d+)/);

    // Every entry's text (the longest line of it; pdftotext breaks lines where the page does).
    for (const entry of detail.entries) expect(text).toContain(entry.body.replace(/\s+/g, ' ').slice(0, 30));

    // Every signature: printed name, date and time at the site with the zone named, meaning, method.
    expect(text).toContain('Signatures');
    for (const signoff of detail.signoffs) {
      const parts = new Intl.DateTimeFormat('en', { hour: 'numeric', minute: '2-digit', timeZone: zone, timeZoneName: 'short' }).formatToParts(new Date(signoff.signed_at));
      const part = (type: string) => parts.find((candidate) => candidate.type === type)?.value ?? '';
      const day = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', year: 'numeric', timeZone: zone }).format(new Date(signoff.signed_at));
      const meaning = signoff.meaning === 'approved' ? 'Approved' : 'Reviewed';
      expect(text).toMatch(
        new RegExp(
          `Printed name: ${signoff.printed_name} Signed at: ${day}, ${part('hour')}:${part('minute')} ${part('dayPeriod')} ${part('timeZoneName').replace('+', '\\+')} (?:Workstation clock: .+? )?Meaning: ${meaning} Method: password re-entered and verified by the server`,
        ),
      );
      expect(text).toContain(signoff.content_hash.slice(0, 16));
    }
    expect(detail.signoffs.map((signoff) => signoff.printed_name)).toContain('Alex Admin');

    // None of the app: navigation, the toolbar, the sync status.
    for (const words of chrome) expect(text, words).not.toContain(words);

    // Black on white though the window is in dark mode: nearly all paper, some ink, nothing dark-grey.
    const grey = firstPageGrey(file);
    const white = grey.filter((value) => value > 240).length / grey.length;
    expect(white).toBeGreaterThan(0.8);
    expect(Math.min(...grey)).toBeLessThan(80);
    copyFileSync(file, path.join(screenshotDir, 'shift-log-print.pdf'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.describe('in German', () => {
  test.use({ locale: 'de-DE' });

  test('a signed shift log prints its signatures and page furniture in German', async ({ page, world }) => {
    await world.signInCore('admin');
    await world.open(page, '#/shift-logs?view=entries&statuses=submitted');
    await page.getByRole('grid', { name: 'Logbucheinträge' }).locator('[data-entry-row]').first().click();
    await expect(page).toHaveURL(/#\/shift-logs\/[0-9a-f-]{36}/);
    const shiftLogId = decodeURIComponent(new URL(page.url()).hash.split('/')[2]);
    // Signed through the core (the English test signs through the dialog), then synced so the server records it.
    await world.call('shiftLogs.signOff', { shiftLogId, meaning: 'handed_over', password: world.user('admin').password });
    await world.call('sync.now', {});
    await expect(page.getByTestId('pending-mark')).toHaveCount(0, { timeout: 45_000 });
    const detail = (await world.call('shiftLogs.get', { id: shiftLogId }))!;
    expect(detail.signoffs.map((signoff) => [signoff.meaning, signoff.pending_mutation_id])).toEqual([['handed_over', null]]);
    await expect(page.locator('.signoffs')).toContainText('Übergeben');

    await page.evaluate(() => void (window.print = () => {}));
    await page.getByRole('button', { name: 'Drucken / Als PDF speichern' }).click();
    await expect(page.getByTestId('print-sheet')).toBeAttached();
    await page.emulateMedia({ media: 'print' });
    const dir = mkdtempSync(path.join(tmpdir(), 'plantdesk-e2e-print-'));
    try {
      const file = path.join(dir, 'schichtbuch.pdf');
      await page.pdf({ path: file, format: 'A4' });
      const text = pdfText(file);
      expect(text).toContain(`Schichtbuch ${shiftLogId}`);
      expect(text).toMatch(/Seite 1 von \d+/);
      expect(text).toContain('Unterschriften');
      const meanings: Record<string, string> = { reviewed: 'Geprüft', approved: 'Freigegeben', handed_over: 'Übergeben', accepted: 'Übernommen' };
      for (const signoff of detail.signoffs) {
        expect(text).toMatch(
          new RegExp(`Name in Druckschrift: ${signoff.printed_name} Unterschrieben am: .+?\\d{1,2}:\\d{2} \\S+ .*?Bedeutung: ${meanings[signoff.meaning]} Verfahren: (Passwort erneut eingegeben und vom Server geprüft|Passwort auf dem Arbeitsplatz geprüft)`),
        );
      }
      expect(text).not.toContain('Signatures');
      expect(text).not.toContain('Printed name');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
