import { queryOptions, type QueryClient } from '@tanstack/react-query';
import type { SessionStatus } from '../../../shared/contract';
import { invoke } from '../lib/api';
import { workstationKeys } from './keys';

/** Locked or not, online or not, who is signed in: the app gate, the frame and every screen read it. */
export const sessionStatusQuery = () => queryOptions({ queryKey: workstationKeys.sessionStatus(), queryFn: () => invoke('session.status', {}) });

/** A status the core just answered (an auth call, a 'session.changed' event) goes straight into the cache. */
export function writeSessionStatus(queryClient: QueryClient, status: SessionStatus): void {
  queryClient.setQueryData(workstationKeys.sessionStatus(), status);
}
