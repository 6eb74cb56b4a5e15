import { z } from 'zod';
import { PlantdeskError } from '../../../shared/errors';
import { PushResponseSchema, SYNC_SCHEMA_VERSION, type PullResponse } from '../../../shared/sync-protocol';
import { uuidv7 } from '../../../shared/uuid7';
import type { ServerClient } from '../net/server-client';
import { ServerError } from '../net/server-client';
import { secretPurposes } from '../secrets/secret-store';
import type { OpenSession } from '../session/session-manager';
import type { SqliteDatabase } from '../store/open';
import { readSyncState, writeSyncState } from '../store/writes';
import { applyPullPage, parsePullPage } from './apply-pull';
import { defaultPullPageSizing, nextPullLimit } from './pull-page-size';
import { nextPushBatch, recordPushFailure, recordPushResults } from './push-results';
import { clearPulledData } from '../store/clear-pulled';
import { countPendingOutbox } from '../store/queries/outbox';
import { bootstrapCache, type BootstrapPhase } from './bootstrap/bootstrap';

export interface SyncSummary {
  pushed: number;
  applied: number;
  /** Of those, the changes people made (not this workstation's own audit records). */
  appliedChanges: number;
  conflicts: number;
  rejected: number;
  pulled: number;
  cursor: number;
}

export interface SyncProgress {
  /** A first sync downloads a snapshot, then builds its indexes and its full-text index. */
  phase: 'push' | 'pull' | BootstrapPhase;
  done: number;
  total: number | null;
}

export interface SyncDeps {
  session: OpenSession;
  client: ServerClient;
  now: () => Date;
  onProgress?: (progress: SyncProgress) => void;
  pageSize?: number;
  /** See PullPageSizing.targetMs. */
  pageTargetMs?: number;
  /** Off: a first sync pages through the change feed instead of downloading a snapshot. */
  bootstrap?: boolean;
  /** See BootstrapDeps.cacheReadsRunning. */
  cacheReadsRunning?: () => Promise<void> | null;
}

/** The id this cache pushes under (SYNC.md clientId), made once per cache. */
function clientIdOf(db: SqliteDatabase): string {
  const state = readSyncState(db);
  if (state.client_id) return state.client_id;
  const id = uuidv7();
  writeSyncState(db, { client_id: id });
  return id;
}

async function tokenOf(session: OpenSession): Promise<string> {
  const token = await session.secrets.get(secretPurposes.sessionToken);
  if (!token) throw new PlantdeskError('session_expired');
  return token.toString('utf8');
}

/** Push every pending mutation, batch by batch, recording each answer before the next batch. */
async function pushAll(deps: SyncDeps, token: string, summary: SyncSummary): Promise<void> {
  const db = deps.session.vault.db;
  const clientId = clientIdOf(db);
  const total = countPendingOutbox(db);
  for (;;) {
    const batch = nextPushBatch(db, deps.session.grant.grantId);
    if (batch.length === 0) return;
    let response;
    try {
      response = await deps.client.request({
        method: 'POST',
        path: '/sync/push',
        token,
        body: { clientId, schemaVersion: SYNC_SCHEMA_VERSION, mutations: batch },
        schema: PushResponseSchema,
      });
    } catch (error) {
      recordPushFailure(db, batch, error instanceof PlantdeskError ? error.code : 'unknown');
      throw error;
    }
    const outcome = recordPushResults(db, batch, response, deps.now());
    summary.pushed += response.results.length;
    summary.applied += outcome.applied;
    summary.appliedChanges += outcome.appliedChanges;
    summary.conflicts += outcome.conflicts;
    summary.rejected += outcome.rejected;
    deps.onProgress?.({ phase: 'push', done: summary.pushed, total });
    if (outcome.gapExpectedSeq !== null) {
      throw new PlantdeskError('invalid_server_response', `The server expects change ${outcome.gapExpectedSeq} next, which this workstation no longer holds as pending; nothing was dropped. Tell your administrator.`);
    }
    if (response.results.length === 0) return;
  }
}

/**
 * Pull pages from the cursor: the next page is requested before the current one is written
 * (pipelined), and each page is written with its cursor in one transaction, its size chosen so
 * that transaction stays short (pull-page-size.ts). A changed policy version or a 409 reset
 * purges what was pulled (keeping the outbox), then rebuilds the cache from the server's
 * snapshot, or from seq 0 where the server has none.
 */
async function pullAll(deps: SyncDeps, token: string, summary: SyncSummary): Promise<void> {
  // Read each time: a rebuild from a snapshot replaces the cache's connection.
  const db = () => deps.session.vault.db;
  const tenant = deps.session.account.tenantId;
  const sizing = { ...defaultPullPageSizing, max: deps.pageSize ?? 2_000, targetMs: deps.pageTargetMs ?? defaultPullPageSizing.targetMs };
  let limit = sizing.max;
  const fetchPage = (since: number) => {
    const request = deps.client
      .request({ path: '/sync/pull', query: { tenant, since, limit, schemaVersion: SYNC_SCHEMA_VERSION }, token, schema: z.unknown() })
      .then((raw) => parsePullPage(raw, since));
    // A prefetched page may be abandoned when writing the current one fails: never unhandled.
    request.catch(() => undefined);
    return request;
  };
  /** Purges, then rebuilds; pull goes on from where the rebuild left the cursor. */
  const rebuild = async () => {
    clearPulledData(db());
    if (deps.bootstrap ?? true) await bootstrap(deps, token, summary);
    return readSyncState(db()).cursor;
  };

  let since = readSyncState(db()).cursor;
  let rebuilt = false;
  let pending: Promise<PullResponse> = fetchPage(since);
  for (;;) {
    let page: PullResponse;
    try {
      page = await pending;
    } catch (error) {
      if (!rebuilt && error instanceof ServerError && error.code === 'reset') {
        rebuilt = true;
        since = await rebuild();
        pending = fetchPage(since);
        continue;
      }
      throw error;
    }
    const known = readSyncState(db()).policy_version;
    if (!rebuilt && since > 0 && known !== null && known !== String(page.policyVersion)) {
      // What this person may see changed: purge, then download what is visible now.
      rebuilt = true;
      since = await rebuild();
      pending = fetchPage(since);
      continue;
    }
    if (page.hasMore) pending = fetchPage(page.cursor);
    const writeStarted = performance.now();
    const applied = applyPullPage(db(), page, deps.now());
    // Takes effect from the page after the one already requested (the pipeline is one deep).
    limit = nextPullLimit(limit, performance.now() - writeStarted, sizing);
    summary.pulled += applied.applied;
    summary.cursor = applied.cursor;
    since = applied.cursor;
    deps.onProgress?.({ phase: 'pull', done: summary.pulled, total: page.total === null ? null : summary.pulled + page.total - page.changes.length });
    if (!page.hasMore) return;
  }
}

/** A first sync from the server's snapshot; a server without snapshots leaves it to pull. */
async function bootstrap(deps: SyncDeps, token: string, summary: SyncSummary): Promise<void> {
  const result = await bootstrapCache({
    vault: deps.session.vault,
    client: deps.client,
    token,
    tenantId: deps.session.account.tenantId,
    now: deps.now,
    onProgress: deps.onProgress,
    cacheReadsRunning: deps.cacheReadsRunning,
  });
  if (!result) return;
  summary.pulled += result.rows;
  summary.cursor = result.seq;
}

/** One sync: push, then a first sync's snapshot where the cache has none, then pull. Server verdicts and network failures surface as typed errors. */
export async function syncOnce(deps: SyncDeps): Promise<SyncSummary> {
  const summary: SyncSummary = { pushed: 0, applied: 0, appliedChanges: 0, conflicts: 0, rejected: 0, pulled: 0, cursor: readSyncState(deps.session.vault.db).cursor };
  const token = await tokenOf(deps.session);
  await pushAll(deps, token, summary);
  if ((deps.bootstrap ?? true) && readSyncState(deps.session.vault.db).cursor === 0) await bootstrap(deps, token, summary);
  await pullAll(deps, token, summary);
  return summary;
}

/** Exponential backoff with full jitter: 1 s, 2 s, 4 s ... capped at 5 minutes. */
export function backoffDelayMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(300_000, 1_000 * 2 ** Math.min(attempt, 20));
  return Math.round(random() * ceiling);
}
