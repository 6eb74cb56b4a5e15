import { infiniteQueryOptions, queryOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { CallRequest, CallResponse } from '../../../../../shared/contract';
import { invoke } from '../../../lib/api';

export type UserView = CallResponse<'users.list'>['items'][number];
export type SessionView = CallResponse<'sessions.list'>['items'][number];
export type UserFilter = NonNullable<CallRequest<'users.list'>['filter']>;
export type UserPatch = CallRequest<'users.update'>['patch'];

/** One key factory for the People feature; every mutation invalidates by the `users` prefix. */
export const usersKeys = {
  all: ['users'] as const,
  lists: () => [...usersKeys.all, 'list'] as const,
  list: (filter: UserFilter) => [...usersKeys.lists(), filter] as const,
  one: (userId: string) => [...usersKeys.all, 'one', userId] as const,
  sessions: (userId: string) => [...usersKeys.all, 'sessions', userId] as const,
};

const pageSize = 100;

export const usersListQuery = (filter: UserFilter) =>
  infiniteQueryOptions({
    queryKey: usersKeys.list(filter),
    queryFn: ({ pageParam }) => invoke('users.list', { filter, page: { limit: pageSize, after: pageParam } }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next,
  });

export const userQuery = (userId: string) =>
  queryOptions({
    queryKey: usersKeys.one(userId),
    queryFn: async () => (await invoke('users.list', { filter: { userIds: [userId] }, page: { limit: 1 } })).items[0] ?? null,
  });

export const userSessionsQuery = (userId: string) =>
  queryOptions({
    queryKey: usersKeys.sessions(userId),
    queryFn: async () => (await invoke('sessions.list', { filter: { userIds: [userId] }, page: { limit: 200 } })).items,
  });

/**
 * Admin changes act on the server at once; the list on this workstation shows them after the
 * next pull, so one is started right away (best effort: the automatic sync also picks it up).
 */
function refreshAfterServerChange(queryClient: QueryClient) {
  void queryClient.invalidateQueries({ queryKey: usersKeys.all });
  void invoke('sync.now', {})
    .catch(() => undefined)
    .finally(() => void queryClient.invalidateQueries({ queryKey: usersKeys.all }));
}

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: CallRequest<'users.update'>) => invoke('users.update', request),
    onSuccess: () => refreshAfterServerChange(queryClient),
  });
}

export function useEraseUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: CallRequest<'users.erase'>) => invoke('users.erase', request),
    onSuccess: () => refreshAfterServerChange(queryClient),
  });
}

export function useRevokeSessions() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: CallRequest<'sessions.revoke'>) => invoke('sessions.revoke', request),
    onSuccess: () => refreshAfterServerChange(queryClient),
  });
}

export function useCreatePerson() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: CallRequest<'users.create'>) => invoke('users.create', request),
    onSuccess: () => refreshAfterServerChange(queryClient),
  });
}

export function useResetSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: CallRequest<'users.resetSignIn'>) => invoke('users.resetSignIn', request),
    onSuccess: () => refreshAfterServerChange(queryClient),
  });
}

export function useUnlockUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: CallRequest<'users.unlock'>) => invoke('users.unlock', request),
    onSuccess: () => refreshAfterServerChange(queryClient),
  });
}
