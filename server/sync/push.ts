import { isMutationName, mutationSpecs, type MutationName } from '../../shared/mutations';
import type { MutationResult, PushRequest, PushResponse, QueuedMutation } from '../../shared/sync-protocol';
import { can, type Ability } from '../../shared/rbac';
import type { AuditActor } from '../audit/audit-log';
import type { Clock } from '../clock';
import type { Database, Tx } from '../db/database';
import { json } from '../store/rows';
import { MutationConflict, MutationRejected, type MutationContext } from './mutations/context';
import { acknowledgeHandover } from './mutations/handovers';
import { recordLocalAction } from './mutations/local-audit';
import { amendLogEntry, createComment, createLogEntry } from './mutations/log-entries';
import { reopenShiftLog, signOffShiftLog, submitShiftLog } from './mutations/shift-logs';

/**
 * POST /v1/sync/push (SYNC.md): each mutation in order, each in its own transaction bound to
 * the caller's tenant. Under a per-client advisory lock: a known id answers its stored result;
 * a seq past last + 1 stops the batch (gap); then rights, args, domain rules and baseVersion
 * are checked and the effects, audit event, change-log rows and result commit together.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each handler gets its own parsed args
const handlers: Record<MutationName, (context: MutationContext, args: any) => Promise<number>> = {
  'logEntry.create': createLogEntry,
  'logEntry.amend': amendLogEntry,
  'comment.create': createComment,
  'shiftLog.submit': submitShiftLog,
  'shiftLog.signOff': signOffShiftLog,
  'shiftLog.reopen': reopenShiftLog,
  'handover.acknowledge': acknowledgeHandover,
  'audit.local': recordLocalAction,
};

export interface PushCaller {
  tenantId: string;
  userId: string;
  ability: Ability;
  actor: AuditActor;
}

type Processed = { kind: 'result'; result: MutationResult } | { kind: 'gap'; expectedSeq: number };

/** The mutation id is taken by another tenant's or user's mutation (ids are global). */
class ForeignMutationId extends Error {}

const result = (mutation: QueuedMutation, fields: Partial<MutationResult> & Pick<MutationResult, 'status'>): MutationResult => ({
  id: mutation.id,
  seq: mutation.seq,
  reason: null,
  message: null,
  appliedSeq: null,
  serverRow: null,
  ...fields,
});

const rejected = (mutation: QueuedMutation, reason: 'forbidden' | 'invalid', message: string) => result(mutation, { status: 'rejected', reason, message });

export async function pushMutations(db: Database, clock: Clock, caller: PushCaller, request: PushRequest): Promise<PushResponse> {
  const results: MutationResult[] = [];
  for (const mutation of request.mutations) {
    let processed: Processed;
    try {
      processed = await db.transaction({ tenantId: caller.tenantId, userId: caller.userId }, (tx) => processOne(tx, clock.now(), caller, request.clientId, mutation));
    } catch (error) {
      if (!(error instanceof ForeignMutationId)) throw error;
      // Nothing of it committed, and nothing can be stored under an id that is not ours.
      processed = { kind: 'result', result: rejected(mutation, 'invalid', 'this mutation id is already used by another mutation') };
    }
    if (processed.kind === 'gap') return { results, gap: { expectedSeq: processed.expectedSeq } };
    results.push(processed.result);
  }
  return { results, gap: null };
}

async function processOne(tx: Tx, now: Date, caller: PushCaller, clientId: string, mutation: QueuedMutation): Promise<Processed> {
  // One client's mutations are decided one at a time, on every instance.
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [caller.tenantId, clientId]);
  // After the lock (a statement of its own, so this one's snapshot sees every earlier decision).
  const [known] = await tx.query<{ stored: { user_id: string; client_id: string; result: MutationResult } | null; last: number }>(
    `SELECT (SELECT jsonb_build_object('user_id', user_id, 'client_id', client_id, 'result', result) FROM client_mutations WHERE mutation_id = $1) AS stored,
            (SELECT coalesce(max(client_seq), 0) FROM client_mutations WHERE tenant_id = $2 AND client_id = $3) AS last`,
    [mutation.id, caller.tenantId, clientId],
  );
  if (known.stored) {
    if (known.stored.user_id !== caller.userId || known.stored.client_id !== clientId) throw new ForeignMutationId();
    return { kind: 'result', result: known.stored.result };
  }
  const lastSeq = Number(known.last);
  if (mutation.seq > lastSeq + 1) return { kind: 'gap', expectedSeq: lastSeq + 1 };
  // A new id under a seq already used cannot be stored (one result per client seq): refuse it, apply nothing.
  if (mutation.seq <= lastSeq) return { kind: 'result', result: rejected(mutation, 'invalid', `seq ${mutation.seq} was already used by another mutation of this client (last ${lastSeq})`) };

  const outcome = await decide(tx, now, caller, mutation);
  const inserted = await tx.query(
    `INSERT INTO client_mutations (tenant_id, client_id, mutation_id, client_seq, user_id, seq, status, result, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9) ON CONFLICT DO NOTHING RETURNING 1`,
    [caller.tenantId, clientId, mutation.id, mutation.seq, caller.userId, outcome.appliedSeq, outcome.status, json(outcome), now],
  );
  if (inserted.length === 0) throw new ForeignMutationId();
  return { kind: 'result', result: outcome };
}

/** Integrity and data errors of PostgreSQL (classes 22 and 23): the args do not fit the stored data. */
const isDataError = (error: unknown) => /^2[23]/.test(String((error as { code?: unknown }).code ?? ''));

/** Applies the mutation inside a savepoint, so a refusal found halfway leaves nothing behind. */
async function decide(tx: Tx, now: Date, caller: PushCaller, mutation: QueuedMutation): Promise<MutationResult> {
  if (!isMutationName(mutation.name)) return rejected(mutation, 'invalid', `unknown mutation ${JSON.stringify(mutation.name.slice(0, 100))}`);
  const spec = mutationSpecs[mutation.name];
  if (spec.permission && !can(caller.ability, spec.permission.action, spec.permission.entity)) {
    return rejected(mutation, 'forbidden', `your role does not allow ${spec.permission.action} on ${spec.permission.entity.replace('_', ' ')}`);
  }
  const parsed = spec.args.safeParse(mutation.args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return rejected(mutation, 'invalid', `${issue.path.join('.') || 'args'}: ${issue.message}`);
  }
  const context: MutationContext = {
    tx,
    tenantId: caller.tenantId,
    userId: caller.userId,
    ability: caller.ability,
    actor: { ...caller.actor, clientTime: new Date(mutation.clientTime) },
    now,
    baseVersion: mutation.baseVersion,
  };
  await tx.query('SAVEPOINT apply_mutation');
  try {
    const appliedSeq = await handlers[mutation.name](context, parsed.data);
    await tx.query('RELEASE SAVEPOINT apply_mutation');
    return result(mutation, { status: 'applied', appliedSeq });
  } catch (error) {
    if (!(error instanceof MutationRejected || error instanceof MutationConflict || isDataError(error))) throw error;
    await tx.query('ROLLBACK TO SAVEPOINT apply_mutation');
    if (error instanceof MutationConflict) return result(mutation, { status: 'conflict', message: error.message, serverRow: error.serverRow });
    if (error instanceof MutationRejected) return rejected(mutation, error.reason, error.message);
    return rejected(mutation, 'invalid', 'the change does not fit the stored data');
  }
}
