import type { Action, Entity } from '../../../shared/permissions';
import type { conflictKinds } from '../../../shared/sync-protocol';
import { can, type Ability, type Subject } from '../../../shared/rbac';
import type { AuditActor } from '../../audit/audit-log';
import type { Tx } from '../../db/database';
import { toCacheChange } from '../cache-rows';
import type { PushLedger } from '../push-ledger';

/** What every mutation handler gets: one transaction bound to the caller's tenant. */
export interface MutationContext {
  tx: Tx;
  tenantId: string;
  userId: string;
  /** The caller's rights now (loaded for this request), never the grant's copy. */
  ability: Ability;
  /** Session, IP, device, and the mutation's clientTime. */
  actor: AuditActor;
  /** Server receive time: recorded_at, lateness, audit server time. */
  now: Date;
  baseVersion: number | null;
  /** The request's change seqs and audit chain: every append goes through it (push-ledger.ts). */
  ledger: Pick<PushLedger, 'appendChange' | 'appendAudit' | 'lastSeq'>;
  /** Rows this request already holds FOR SHARE (loadRow). */
  held: HeldRows;
}

/**
 * Rows read FOR SHARE earlier in the same push request: the lock is still held, so nobody
 * else changed them, and no handler updates a row without first loading it FOR UPDATE, which
 * empties this. A savepoint rolled back releases its locks: the caller empties it then too.
 * (A batch of entries into one shift log reads the log once.)
 */
export class HeldRows {
  private readonly rows = new Map<string, ServerRow>();

  get(table: string, id: string): ServerRow | undefined {
    return this.rows.get(`${table}:${id}`);
  }

  set(table: string, id: string, row: ServerRow): void {
    this.rows.set(`${table}:${id}`, row);
  }

  clear(): void {
    this.rows.clear();
  }
}

export type ServerRow = Record<string, unknown>;

type ConflictKind = (typeof conflictKinds)[number];

/** The mutation is refused as it stands; a person has to look at it (Conflicts inbox). */
export class MutationRejected extends Error {
  constructor(
    readonly reason: 'forbidden' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'MutationRejected';
  }
}

/** The row changed since the client saw it; `serverRow` is the server's current version, cache-shaped. */
export class MutationConflict extends Error {
  readonly serverRow: ServerRow;
  /** The row's id, whose last audited change the answer names. */
  readonly rowId: string | null;

  constructor(
    entity: string,
    row: ServerRow,
    readonly kind: ConflictKind,
    message: string,
  ) {
    super(message);
    this.rowId = typeof row.id === 'string' ? row.id : null;
    this.name = 'MutationConflict';
    this.serverRow = toCacheChange(entity, row, { name: '', region: '' })?.row ?? row;
  }
}

export const invalid = (message: string) => new MutationRejected('invalid', message);

export function requireRight(context: MutationContext, action: Action, entity: Entity, subject: Omit<Subject, 'tenantId'>): void {
  if (!can(context.ability, action, entity, { tenantId: context.tenantId, ...subject })) {
    throw new MutationRejected('forbidden', `your role does not allow ${action} on this ${entity.replace('_', ' ')}`);
  }
}

/** Optimistic concurrency: a baseVersion that is not the row's current version is a conflict. */
export function requireBaseVersion(context: MutationContext, entity: string, row: ServerRow): void {
  if (context.baseVersion !== null && context.baseVersion !== Number(row.version)) {
    throw new MutationConflict(entity, row, 'changed_on_server', `the ${entity.replace('_', ' ')} changed on the server (version ${String(row.version)}, yours ${context.baseVersion})`);
  }
}

/** One row as JSON (to_jsonb), locked as asked; null when the bound tenant has no such row. */
export async function loadRow(context: MutationContext, table: 'shift_logs' | 'log_entries' | 'handovers', id: string, lock: 'FOR UPDATE' | 'FOR SHARE'): Promise<ServerRow | null> {
  if (lock === 'FOR UPDATE') context.held.clear();
  else {
    const held = context.held.get(table, id);
    if (held) return held;
  }
  // `table` and `lock` come from the fixed unions above, never from input.
  const rows = await context.tx.query<{ row: ServerRow }>(`SELECT to_jsonb(t) AS row FROM ${table} t WHERE t.tenant_id = $1 AND t.id = $2 ${lock}`, [context.tenantId, id]);
  const row = rows[0]?.row ?? null;
  if (row && lock === 'FOR SHARE') context.held.set(table, id, row);
  return row;
}

// Times a plant logbook can hold: PostgreSQL and JavaScript disagree on far years (BC, 5 digits).
const earliest = Date.parse('2000-01-01T00:00:00Z');
const latest = Date.parse('2100-01-01T00:00:00Z');

/** An instant from the client (event time, signing time) inside the years a logbook can mean. */
export function requirePlausibleTime(value: string | undefined, field: string): void {
  if (value === undefined) return;
  const time = Date.parse(value);
  if (!(time >= earliest && time < latest)) throw invalid(`${field} must be between the years 2000 and 2099`);
}

/** Scope of shift data in change_log: visibility depends on the area and the author. */
export const shiftScope = (row: ServerRow, authorColumn: string) => ({ area_id: row.area_id, author_id: row[authorColumn] });
