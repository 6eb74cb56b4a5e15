import { useSyncT } from '../messages';
import { ConflictsInbox } from './ConflictsInbox';
import { Outbox } from './Outbox';
import { SyncStatus } from './SyncStatus';
import '../sync.css';

/**
 * Sync and conflicts: the state of this workstation's sync with "Sync now",
 * the outbox of changes still on their way, and the inbox of changes the server did not
 * accept, local intent beside server state, each to retry or discard.
 */
export function SyncScreen() {
  const t = useSyncT();
  return (
    <section className="sync-screen" aria-labelledby="screen-title">
      <h1 id="screen-title">{t('title')}</h1>
      <SyncStatus />
      <ConflictsInbox />
      <Outbox />
    </section>
  );
}
