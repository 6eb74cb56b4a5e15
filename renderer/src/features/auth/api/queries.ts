import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { CallRequest, SessionStatus } from '../../../../../shared/contract';
import { invoke } from '../../../lib/api';
import { workstationKeys } from '../../../workstation/keys';
import { writeSessionStatus } from '../../../workstation/session';

/** Facts about this workstation for the auth screens: in the workstation key family, so a session change keeps them. */
export const appInfoQuery = () =>
  queryOptions({ queryKey: workstationKeys.appInfo(), queryFn: () => invoke('app.info', {}), staleTime: Infinity });

/** Damaged profile files set aside, or a server key trusted anew, since the engine started. */
export const profileNoticesQuery = () =>
  queryOptions({ queryKey: workstationKeys.notices(), queryFn: () => invoke('app.notices', {}) });

export const knownAccountsQuery = () =>
  queryOptions({ queryKey: workstationKeys.accounts(), queryFn: () => invoke('session.accounts', {}) });

/**
 * Every auth call answers the new session status: it goes straight into the cache (the core's
 * 'session.changed' event says the same a moment later), and the known accounts are re-read.
 */
function useSessionMutation<R>(call: (request: R) => Promise<SessionStatus>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: (status) => {
      writeSessionStatus(queryClient, status);
      void queryClient.invalidateQueries({ queryKey: workstationKeys.accounts() });
      void queryClient.invalidateQueries({ queryKey: workstationKeys.notices() });
    },
  });
}

export const useSignIn = () => useSessionMutation((request: CallRequest<'auth.signIn'>) => invoke('auth.signIn', request));
export const useUnlock = () => useSessionMutation((request: CallRequest<'auth.unlock'>) => invoke('auth.unlock', request));
export const useLock = () => useSessionMutation(() => invoke('auth.lock', {}));
export const useSignOut = () => useSessionMutation(() => invoke('auth.signOut', {}));
export const useEnrolmentComplete = () => useSessionMutation((request: CallRequest<'auth.enrolmentComplete'>) => invoke('auth.enrolmentComplete', request));
export const useEnrolmentStart = () => useMutation({ mutationFn: (link: string) => invoke('auth.enrolmentStart', { link }) });
export const useSsoProviders = () => useMutation({ mutationFn: (request: CallRequest<'auth.ssoProviders'>) => invoke('auth.ssoProviders', request) });
export const useSsoSignIn = () => useSessionMutation((request: CallRequest<'auth.ssoSignIn'>) => invoke('auth.ssoSignIn', request));
export const useSsoCancel = () => useMutation({ mutationFn: () => invoke('auth.ssoCancel', {}) });
export const useWipePreview = () => useMutation({ mutationFn: () => invoke('auth.wipePreview', {}) });
export const useWipe = () => useSessionMutation((request: CallRequest<'auth.wipe'>) => invoke('auth.wipe', request));
