import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { openStoreDatabase, type SqliteDatabase } from '../../../../main/core/store/open';
import { queueMutation } from '../../../../main/core/store/queue-mutation';
import { nextPushBatch, recordPushFailure, recordPushResults } from '../../../../main/core/sync/push-results';
import type { PushResponse } from '../../../../shared/sync-protocol';

const now = new Date('2026-11-23T08:00:00Z');
const grantId = randomUUID();

function result(id: string, seq: number, status: 'applied' | 'rejected' | 'conflict', extra: Partial<PushResponse['results'][number]> = {}) {
  return { id, seq, status, reason: null, message: null, appliedSeq: status === 'applied' ? 100 + seq : null, serverRow: null, conflict: null, ...extra };
}

describe('recording push answers', () => {
  let db: SqliteDatabase;
  const queue = (n: number) =>
    Array.from({ length: n }, () =>
      queueMutation(db, { name: 'audit.local', args: { action: 'lock', at: now.toISOString(), details: { reason: 'manual' } }, grantId, actorId: 'u1', now }),
    );
  const outbox = () => db.prepare('SELECT seq, status, applied_seq FROM outbox ORDER BY seq').all();

  beforeEach(() => {
    db = openStoreDatabase({ path: path.join(mkdtempSync(path.join(tmpdir(), 'plantdesk-push-')), 'c.db'), cipher: { kind: 'encrypted', dataKey: randomBytes(32) } });
  });

  it('sends pending mutations oldest first with consecutive seqs', () => {
    queue(3);
    expect(nextPushBatch(db, grantId).map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(nextPushBatch(db, grantId, 2).map((m) => m.seq)).toEqual([1, 2]);
  });

  it('marks applied ones with their seq and moves rejected and conflicting ones to the conflicts inbox', () => {
    const [a, b, c] = queue(3);
    const sent = nextPushBatch(db, grantId);
    const outcome = recordPushResults(db, sent, {
      results: [result(a.id, 1, 'applied'), result(b.id, 2, 'rejected', { reason: 'forbidden' }), result(c.id, 3, 'conflict', { serverRow: { id: 'x', version: 4 } })],
      gap: null,
    }, now);
    // All three are this workstation's own audit records: applied, but no change a person made.
    expect(outcome).toEqual({ applied: 1, appliedChanges: 0, rejected: 1, conflicts: 1, gapExpectedSeq: null });
    expect(outbox()).toEqual([
      { seq: 1, status: 'applied', applied_seq: 101 },
      { seq: 2, status: 'rejected', applied_seq: null },
      { seq: 3, status: 'conflict', applied_seq: null },
    ]);
    expect(db.prepare('SELECT mutation_id, reason, server_row FROM conflicts ORDER BY id').all()).toEqual([
      { mutation_id: b.id, reason: 'forbidden', server_row: null },
      { mutation_id: c.id, reason: 'conflict', server_row: JSON.stringify({ id: 'x', version: 4 }) },
    ]);
    expect(nextPushBatch(db, grantId)).toEqual([]);
  });

  it('removes the optimistic row of a refused creation, keeping its intent in the inbox', () => {
    const entryId = randomUUID();
    const queued = queueMutation(db, {
      name: 'audit.local', args: { action: 'lock', at: now.toISOString(), details: { reason: 'manual' } }, grantId, actorId: 'u1', now,
      applyLocally: (tx, mutationId) => {
        tx.prepare(`INSERT INTO log_entry (id, shift_log_id, area_id, category, severity, body, occurred_at, recorded_at, author_id, version, pending_mutation_id)
          VALUES (?, 's', 'a', 'other', 'info', 'refused words', ?, ?, 'u1', 0, ?)`).run(entryId, now.toISOString(), now.toISOString(), mutationId);
      },
    });
    recordPushResults(db, nextPushBatch(db, grantId), { results: [result(queued.id, 1, 'rejected', { reason: 'forbidden' })], gap: null }, now);
    expect(db.prepare('SELECT count(*) AS n FROM log_entry').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM conflicts').get()).toEqual({ n: 1 });
  });

  it('keeps the unanswered rest pending after a gap, and reports the gap', () => {
    const [a] = queue(3);
    const sent = nextPushBatch(db, grantId);
    const outcome = recordPushResults(db, sent, { results: [result(a.id, 1, 'applied')], gap: { expectedSeq: 7 } }, now);
    expect(outcome.gapExpectedSeq).toBe(7);
    expect(nextPushBatch(db, grantId).map((m) => m.seq)).toEqual([2, 3]);
  });

  it('refuses an answer for a mutation that was not sent, recording nothing', () => {
    queue(1);
    const sent = nextPushBatch(db, grantId);
    expect(() => recordPushResults(db, sent, { results: [result(randomUUID(), 1, 'applied')], gap: null }, now)).toThrowError(
      expect.objectContaining({ code: 'invalid_server_response' }),
    );
    expect(outbox()).toEqual([{ seq: 1, status: 'pending', applied_seq: null }]);
  });

  it('counts a failed attempt without losing the mutation', () => {
    queue(1);
    recordPushFailure(db, nextPushBatch(db, grantId), 'server_unreachable');
    expect(db.prepare('SELECT status, attempts, last_error FROM outbox').get()).toEqual({ status: 'pending', attempts: 1, last_error: 'server_unreachable' });
  });
});
