import { queryOptions } from '@tanstack/react-query';
import { invoke } from '../../../lib/api';

export const workstationKeys = {
  all: ['workstation'] as const,
  appInfo: () => [...workstationKeys.all, 'app-info'] as const,
  sessionStatus: () => [...workstationKeys.all, 'session-status'] as const,
};

export const appInfoQuery = () =>
  queryOptions({ queryKey: workstationKeys.appInfo(), queryFn: () => invoke('app.info', {}), staleTime: Infinity });

export const sessionStatusQuery = () =>
  queryOptions({ queryKey: workstationKeys.sessionStatus(), queryFn: () => invoke('session.status', {}) });
