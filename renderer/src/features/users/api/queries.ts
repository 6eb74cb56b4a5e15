import { infiniteQueryOptions, keepPreviousData, queryOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { CallRequest, CallResponse } from '../../../../../shared/contract';
import { invoke } from '../../../lib/api';

export type UserView = CallResponse<'users.list'>['items'][number];
export type SessionView = CallResponse<'sessions.list'>['items'][number];
export type UserFilter = NonNullable<CallRequest<'users.list'>['filter']>;
export type UserPatch = CallRequest<'users.update'>['patch'];
export type UserSort = NonNullable<CallRequest<'users.list'>['sort']>;

/** One key factory for the People feature; every mutation invalidates by the `users` prefix. */
export const usersKeys = {
  all: ['users'] as const,
  lists: () => [...usersKeys.all, 'list'] as const,
  list: (filter: UserFilter, sort: UserSort) => [...usersKeys.lists(), filter, sort] as const,
  one: (userId: string) => [...usersKeys.all, 'one', userId] as const,
  sessions: (userId: string) => [...usersKeys.all, 'sessions', userId] as const,
};

const pageSize = 100;

/** The core sorts and pages in SQL; a cursor is only good for the order that made it. */
export const usersListQuery = (filter: UserFilter, sort: UserSort) =>
  infiniteQueryOptions({
    queryKey: usersKeys.list(filter, sort),
    queryFn: ({ pageParam }) => invoke('users.list', { filter, sort, page: { limit: pageSize, after: pageParam } }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next,
    // Another sort or filter keeps the table (and the header just clicked, with its focus) on
    // screen until the new order arrives, instead of flashing a loading state.
    placeholderData: keepPreviousData,
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
  // The `users` prefix covers every list (any filter and sort), each person's detail and sessions.
  const refresh = () => void queryClient.invalidateQueries({ queryKey: usersKeys.all });
  refresh();
  void invoke('sync.now', {})
    .catch(() => undefined)
    .finally(refresh);
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
