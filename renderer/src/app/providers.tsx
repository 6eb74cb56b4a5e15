import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { subscribe } from '../lib/api';
import { useSyncActivity } from '../lib/sync-activity';
import { useToasts } from '../lib/toasts';
import type { EventPayload } from '../../../shared/contract';
import { staleAfterSessionChange, staleAfterSync, workstationKeys } from '../workstation/keys';
import { writeSessionStatus } from '../workstation/session';

/**
 * What a finished background sync says by itself: changes that reached the server, changes that
 * came back as conflicts, or a failure other than being offline (the frame says offline).
 */
function toastAfterSync(finished: EventPayload<'sync.finished'>): void {
  const { show } = useToasts.getState();
  if (!finished.ok) {
    if (finished.error && finished.error.code !== 'server_unreachable') show({ key: 'toast.syncFailed', params: { message: finished.error.message }, tone: 'warning', href: '#/sync' });
    return;
  }
  const summary = finished.summary;
  if (!summary) return;
  // The workstation's own records (a sign-in, an unlock) are not news to the person.
  if (summary.appliedChanges > 0) show({ key: 'toast.sent', params: { count: summary.appliedChanges }, tone: 'info', href: null });
  const refused = summary.conflicts + summary.rejected;
  if (refused > 0) show({ key: 'toast.conflicts', params: { count: refused }, tone: 'warning', href: '#/sync' });
}

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
      subscribe('sync.progress', (progress) => {
        const starting = useSyncActivity.getState().progress === null;
        useSyncActivity.getState().onProgress(progress);
        // The state then says "running" and is read again until it ends (workstation/sync-state.ts).
        if (starting) void queryClient.invalidateQueries({ queryKey: workstationKeys.syncState() });
      }),
      subscribe('sync.finished', (finished) => {
        useSyncActivity.getState().onFinished(finished);
        toastAfterSync(finished);
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
