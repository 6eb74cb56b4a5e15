import { queryOptions } from '@tanstack/react-query';
import { invoke } from '../../../lib/api';

/**
 * Query keys of the sync page. Retry, discard and "sync now" invalidate `syncKeys.all`; the
 * app's providers refresh every tenant query after each 'sync.finished'.
 */
export const syncKeys = {
  all: ['sync'] as const,
  state: () => [...syncKeys.all, 'state'] as const,
  outbox: () => [...syncKeys.all, 'outbox'] as const,
  conflicts: () => [...syncKeys.all, 'conflicts'] as const,
};

// A sync can start by itself (timer, server push); a short poll keeps "running" honest.
export const syncStateQuery = () => queryOptions({ queryKey: syncKeys.state(), queryFn: () => invoke('sync.state', {}), refetchInterval: 3_000 });
export const outboxQuery = () => queryOptions({ queryKey: syncKeys.outbox(), queryFn: () => invoke('sync.outbox', { limit: 200 }), refetchInterval: 5_000 });
export const conflictsQuery = () => queryOptions({ queryKey: syncKeys.conflicts(), queryFn: () => invoke('conflicts.list', {}) });

