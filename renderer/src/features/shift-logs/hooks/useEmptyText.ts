import { useFirstSync } from '../../../workstation/first-sync';
import { useShiftLogT } from '../messages';

/** What an empty list says: its own "nothing matches", or, before the first download has finished, how far that is. */
export function useEmptyText(matchesNothing: string): string {
  const t = useShiftLogT();
  const firstSync = useFirstSync();
  if (firstSync === null) return matchesNothing;
  if (!firstSync.running) return t('firstSync.notYet');
  if (firstSync.done === null) return t('firstSync.starting');
  return firstSync.total === null ? t('firstSync.open', { done: firstSync.done }) : t('firstSync.count', { done: firstSync.done, total: firstSync.total });
}

/**
 * What a list that already shows rows says during a first sync: the newest days are there
 * while the rest downloads or is prepared, and a search covers only what is in so far.
 */
export function useFirstSyncNote(searching: boolean): string | null {
  const t = useShiftLogT();
  const firstSync = useFirstSync();
  if (firstSync === null || !firstSync.running) return null;
  if (searching) return t('firstSync.search');
  if (firstSync.phase === 'index' || firstSync.phase === 'search') return t('firstSync.preparing');
  if (firstSync.done === null || firstSync.total === null) return t('firstSync.partialOpen');
  return t('firstSync.partial', { done: firstSync.done, total: firstSync.total });
}
