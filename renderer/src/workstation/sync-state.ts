import { hashKey, queryOptions, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { invoke } from '../lib/api';
import { syncIsRunning, useSyncProgress } from '../lib/sync-activity';
import { staleAfterSync, workstationKeys } from './keys';

/** How often a state that says "running" is read again, so its end shows even if its event was lost. */
const whileRunningMs = 2_000;

const readSyncState = () => invoke('sync.state', {});
type SyncState = Awaited<ReturnType<typeof readSyncState>>;
const syncStateKey = workstationKeys.syncState();
const syncStateHash = hashKey(syncStateKey);

/**
 * The open cache's sync state, shared by the frame and the first-sync notes; refreshed after
 * each sync (providers.tsx), and read again while it says "running". When it shows a sync that
 * ended since it was last read, the data that sync brought is read first: otherwise a list could
 * say "nothing matches" for a moment, between the state that says the first sync is done and its
 * own rows (a fetch already under way for them is waited for, not started again).
 */
export const syncStateQuery = (queryClient: QueryClient) =>
  queryOptions({
    queryKey: syncStateKey,
    queryFn: async () => {
      const before = queryClient.getQueryData<SyncState>(syncStateKey);
      const state = await readSyncState();
      if (before && before.lastOkAt !== state.lastOkAt) {
        await queryClient.invalidateQueries({ predicate: (query) => staleAfterSync(query) && query.queryHash !== syncStateHash }, { cancelRefetch: false });
      }
      return state;
    },
    refetchInterval: (query) => (query.state.data?.running ? whileRunningMs : false),
  });

/** The sync state, the live progress, and whether a sync runs (see syncIsRunning). */
export function useSyncState() {
  const state = useQuery(syncStateQuery(useQueryClient()));
  const activity = useSyncProgress();
  return { state, progress: activity.progress, running: syncIsRunning(state, activity) };
}
