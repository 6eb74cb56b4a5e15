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
