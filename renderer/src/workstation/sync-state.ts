import { queryOptions, useQuery } from '@tanstack/react-query';
import { invoke } from '../lib/api';
import { syncIsRunning, useSyncProgress } from '../lib/sync-activity';
import { workstationKeys } from './keys';

/** How often a state that says "running" is read again, so its end shows even if its event was lost. */
const whileRunningMs = 2_000;

/** The open cache's sync state, shared by the frame and the first-sync notes; refreshed after each sync (providers.tsx). */
export const syncStateQuery = () =>
  queryOptions({
    queryKey: workstationKeys.syncState(),
    queryFn: () => invoke('sync.state', {}),
    refetchInterval: (query) => (query.state.data?.running ? whileRunningMs : false),
  });

/** The sync state, the live progress, and whether a sync runs (see syncIsRunning). */
export function useSyncState() {
  const state = useQuery(syncStateQuery());
  const activity = useSyncProgress();
  return { state, progress: activity.progress, running: syncIsRunning(state, activity) };
}
