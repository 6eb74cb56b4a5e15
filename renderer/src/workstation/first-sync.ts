import { useSyncState } from './sync-state';

/**
 * While the cache has never finished a sync, an empty list means "not downloaded yet", not "no
 * match": screens say which. Null once a sync has succeeded (or while that is not known yet);
 * otherwise whether a sync runs now and, during the pull, how far it is.
 */
export type FirstSync = null | { running: false } | { running: true; phase: string | null; done: number | null; total: number | null };

export function useFirstSync(): FirstSync {
  const { state, progress, running } = useSyncState();
  if (!state.data || state.data.lastOkAt !== null) return null;
  if (!running) return { running: false };
  // Sending the outbox first is part of the same sync; only downloading counts downloaded rows.
  const pulling = progress?.phase === 'pull' || progress?.phase === 'download' || progress?.phase === 'load';
  return { running: true, phase: progress?.phase ?? null, done: pulling ? progress.done : null, total: pulling ? progress.total : null };
}
