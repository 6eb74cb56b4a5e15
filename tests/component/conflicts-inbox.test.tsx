import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SyncScreen } from '../../renderer/src/features/sync/components/SyncScreen';
import type { PlantdeskApi } from '../../shared/contract';

/** The conflicts inbox of the Sync page against a window.plantdesk whose answers each test sets. */
type Answer = unknown | ((request: never) => unknown);
const calls: { channel: string; request: unknown }[] = [];

function installApi(answers: Record<string, Answer>) {
  const api: Record<string, unknown> = { onEvent: () => () => {} };
  for (const channel of Object.keys(answers)) {
    const [domain, method] = channel.split('.');
    const target = (api[domain] ??= {}) as Record<string, (request: unknown) => Promise<unknown>>;
    target[method] = async (request) => {
      calls.push({ channel, request });
      const answer = answers[channel];
      const value = typeof answer === 'function' ? await (answer as (request: unknown) => unknown)(request) : await answer;
      if (value && typeof value === 'object' && 'error' in value && Object.keys(value).length === 1) return { ok: false, error: (value as { error: unknown }).error };
      return { ok: true, value };
    };
  }
  Object.defineProperty(window, 'plantdesk', { value: api as unknown as PlantdeskApi, configurable: true });
}

const online = { state: 'unlocked', online: true, user: null, tenantId: 't1', tenantName: 'Northfield Plant', server: 'http://127.0.0.1', grantNotAfter: null, lockReason: null, needsOnlineSignIn: false };
const areas = [
  { id: 'site-1', parent_id: null, kind: 'site', name: 'Northfield', time_zone: 'Europe/London' },
  { id: 'area-tanks', parent_id: 'site-1', kind: 'area', name: 'Tank farm', time_zone: 'Europe/London' },
];
const hash = 'c0ffee'.padEnd(64, '0');
const signOffConflict = {
  id: 7,
  mutationId: '0190a8b2-0000-7000-8000-000000000001',
  name: 'shiftLog.signOff',
  args: { id: 's1', shiftLogId: 'log-1', meaning: 'approved', printedName: 'Alex Admin', contentHash: hash, authMethod: 'password_offline', signedAt: '2026-07-01T18:30:00Z', signingTicket: null },
  reason: 'conflict',
  serverRow: { tenant_id: 't1', id: 'log-1', area_id: 'area-tanks', status: 'signed', version: 4, shift_name: 'Day', shift_date: '2026-07-01', updated_at: '2026-07-01T18:40:00Z' },
  message: 'the shift log is already signed',
  createdAt: '2026-07-01T18:45:00Z',
  signOffReview: {
    shiftLogId: 'log-1',
    meaning: 'approved',
    signedAt: '2026-07-01T18:30:00Z',
    changes: [{ kind: 'entry', id: 'e9', entryId: 'e9', at: '2026-07-01T18:35:00Z', authorId: 'u2', body: 'Tank T-3 level alarm at 19:35' }],
  },
  log: { id: 'log-1', areaName: 'Tank farm', shiftDate: '2026-07-01', shiftName: 'Day' },
  serverChange: { kind: 'already_done', changedBy: 'u2', changedAt: '2026-07-01T18:40:00Z' },
  people: { u2: 'Sam Shift' },
};
const forbiddenEntry = {
  id: 8,
  mutationId: '0190a8b2-0000-7000-8000-000000000002',
  name: 'logEntry.create',
  args: { id: 'e1', shiftLogId: 'log-2', areaId: 'area-tanks', body: 'written offline', severity: 'high', category: 'safety', occurredAt: '2026-07-01T17:00:00Z', equipmentTag: null, lateReason: null },
  reason: 'forbidden',
  serverRow: null,
  message: 'you no longer cover this area',
  createdAt: '2026-07-01T18:46:00Z',
  signOffReview: null,
  log: { id: 'log-2', areaName: 'Tank farm', shiftDate: '2026-07-02', shiftName: 'Night' },
  serverChange: null,
  people: {},
};

let conflicts: unknown[] = [];
function baseAnswers(overrides: Record<string, Answer> = {}): Record<string, Answer> {
  return {
    'session.status': online,
    'areas.list': areas,
    'sync.state': () => ({ pending: 0, conflicts: conflicts.length, cursor: 1, lastOkAt: null, running: false, lastError: null }),
    'sync.outbox': [],
    'conflicts.list': () => conflicts,
    'session.access': { userId: 'u1', tenantId: 't1', areas: ['area-tanks'], rules: [], modules: {} },
    ...overrides,
  };
}

function renderScreen() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <SyncScreen />
    </QueryClientProvider>,
  );
}

/** A field list as { label: value } pairs. */
function fields(container: HTMLElement): Record<string, string | null | undefined> {
  return Object.fromEntries([...container.querySelectorAll(':scope > dl > div > dt')].map((dt) => [dt.textContent, dt.nextElementSibling?.textContent]));
}

beforeEach(() => {
  calls.length = 0;
  conflicts = [signOffConflict, forbiddenEntry];
});

afterEach(() => {
  cleanup();
  Reflect.deleteProperty(window, 'plantdesk');
});

describe('the conflicts inbox', () => {
  it('shows each conflict: the change in words, the reason in text, the message, and the local intent beside the server state', async () => {
    installApi(baseAnswers());
    renderScreen();
    const cards = await screen.findAllByTestId('conflict');
    expect(screen.getByTestId('conflicts-count').textContent).toBe('2 conflicts');
    const [signOff, entry] = cards;
    expect(within(signOff).getByRole('heading', { level: 3 }).textContent).toBe('Sign off shift log · Tank farm · Jul 1, 2026 · Day');
    expect(signOff.textContent).toContain('Conflict: changed on the server meanwhile');
    // What the server found, and who changed the log there and when, in words and the site's zone.
    expect(within(signOff).getByTestId('conflict-what').textContent).toBe('This step was already taken on the server. Last changed on the server by Sam Shift, Jul 1, 2026, 7:40 PM GMT+1.');
    // The server's English sentence is kept, folded, for support.
    expect(within(signOff).getByText('the shift log is already signed').closest('details')).toBeTruthy();
    expect(fields(within(signOff).getByTestId('conflict-local'))).toEqual({
      'Shift log': 'Tank farm · Jul 1, 2026 · Day',
      Meaning: 'approved',
      'Printed name': 'Alex Admin',
      'Content hash': 'c0ffee0000000000…',
      'Confirmed by': 'password, offline',
      'Signed at': 'Jul 1, 2026, 7:30 PM GMT+1',
    });
    expect(within(signOff).getByTitle(hash)).toBeTruthy();
    expect(fields(within(signOff).getByTestId('conflict-server'))).toEqual({
      Id: 'log-1',
      Area: 'Tank farm',
      Status: 'signed',
      Version: '4',
      Shift: 'Day',
      // A calendar date as the language writes it; the server's one-time signing ticket is no fact to show.
      'Shift date': 'Jul 1, 2026',
      'Last changed': 'Jul 1, 2026, 7:40 PM GMT+1',
    });

    expect(within(entry).getByRole('heading', { level: 3 }).textContent).toBe('Add entry · Tank farm · Jul 2, 2026 · Night');
    expect(entry.textContent).toContain('Refused: not allowed any more');
    expect(within(entry).getByTestId('conflict-what').textContent).toBe('Your role no longer allows this change.');
    expect(within(entry).getByRole('link', { name: 'Open the shift log' }).getAttribute('href')).toBe('#/shift-logs/log-2');
    expect(fields(within(entry).getByTestId('conflict-local'))).toMatchObject({ Text: 'written offline', Severity: 'high', Area: 'Tank farm', Equipment: '(empty)' });
    expect(within(entry).getByTestId('conflict-server').textContent).toContain('The server has no such record.');
  });

  it('names the people on a card: the author by name, "you" for the reader, and says when a name is not theirs to see', async () => {
    conflicts = [
      {
        ...forbiddenEntry,
        id: 9,
        name: 'logEntry.amend',
        reason: 'conflict',
        args: { id: 'a1', entryId: 'e5', body: 'corrected reading' },
        serverRow: { id: 'e5', author_id: 'u1', body: 'reading 4.2 bar', version: 3 },
        serverChange: { kind: 'changed_on_server', changedBy: 'u1', changedAt: '2026-07-01T18:50:00Z' },
      },
      { ...forbiddenEntry, id: 10, reason: 'conflict', serverRow: { id: 'e1', author_id: 'u7', version: 2 }, serverChange: { kind: 'changed_on_server', changedBy: 'u7', changedAt: '2026-07-01T18:55:00Z' } },
    ];
    installApi(baseAnswers());
    renderScreen();
    const [mine, hidden] = await screen.findAllByTestId('conflict');
    // "You" once the reader's access is read.
    await waitFor(() => expect(within(mine).getByTestId('conflict-what').textContent).toContain('by you'));
    expect(within(mine).getByTestId('conflict-what').textContent).toBe(
      'Someone changed this record on the server after your workstation last saw it. Last changed on the server by you, Jul 1, 2026, 7:50 PM GMT+1.',
    );
    expect(fields(within(mine).getByTestId('conflict-server'))).toMatchObject({ Author: 'You' });
    expect(within(hidden).getByTestId('conflict-what').textContent).toContain('Last changed on the server Jul 1, 2026, 7:55 PM GMT+1, by a person whose name you may not see.');
    expect(fields(within(hidden).getByTestId('conflict-server'))).toMatchObject({ Author: 'A person whose name you may not see' });
    // No raw person id is shown anywhere on the cards.
    expect(document.body.textContent).not.toMatch(/\bu[17]\b/);
  });

  it('Retry queues the change again and the inbox refreshes', async () => {
    installApi(
      baseAnswers({
        'conflicts.retry': ({ id }: { id: number }) => {
          conflicts = conflicts.filter((conflict) => (conflict as { id: number }).id !== id);
          return { mutationId: 'new-mutation' };
        },
      }),
    );
    renderScreen();
    const [, entry] = await screen.findAllByTestId('conflict');
    fireEvent.click(within(entry).getByRole('button', { name: 'Retry' }));
    await act(async () => {});
    expect(calls.filter((call) => call.channel === 'conflicts.retry').map((call) => call.request)).toEqual([{ id: 8 }]);
    expect(await screen.findByText('1 conflict')).toBeTruthy();
    expect(screen.getAllByTestId('conflict')).toHaveLength(1);
  });

  it('a conflicted sign-off shows what changed after signing, links the log, and signs again only with the password', async () => {
    installApi(
      baseAnswers({
        'conflicts.retry': ({ id }: { id: number }) => {
          conflicts = conflicts.filter((conflict) => (conflict as { id: number }).id !== id);
          return { mutationId: 'new-signature' };
        },
      }),
    );
    renderScreen();
    const [signOff] = await screen.findAllByTestId('conflict');
    expect(within(signOff).queryByRole('button', { name: 'Retry' })).toBeNull();
    const review = within(signOff).getByTestId('signoff-review');
    expect(review.textContent).toContain('New entry · Sam Shift: Tank T-3 level alarm at 19:35');
    expect(within(review).getByRole('link', { name: 'Review the shift log' }).getAttribute('href')).toBe('#/shift-logs/log-1');
    fireEvent.click(within(review).getByRole('button', { name: 'Sign again…' }));
    const dialog = screen.getByRole('dialog', { name: 'Sign the shift log as it is now' });
    const sign = within(dialog).getByRole('button', { name: 'Sign' }) as HTMLButtonElement;
    expect(sign.disabled).toBe(true);
    fireEvent.change(within(dialog).getByLabelText('Password'), { target: { value: 'correct-horse-Plant-42' } });
    fireEvent.click(sign);
    await act(async () => {});
    expect(calls.filter((call) => call.channel === 'conflicts.retry').map((call) => call.request)).toEqual([{ id: 7, password: 'correct-horse-Plant-42' }]);
    expect(await screen.findByText('1 conflict')).toBeTruthy();
  });

  it('Discard asks for confirmation first; keeping it calls nothing, confirming discards', async () => {
    installApi(
      baseAnswers({
        'conflicts.discard': ({ id }: { id: number }) => {
          conflicts = conflicts.filter((conflict) => (conflict as { id: number }).id !== id);
          return { discarded: true };
        },
      }),
    );
    renderScreen();
    const [, entry] = await screen.findAllByTestId('conflict');
    fireEvent.click(within(entry).getByRole('button', { name: 'Discard…' }));
    const dialog = screen.getByRole('dialog', { name: 'Discard this change?' });
    expect(dialog.textContent).toContain('“Add entry” will not be sent to the server');
    expect(dialog.textContent).toContain('recorded in the audit trail');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Keep it' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(calls.some((call) => call.channel === 'conflicts.discard')).toBe(false);

    fireEvent.click(within(entry).getByRole('button', { name: 'Discard…' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Discard change' }));
    await act(async () => {});
    expect(calls.filter((call) => call.channel === 'conflicts.discard').map((call) => call.request)).toEqual([{ id: 8 }]);
    expect(await screen.findByText('1 conflict')).toBeTruthy();
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('shows a failed retry’s typed message on the conflict', async () => {
    installApi(baseAnswers({ 'conflicts.retry': { error: { code: 'not_found', message: 'That conflict is already resolved or does not exist.' } } }));
    renderScreen();
    const [, entry] = await screen.findAllByTestId('conflict');
    fireEvent.click(within(entry).getByRole('button', { name: 'Retry' }));
    expect((await within(entry).findByRole('alert')).textContent).toBe('That conflict is already resolved or does not exist.');
  });

  it('shows the error when the inbox cannot be read', async () => {
    installApi(baseAnswers({ 'conflicts.list': { error: { code: 'locked', message: 'The workstation is locked. Unlock it to continue.' } } }));
    renderScreen();
    expect((await screen.findByRole('alert')).textContent).toContain('The workstation is locked.');
  });
});
