import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { subscribe } from '../lib/api';
import { useSyncActivity } from '../lib/sync-activity';
import { staleAfterSessionChange, staleAfterSync, workstationKeys } from '../workstation/keys';
import { writeSessionStatus } from '../workstation/session';

/** Core events flow into the query cache: a new session status, fresh data after a sync. */
function CoreEvents() {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!window.plantdesk) return;
    const stops = [
      subscribe('session.changed', (status) => {
        writeSessionStatus(queryClient, status);
        // Another user, tenant or grant: nothing cached for the previous one may be shown.
        void queryClient.invalidateQueries({ predicate: staleAfterSessionChange });
        // A sign-in adds an account, a wipe verdict removes one: the unlock screen and switcher list them.
        void queryClient.invalidateQueries({ queryKey: workstationKeys.accounts() });
      }),
      subscribe('sync.progress', (progress) => useSyncActivity.getState().onProgress(progress)),
      subscribe('sync.finished', (finished) => {
        useSyncActivity.getState().onFinished(finished);
        void queryClient.invalidateQueries({ predicate: staleAfterSync });
      }),
    ];
    return () => stops.forEach((stop) => stop());
  }, [queryClient]);
  return null;
}

export function AppProviders({ children }: { children: ReactNode }) {
  // Data comes from the local core, not a network: retry once, refetch on focus is cheap.
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { retry: 1 } } }));
  return (
    <QueryClientProvider client={queryClient}>
      <CoreEvents />
      {children}
    </QueryClientProvider>
  );
}
