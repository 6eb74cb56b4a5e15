import { isMutationName, mutationSpecs, type MutationArgs, type MutationName } from '../../shared/mutations';
import { lastChangeOf } from '../audit/audit-query';
import type { MutationResult, PushRequest, PushResponse, QueuedMutation } from '../../shared/sync-protocol';
import { can, type Ability } from '../../shared/rbac';
import type { AuditActor } from '../audit/audit-log';
import type { Clock } from '../clock';
import type { Database, Tx } from '../db/database';
import { HeldRows, MutationConflict, MutationRejected, type MutationContext } from './mutations/context';
import { acknowledgeHandover } from './mutations/handovers';
import { recordLocalAction } from './mutations/local-audit';
import { amendLogEntry, createComment, createLogEntry, insertLogEntries, planLogEntry, recordLogEntry, type PlannedLogEntry } from './mutations/log-entries';
import { reopenShiftLog, signOffShiftLog, submitShiftLog } from './mutations/shift-logs';
import { PushLedger, type ClientMutationRow } from './push-ledger';

/**
 * POST /v1/sync/push (SYNC.md). One transaction per request, bound to the caller's tenant, with
 * the tenant's counter row locked once at its start (push-ledger.ts): it serialises every
 * writer of the tenant, this client's other requests included, so the stored results read
 * next are final. Then each mutation in order: a known id answers its stored result; a seq
 * past last + 1 stops the batch (gap); then current rights, args, domain rules and
 * baseVersion are checked, and the effects run (MutationScope: without a savepoint while
 * refusals come before writes, else each in a savepoint of its own). The audit events,
 * change-log rows and results are numbered in memory and written together at the end; a
 * mutation refused halfway is rolled back, appends included. So each
 * mutation's effects, audit event, change rows and result commit together, as SYNC.md asks,
 * in a few round trips per mutation instead of one transaction each.
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

/**
 * Mutation ids stored under another client or user of the tenant that the lookup before did not
 * see (ids are per tenant, so another tenant's never collide): found on flush, answered on a rerun.
 */
class ForeignMutationIds extends Error {
  constructor(readonly ids: readonly string[]) {
    super('mutation ids already used elsewhere');
  }
}

const result = (mutation: QueuedMutation, fields: Partial<MutationResult> & Pick<MutationResult, 'status'>): MutationResult => ({
  id: mutation.id,
  seq: mutation.seq,
  reason: null,
  message: null,
  appliedSeq: null,
  serverRow: null,
  conflict: null,
  ...fields,
});

const rejected = (mutation: QueuedMutation, reason: 'forbidden' | 'invalid', message: string) => result(mutation, { status: 'rejected', reason, message });

export async function pushMutations(db: Database, clock: Clock, caller: PushCaller, request: PushRequest): Promise<PushResponse & { appliedHead: number | null }> {
  const foreign = new Set<string>();
  // First without savepoints (see MutationScope); a batch that turns out to need them reruns with them.
  let careful = false;
  for (;;) {
    try {
      return await db.transaction({ tenantId: caller.tenantId, userId: caller.userId }, (tx) => processBatch(tx, clock.now(), caller, request, foreign, careful));
    } catch (error) {
      // Nothing of that attempt committed. Rerun with those ids answered as refused (each rerun
      // learns at least one more id, so this ends within the batch size), or with savepoints.
      if (error instanceof ForeignMutationIds) for (const id of error.ids) foreign.add(id);
      else if (!careful && (error instanceof NeedsSavepoints || isDataError(error))) careful = true;
      else throw error;
    }
  }
}

type StoredResult = { user_id: string; client_id: string; result: MutationResult };

async function processBatch(tx: Tx, now: Date, caller: PushCaller, request: PushRequest, foreign: ReadonlySet<string>, careful: boolean): Promise<PushResponse & { appliedHead: number | null }> {
  const { clientId, mutations } = request;
  const ledger = await PushLedger.open(tx, caller.tenantId);
  // After the lock (a statement of its own, so its snapshot sees every earlier decision).
  const [known] = await tx.query<{ stored: Record<string, StoredResult> | null; last: number }>(
    `SELECT (SELECT jsonb_object_agg(mutation_id, jsonb_build_object('user_id', user_id, 'client_id', client_id, 'result', result))
             FROM client_mutations WHERE tenant_id = $2 AND mutation_id = ANY($1::uuid[])) AS stored,
            (SELECT coalesce(max(client_seq), 0) FROM client_mutations WHERE tenant_id = $2 AND client_id = $3) AS last`,
    [mutations.map((mutation) => mutation.id), caller.tenantId, clientId],
  );
  const stored = new Map<string, StoredResult>(Object.entries(known.stored ?? {}));
  let lastSeq = Number(known.last);
  const results: MutationResult[] = [];
  const recorded: ClientMutationRow[] = [];
  const scope = new MutationScope(tx, careful);
  const held = new HeldRows();
  const contextFor = (mutation: QueuedMutation): MutationContext => ({
    tx: scope.handlerTx,
    tenantId: caller.tenantId,
    userId: caller.userId,
    ability: caller.ability,
    actor: { ...caller.actor, clientTime: new Date(mutation.clientTime) },
    now,
    baseVersion: mutation.baseVersion,
    ledger,
    held,
  });
  const settle = (mutation: QueuedMutation, outcome: MutationResult, index: number) => {
    results[index] = outcome;
    recorded.push({
      tenant_id: caller.tenantId, client_id: clientId, mutation_id: mutation.id, client_seq: mutation.seq, user_id: caller.userId,
      seq: outcome.appliedSeq, status: outcome.status, result: outcome, at: now.toISOString(),
    });
    stored.set(mutation.id, { user_id: caller.userId, client_id: clientId, result: outcome });
  };
  // New entries checked and waiting to be inserted together (fast mode only): a run of
  // consecutive logEntry.create, inserted in one statement before anything else is decided, and
  // then numbered, audited and answered in their order, as if inserted one by one.
  let run: PlannedCreate[] = [];
  const insertRun = async () => {
    if (run.length === 0) return;
    const pending = run;
    run = [];
    const inserted = await insertLogEntries(scope.handlerTx, pending.map((planned) => planned.entry));
    for (const { mutation, context, args, index } of pending) {
      const entry = inserted.get(args.id);
      settle(mutation, entry ? result(mutation, { status: 'applied', appliedSeq: await recordLogEntry(context, args, entry) }) : rejected(mutation, 'invalid', 'an entry with this id already exists'), index);
    }
  };
  let gap: PushResponse['gap'] = null;
  for (const mutation of mutations) {
    const batchable = !careful && mutation.name === 'logEntry.create' && !stored.has(mutation.id);
    if (!batchable || run.some((planned) => planned.mutation.id === mutation.id)) await insertRun();
    const before = stored.get(mutation.id);
    if (before) {
      results.push(before.user_id === caller.userId && before.client_id === clientId ? before.result : foreignId(mutation));
      continue;
    }
    // Nothing can be stored under an id that is not ours, and its seq stays free.
    if (foreign.has(mutation.id)) {
      results.push(foreignId(mutation));
      continue;
    }
    if (mutation.seq > lastSeq + 1) {
      gap = { expectedSeq: lastSeq + 1 };
      break;
    }
    // A new id under a seq already used cannot be stored (one result per client seq): refuse it, apply nothing.
    if (mutation.seq <= lastSeq) {
      results.push(rejected(mutation, 'invalid', `seq ${mutation.seq} was already used by another mutation of this client (last ${lastSeq})`));
      continue;
    }
    lastSeq = mutation.seq;
    const index = results.push(placeholder(mutation)) - 1;
    if (batchable) {
      const planned = await planCreate(contextFor(mutation), caller, mutation);
      if ('status' in planned) settle(mutation, planned, index);
      else {
        if (run.some((other) => other.args.id === planned.args.id)) await insertRun();
        run.push({ ...planned, mutation, index });
      }
      continue;
    }
    settle(mutation, await decide({ context: contextFor(mutation), caller, mutation, ledger, scope }), index);
  }
  await insertRun();
  const written = await ledger.flush(tx, recorded);
  const missing = recorded.filter((row) => !written.has(row.mutation_id)).map((row) => row.mutation_id);
  if (missing.length > 0) throw new ForeignMutationIds(missing);
  return { results, gap, appliedHead: ledger.appended ? ledger.lastSeq : null };
}

/** Stands in a result's place until its mutation is settled (every one is, before the answer). */
const placeholder = (mutation: QueuedMutation) => rejected(mutation, 'invalid', 'not decided');

const foreignId = (mutation: QueuedMutation) => rejected(mutation, 'invalid', 'this mutation id is already used by another mutation');

/** A refusal came after a write in a batch run without savepoints: rerun the batch with them. */
class NeedsSavepoints extends Error {}

/**
 * What keeps one mutation's effects all-or-nothing inside the request's transaction.
 *
 * Careful: a savepoint per mutation (one name, reused: releasing the previous one and opening
 * the next go in one round trip); a refusal rolls back to it.
 *
 * Fast (first try): no savepoint. Handlers check before they write, so a refusal normally comes
 * before any write and leaves nothing to undo. If a refusal comes after a write, or a statement
 * fails (which aborts the whole transaction), the attempt is abandoned (nothing of it commits)
 * and the batch reruns careful: the outcome is the same, only slower. Saves a round trip per
 * mutation.
 */
class MutationScope {
  private savepointOpen = false;
  private wrote = false;

  constructor(
    private readonly tx: Tx,
    private readonly careful: boolean,
  ) {}

  /** The transaction as the handler sees it: statements that may write are noted. */
  readonly handlerTx: Tx = {
    query: (sql, params) => {
      if (!/^\s*SELECT\b/i.test(sql)) this.wrote = true;
      return this.tx.query(sql, params);
    },
    exec: (sql) => {
      this.wrote = true;
      return this.tx.exec(sql);
    },
    bind: (context) => this.tx.bind(context),
  };

  async begin(): Promise<void> {
    this.wrote = false;
    if (!this.careful) return;
    await this.tx.exec(this.savepointOpen ? 'RELEASE SAVEPOINT apply_mutation; SAVEPOINT apply_mutation' : 'SAVEPOINT apply_mutation');
    this.savepointOpen = true;
  }

  /** Undoes the current mutation's writes, if it made any (a failed statement aborted the transaction). */
  async refused(error: unknown): Promise<void> {
    if (!this.careful) {
      if (this.wrote || isDataError(error)) throw new NeedsSavepoints();
      return;
    }
    // The savepoint stays defined after ROLLBACK TO: the next begin releases it.
    await this.tx.exec('ROLLBACK TO SAVEPOINT apply_mutation');
  }
}

/** Integrity and data errors of PostgreSQL (classes 22 and 23): the args do not fit the stored data. */
const isDataError = (error: unknown) => /^2[23]/.test(String((error as { code?: unknown }).code ?? ''));

interface Decision {
  context: MutationContext;
  caller: PushCaller;
  mutation: QueuedMutation;
  ledger: PushLedger;
  scope: MutationScope;
}

type Prechecked = { name: MutationName; args: unknown } | MutationResult;

/** The checks every mutation passes before its handler: a known name, the caller's current right, valid args. */
function precheck(caller: PushCaller, mutation: QueuedMutation): Prechecked {
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
  return { name: mutation.name, args: parsed.data };
}

interface PlannedCreate {
  mutation: QueuedMutation;
  context: MutationContext;
  args: MutationArgs<'logEntry.create'>;
  entry: PlannedLogEntry;
  index: number;
}

/** A logEntry.create checked up to its insert (fast mode: checks only read, so a refusal undoes nothing). */
async function planCreate(context: MutationContext, caller: PushCaller, mutation: QueuedMutation): Promise<Omit<PlannedCreate, 'mutation' | 'index'> | MutationResult> {
  const checked = precheck(caller, mutation);
  if ('status' in checked) return checked;
  const args = checked.args as MutationArgs<'logEntry.create'>;
  try {
    return { context, args, entry: await planLogEntry(context, args) };
  } catch (error) {
    if (isDataError(error)) throw new NeedsSavepoints();
    if (error instanceof MutationRejected) return rejected(mutation, error.reason, error.message);
    throw error;
  }
}

/** Applies the mutation in its scope, so a refusal found halfway leaves nothing behind. */
async function decide({ context, caller, mutation, ledger, scope }: Decision): Promise<MutationResult> {
  const checked = precheck(caller, mutation);
  if ('status' in checked) return checked;
  const mark = ledger.mark();
  await scope.begin();
  try {
    const appliedSeq = await handlers[checked.name](context, checked.args);
    return result(mutation, { status: 'applied', appliedSeq });
  } catch (error) {
    if (!(error instanceof MutationRejected || error instanceof MutationConflict || isDataError(error))) throw error;
    await scope.refused(error);
    ledger.rollback(mark);
    // Locks taken inside a savepoint went with it.
    context.held.clear();
    if (error instanceof MutationConflict) {
      // Read after the rollback: the last change the person's version missed, for their card.
      const last = error.rowId ? await lastChangeOf(context.tx, context.tenantId, error.rowId) : null;
      const conflict = { kind: error.kind, changedBy: last?.actorId ?? null, changedAt: last?.at ?? null };
      return result(mutation, { status: 'conflict', message: error.message, serverRow: error.serverRow, conflict });
    }
    if (error instanceof MutationRejected) return rejected(mutation, error.reason, error.message);
    return rejected(mutation, 'invalid', 'the change does not fit the stored data');
  }
}
