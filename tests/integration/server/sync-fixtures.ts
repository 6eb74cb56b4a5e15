import { randomUUID } from 'node:crypto';
import { serverContentHash, signableLog } from '../../../server/signing/server-content-hash';
import { appendChange } from '../../../server/feed/change-log';
import type { Database } from '../../../server/db/database';
import { SYNC_SCHEMA_VERSION } from '../../../shared/sync-protocol';
import { uuidv7 } from '../../../shared/uuid7';
import { ownerRows, type HttpResult, type TestServer } from '../../support/server';

/** Shift logs, handovers and a pushing client for the sync suites (rows straight in the database). */

export interface ShiftLogFixture {
  id: string;
  areaId: string;
  endsAt: Date;
}

export async function insertShiftLog(
  db: Database,
  tenantId: string,
  options: { areaId: string; createdBy: string; now: Date; status?: 'open' | 'submitted' | 'reviewed' | 'signed'; hoursLeft?: number },
): Promise<ShiftLogFixture> {
  const id = randomUUID();
  const endsAt = new Date(options.now.getTime() + (options.hoursLeft ?? 6) * 3_600_000);
  const startsAt = new Date(endsAt.getTime() - 12 * 3_600_000);
  await db.transaction({ tenantId }, async (tx) => {
    const [{ row }] = await tx.query<{ row: Record<string, unknown> }>(
      `INSERT INTO shift_logs (tenant_id, id, area_id, shift_date, shift_name, crew, starts_at, ends_at, status, created_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'Day', 'A', $5, $6, $7, $8, $9, $9) RETURNING to_jsonb(shift_logs) AS row`,
      [tenantId, id, options.areaId, startsAt.toISOString().slice(0, 10), startsAt, endsAt, options.status ?? 'open', options.createdBy, options.now],
    );
    await appendChange(tx, tenantId, { entity: 'shift_log', entityId: id, op: 'upsert', row, scope: { area_id: options.areaId, author_id: options.createdBy } });
  });
  return { id, areaId: options.areaId, endsAt };
}

export async function insertHandover(db: Database, tenantId: string, options: { from: ShiftLogFixture; createdBy: string; now: Date }): Promise<string> {
  const id = randomUUID();
  await db.transaction({ tenantId }, async (tx) => {
    const [{ row }] = await tx.query<{ row: Record<string, unknown> }>(
      `INSERT INTO handovers (tenant_id, id, area_id, from_shift_log_id, open_items, created_by, created_at)
       VALUES ($1, $2, $3, $4, '["Check pump P-101"]'::jsonb, $5, $6) RETURNING to_jsonb(handovers) AS row`,
      [tenantId, id, options.from.areaId, options.from.id, options.createdBy, options.now],
    );
    await appendChange(tx, tenantId, { entity: 'handover', entityId: id, op: 'upsert', row, scope: { area_id: options.from.areaId, author_id: options.createdBy } });
  });
  return id;
}

export interface OutgoingMutation {
  id: string;
  seq: number;
  name: string;
  args: unknown;
  baseVersion: number | null;
  clientTime: string;
  grantId: string;
}

/** A workstation's outbox: ids and seqs as the client makes them. */
export class TestClient {
  readonly clientId = randomUUID();
  private nextSeq = 1;

  constructor(
    private readonly server: Pick<TestServer, 'request'>,
    readonly token: string,
    private readonly grantId: string = randomUUID(),
  ) {}

  mutation(name: string, args: unknown, options: { baseVersion?: number | null; clientTime?: string } = {}): OutgoingMutation {
    return {
      id: uuidv7(),
      seq: this.nextSeq++,
      name,
      args,
      baseVersion: options.baseVersion ?? null,
      clientTime: options.clientTime ?? new Date().toISOString(),
      grantId: this.grantId,
    };
  }

  push(mutations: OutgoingMutation[]): Promise<HttpResult> {
    return this.server.request('POST', '/v1/sync/push', { token: this.token, body: { clientId: this.clientId, schemaVersion: SYNC_SCHEMA_VERSION, mutations } });
  }

  /** Pushes one mutation and returns its result. */
  async apply(name: string, args: unknown, options: { baseVersion?: number | null; clientTime?: string } = {}) {
    const response = await this.push([this.mutation(name, args, options)]);
    if (response.status !== 200) throw new Error(`push failed: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body.results[0];
  }
}

export function entryArgs(log: ShiftLogFixture, overrides: Record<string, unknown> = {}) {
  return {
    id: uuidv7(),
    shiftLogId: log.id,
    areaId: log.areaId,
    equipmentTag: 'P-101',
    category: 'operations',
    severity: 'info',
    body: 'Pump P-101 started, pressure normal',
    occurredAt: new Date().toISOString(),
    ...overrides,
  };
}

/** The content hash of the log as the server holds it now: what an honest workstation signs. */
export async function serverHashOf(db: Database, tenantId: string, log: Pick<ShiftLogFixture, 'id'>): Promise<string> {
  return db.transaction({ tenantId }, async (tx) => {
    const [{ row }] = await tx.query<{ row: Record<string, unknown> }>('SELECT to_jsonb(t) AS row FROM shift_logs t WHERE t.id = $1', [log.id]);
    return serverContentHash(tx, tenantId, signableLog(row));
  });
}

/** A sign-off over the log's current content, without an online signing ticket. */
export async function signOffArgs(db: Database, tenantId: string, log: ShiftLogFixture, meaning = 'approved') {
  return { id: randomUUID(), shiftLogId: log.id, meaning, contentHash: await serverHashOf(db, tenantId, log), signedAt: new Date().toISOString() };
}

export const countRows = async (db: Database, sql: string, params: unknown[]) => Number((await ownerRows(db, sql, params))[0].n);
