import { describe, expect, it } from 'vitest';
import { auditEventHash, GENESIS_HASH, verifyAuditChain, type AuditEvent } from '../../../shared/domain/audit';
import { fieldDiff } from '../../../server/audit/diff';

async function chain(length: number): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq += 1) {
    const unhashed = {
      tenant_id: '0190f0e0-0000-7000-8000-0000000000bb',
      seq,
      id: `0190f0e0-0000-7000-8000-${String(seq).padStart(12, '0')}`,
      server_time: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
      client_time: null,
      actor_id: null,
      session_id: null,
      ip: '127.0.0.1',
      device_id: null,
      action: 'user.updated',
      entity: 'user',
      entity_id: 'x',
      diff: { status: { before: 'active', after: 'deactivated' } },
      reason: null,
      prev_hash: prev,
    };
    const event = { ...unhashed, hash: await auditEventHash(unhashed) };
    events.push(event);
    prev = event.hash;
  }
  return events;
}

describe('audit chain verifier', () => {
  it('accepts an intact chain', async () => {
    const result = await verifyAuditChain(await chain(5));
    expect(result).toMatchObject({ ok: true, checked: 5, lastSeq: 5, firstBreak: null });
  });

  it('reports an altered event as the first broken link', async () => {
    const events = await chain(5);
    events[2] = { ...events[2], diff: { status: { before: 'active', after: 'active' } } };
    const result = await verifyAuditChain(events);
    expect(result.ok).toBe(false);
    expect(result.firstBreak).toMatchObject({ seq: 3, reason: 'hash_mismatch' });
  });

  it('reports a re-hashed altered event at the next link', async () => {
    const events = await chain(5);
    const altered = { ...events[2], reason: 'forged' };
    events[2] = { ...altered, hash: await auditEventHash(altered) };
    expect((await verifyAuditChain(events)).firstBreak).toMatchObject({ seq: 4, reason: 'prev_hash_mismatch' });
  });

  it('reports a removed event as a gap', async () => {
    const events = await chain(5);
    events.splice(1, 1);
    expect((await verifyAuditChain(events)).firstBreak).toMatchObject({ seq: 3, reason: 'seq_gap', expected: '2' });
  });
});

describe('audit field diff', () => {
  it('keeps only changed fields, before and after', () => {
    expect(fieldDiff({ a: 1, b: [1, 2], c: 'x' }, { a: 1, b: [1, 3], c: 'y' })).toEqual({ b: { before: [1, 2], after: [1, 3] }, c: { before: 'x', after: 'y' } });
  });

  it('masks personal fields so erasure never rewrites the trail', () => {
    expect(fieldDiff({ email: 'a@x.example' }, { email: 'b@x.example' }, { personal: ['email'] })).toEqual({ email: { before: '[personal]', after: '[personal]' } });
    expect(fieldDiff(null, { email: 'a@x.example', status: 'active' }, { personal: ['email'] })).toEqual({ email: { before: null, after: '[personal]' }, status: { before: null, after: 'active' } });
  });
});
