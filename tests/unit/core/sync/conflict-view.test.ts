import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteDatabase } from '../../../../main/core/store/open';
import { queueMutation } from '../../../../main/core/store/queue-mutation';
import { noRows, orgScope } from '../../../../main/core/store/scope';
import { listConflicts } from '../../../../main/core/sync/conflicts';
import { nextPushBatch, recordPushResults } from '../../../../main/core/sync/push-results';
import { seedPlant, tempStore } from '../store/fixture';

/**
 * A conflict card names what a person knows: the log (area, shift date, shift), the people by
 * name where the reader may see them, and the server's last change to the row (who, when).
 */
describe('the conflict view', () => {
  let store: ReturnType<typeof tempStore>;
  let db: SqliteDatabase;
  const now = new Date('2024-03-02T09:00:00Z');

  beforeAll(() => {
    store = tempStore();
    db = store.db;
    seedPlant(db);
    const grantId = randomUUID();
    // An amendment of an entry of log s2 (Boiler house, 1 March, Night), refused as a conflict.
    const amend = queueMutation(db, { name: 'logEntry.amend', args: { id: randomUUID(), entryId: entryOf('s2'), kind: 'correction', body: 'corrected', fieldsChanged: null, reason: 'typo' }, grantId, actorId: 'u-alice', now });
    const [sent] = nextPushBatch(db, grantId);
    expect(sent.id).toBe(amend.id);
    recordPushResults(
      db,
      [sent],
      {
        results: [
          {
            id: sent.id,
            seq: sent.seq,
            status: 'conflict',
            reason: null,
            message: 'the log entry changed on the server (version 3, yours 2)',
            appliedSeq: null,
            serverRow: { id: entryOf('s2'), author_id: 'u-bob', body: 'reading', version: 3 },
            conflict: { kind: 'changed_on_server', changedBy: 'u-carol', changedAt: '2024-03-02T08:30:00.000Z' },
          },
        ],
        gap: null,
      },
      now,
    );
  });
  afterAll(() => store.cleanup());

  function entryOf(shiftLogId: string): string {
    return (db.prepare('SELECT id FROM log_entry WHERE shift_log_id = ? ORDER BY id LIMIT 1').get(shiftLogId) as { id: string }).id;
  }

  it('names the log the change is about and keeps what the server said about its last change', () => {
    const [conflict] = listConflicts(db, orgScope);
    expect(conflict.log).toEqual({ id: 's2', areaName: expect.any(String), shiftDate: '2024-03-01', shiftName: 'Night' });
    expect(conflict.log?.areaName).toBe((db.prepare("SELECT name FROM area WHERE id = 'a-boiler'").get() as { name: string }).name);
    expect(conflict.serverChange).toEqual({ kind: 'changed_on_server', changedBy: 'u-carol', changedAt: '2024-03-02T08:30:00.000Z' });
  });

  it("names the author and the server's last changer where the reader may see people, and no one where not", () => {
    const [visible] = listConflicts(db, orgScope);
    expect(visible.people).toEqual({ 'u-bob': 'Bob Fitter', 'u-carol': expect.any(String) });
    const [hidden] = listConflicts(db, noRows);
    expect(hidden.people).toEqual({});
  });
});
