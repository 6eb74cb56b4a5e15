import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { installPlantdeskStub } from './support/plantdesk-stub';
import { ShiftLogsScreen } from '../../renderer/src/features/shift-logs/components/ShiftLogsScreen';
import { indexAreas } from '../../renderer/src/features/shift-logs/hooks/useAreaIndex';
import { ShiftLogSheet, type ShiftLogPrintProps } from '../../renderer/src/features/shift-logs/print/ShiftLogPrint';
import { useLocaleStore } from '../../renderer/src/i18n/i18n';
import { presetRules } from '../../shared/rbac';

const ok = (value: unknown) => ({ ok: true, value });

const siteId = '0192f0a0-0000-7000-8000-00000000a001';
const areaId = '0192f0a0-0000-7000-8000-00000000a002';
const areas = [
  { id: siteId, parent_id: null, kind: 'site' as const, name: 'Northfield Works', time_zone: 'Europe/London' },
  { id: areaId, parent_id: siteId, kind: 'area' as const, name: 'Boiler house', time_zone: null },
];
const logId = '0192f0a0-0000-7000-8000-000000000001';
const ada = '0193aaaa-0000-7000-8000-0000000000a1';
const ben = '0194bbbb-0000-7000-8000-0000000000b2';
const people: Record<string, string> = { [ada]: 'Ada Admin', [ben]: 'Ben Operator' };
const hash = '08216f1eb85227a22297352fae21ea597b767de258a4b134aba5f3518d1d7701';
const synced = { version: 1, pending_mutation_id: null as string | null };

function detail() {
  return {
    shiftLog: { id: logId, area_id: areaId, shift_date: '2026-10-24', shift_name: 'Night', crew: 'B', starts_at: '2026-10-24T18:00:00.000Z', ends_at: '2026-10-25T07:00:00.000Z', status: 'signed', created_by: ada, reopened_at: null, ...synced },
    amendedAfterSignoff: false,
    entries: [
      {
        id: 'e-1', shift_log_id: logId, area_id: areaId, equipment_tag: 'P-101', category: 'maintenance', severity: 'high', body: 'Pump seal leaking, isolated.',
        occurred_at: '2026-10-24T21:15:00.000Z', recorded_at: '2026-10-24T21:16:00.000Z', author_id: ben, late: 0, late_reason: null, state: 'active', after_signoff: 0, ...synced,
        amendments: [{ id: 'am-1', entry_id: 'e-1', kind: 'correction', body: 'Pump seal leaking, replaced.', fields_changed: null, reason: 'Wrong action recorded', author_id: ada, at: '2026-10-25T02:00:00.000Z', after_signoff: 0, ...synced }],
      },
      {
        id: 'e-2', shift_log_id: logId, area_id: areaId, equipment_tag: null, category: 'safety', severity: 'info', body: 'Night round done.',
        occurred_at: '2026-10-25T00:30:00.000Z', recorded_at: '2026-10-25T08:00:00.000Z', author_id: ada, late: 1, late_reason: 'Written up from the round sheet', state: 'active', after_signoff: 0, ...synced, amendments: [],
      },
    ],
    comments: [
      { id: 'c-1', shift_log_id: logId, entry_id: 'e-1', author_id: ada, body: 'Spare seal ordered.', at: '2026-10-25T03:00:00.000Z', ...synced },
      { id: 'c-2', shift_log_id: logId, entry_id: null, author_id: ben, body: 'Quiet night otherwise.', at: '2026-10-25T06:00:00.000Z', ...synced },
    ],
    signoffs: [
      { id: 's-1', shift_log_id: logId, signer_id: ben, printed_name: 'Ben Operator', meaning: 'handed_over', signed_at: '2026-10-25T06:55:00.000Z', claimed_signed_at: '2026-10-25T06:55:00.000Z', auth_method: 'password_offline', content_hash: hash, ...synced },
      { id: 's-2', shift_log_id: logId, signer_id: ada, printed_name: 'Ada Admin', meaning: 'approved', signed_at: '2026-10-25T07:30:00.000Z', claimed_signed_at: null, auth_method: 'password_online', content_hash: hash, ...synced },
    ],
    handovers: [
      { id: 'h-1', from_shift_log_id: logId, to_shift_log_id: null, open_items: JSON.stringify([{ text: 'P-101 seal to be fitted' }, 'Check boiler 2 pressure']), outgoing_ack_by: ben, outgoing_ack_at: '2026-10-25T06:50:00.000Z', incoming_ack_by: null, incoming_ack_at: null, ...synced },
    ],
  };
}

const session = { state: 'unlocked', online: true, user: { id: ada, email: 'a@example.com', displayName: 'Ada Admin' }, tenantId: 'tenant-1', tenantName: 'Northfield Plant', server: 'http://127.0.0.1', grantNotAfter: null, lockReason: null, needsOnlineSignIn: false };

function renderSheet(data = detail()) {
  installPlantdeskStub({ 'session.status': ok(session) });
  const props = { detail: data, areas: indexAreas(areas), nameOf: (id: string) => people[id] ?? id.slice(0, 8) } as unknown as ShiftLogPrintProps;
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <ShiftLogSheet {...props} />
    </QueryClientProvider>,
  );
}

/** The label and value of each row of a definition list, as "label: value". */
const fieldsOf = (list: HTMLElement) => [...list.querySelectorAll('.print-field')].map((row) => `${row.querySelector('dt')!.textContent}: ${row.querySelector('dd')!.textContent}`);

afterEach(() => {
  cleanup();
  act(() => useLocaleStore.getState().setLocale('en'));
  Reflect.deleteProperty(window, 'plantdesk');
});

describe('the printed shift log', () => {
  beforeEach(() => act(() => useLocaleStore.getState().setLocale('en')));

  it('names every author, signer and acknowledger, and never shows a user id', async () => {
    const { container } = renderSheet();
    await screen.findByText('Northfield Plant');
    const text = container.textContent ?? '';
    expect(text).toContain('Author: Ben Operator');
    expect(text).toContain('Correction by Ada Admin, Oct 25, 2026, 2:00 AM GMT');
    expect(text).toContain('Comment · Ada Admin, Oct 25, 2026, 3:00 AM GMT: Spare seal ordered.');
    expect(text).toContain('Ben Operator, Oct 25, 2026, 6:00 AM GMT: Quiet night otherwise.');
    expect(text).toContain('Outgoing shift: Ben Operator, Oct 25, 2026, 6:50 AM GMT');
    for (const id of [ada, ben, ada.slice(0, 8), ben.slice(0, 8)]) expect(text).not.toContain(id);
  });

  it('heads the sheet with tenant, site, area, shift, date, crew, status, the zone and the log id', async () => {
    renderSheet();
    await screen.findByText('Northfield Plant');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Shift log: Boiler house · Night · Oct 24, 2026');
    const facts = fieldsOf(document.querySelector<HTMLElement>('.print-facts')!);
    expect(facts).toEqual(
      expect.arrayContaining(['Tenant: Northfield Plant', 'Site: Northfield Works', 'Area: Boiler house', 'Shift: Night', 'Shift date: Oct 24, 2026', 'Crew: B', 'Status: Signed', 'Times in: Europe/London', `Log ID: ${logId}`]),
    );
    expect(facts.find((fact) => fact.startsWith('Printed: '))).toMatch(/^Printed: \w{3} \d{1,2}, \d{4}, \d{1,2}:\d{2} (AM|PM) GMT(\+1)?$/);
  });

  it('gives each signature its printed name, time at the site with the zone, meaning and method in words, and the content hash', () => {
    renderSheet();
    const signatures = [...document.querySelectorAll<HTMLElement>('.print-signature')].map(fieldsOf);
    expect(signatures).toEqual([
      ['Printed name: Ben Operator', 'Signed at: Oct 25, 2026, 6:55 AM GMT', 'Meaning: Handed over', 'Method: password checked on the workstation', `Content hash (SHA-256): ${hash}`],
      ['Printed name: Ada Admin', 'Signed at: Oct 25, 2026, 7:30 AM GMT', 'Meaning: Approved', 'Method: password re-entered and verified by the server', `Content hash (SHA-256): ${hash}`],
    ]);
  });

  it('says when a signature has not reached the server yet, and prints the workstation clock when it was over a minute off', () => {
    const data = detail();
    data.signoffs[1] = { ...data.signoffs[1], claimed_signed_at: '2026-10-25T07:20:00.000Z', pending_mutation_id: 'm-1' };
    renderSheet(data);
    const [, pending] = [...document.querySelectorAll<HTMLElement>('.print-signature')].map(fieldsOf);
    expect(pending).toContain('Signed at: Oct 25, 2026, 7:30 AM GMT (not yet received by the server)');
    expect(pending).toContain('Workstation clock: Oct 25, 2026, 7:20 AM GMT');
  });

  it('writes an entry time alone on the shift day and with its date after midnight, with the late reason and the amendment beside it', () => {
    renderSheet();
    const [first, second] = document.querySelectorAll<HTMLElement>('.print-entry');
    expect(within(first).getByText('10:15 PM GMT+1', { exact: false })).toBeTruthy();
    expect(first.textContent).toContain('Pump seal leaking, replaced.');
    expect(first.textContent).toContain('Reason: Wrong action recorded');
    expect(second.querySelector('time')!.textContent).toBe('Oct 25, 2026, 1:30 AM GMT+1');
    expect(second.textContent).toContain('Entered late. Reason: Written up from the round sheet');
  });

  it('carries the handover open items', () => {
    renderSheet();
    expect(screen.getByText('P-101 seal to be fitted')).toBeTruthy();
    expect(screen.getByText('Check boiler 2 pressure')).toBeTruthy();
    expect(document.body.textContent).toContain('2 open items carried over');
  });

  it('words the signatures in German on a German workstation', () => {
    act(() => useLocaleStore.getState().setLocale('de'));
    renderSheet();
    const [handedOver] = [...document.querySelectorAll<HTMLElement>('.print-signature')].map(fieldsOf);
    expect(handedOver).toEqual([
      'Name in Druckschrift: Ben Operator',
      'Unterschrieben am: 25. Okt. 2026, 06:55 GMT',
      'Bedeutung: Übergeben',
      'Verfahren: Passwort auf dem Arbeitsplatz geprüft',
      `Prüfsumme des Inhalts (SHA-256): ${hash}`,
    ]);
  });
});

describe('printing from the shift-log detail', () => {
  it('is a button that mounts the sheet beside the app only while printing and opens the print dialog', async () => {
    installPlantdeskStub({
      'areas.list': ok(areas),
      'users.list': ok({ items: [{ id: ada, display_name: 'Ada Admin' }, { id: ben, display_name: 'Ben Operator' }], next: null }),
      'session.access': ok({ userId: ada, tenantId: 'tenant-1', orgRole: 'admin', globalRole: 'none', rules: presetRules.admin, moduleFlags: { shift_logs: true, handovers: true, audit: true, users: true, exports: true }, areas: [areaId], notAfter: '2099-01-01T00:00:00.000Z' }),
      'session.status': ok(session),
      'shiftLogs.get': ok(detail()),
    });
    window.location.hash = `#/shift-logs/${logId}`;
    // happy-dom has no window.print; Chromium lays the pages out while it runs, so the sheet must be in <body> by then.
    let sheetWhilePrinting: Element | null = null;
    const print = vi.fn(() => void (sheetWhilePrinting = document.body.querySelector(':scope > .print-sheet')));
    Object.defineProperty(window, 'print', { value: print, configurable: true });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <QueryClientProvider client={client}>
        <ShiftLogsScreen />
      </QueryClientProvider>,
    );
    const button = await screen.findByRole('button', { name: 'Print / Save as PDF' });
    expect(document.querySelector('.print-sheet')).toBeNull();
    fireEvent.click(button);
    expect(print).toHaveBeenCalledTimes(1);
    expect(sheetWhilePrinting).not.toBeNull();
    act(() => void window.dispatchEvent(new Event('afterprint')));
    expect(document.querySelector('.print-sheet')).toBeNull();
    Reflect.deleteProperty(window, 'print');
  });
});
