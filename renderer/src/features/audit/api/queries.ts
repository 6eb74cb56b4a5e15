import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import type { CallRequest, CallResponse } from '../../../../../shared/contract';
import { invoke } from '../../../lib/api';

export type AuditEventView = CallResponse<'audit.list'>['items'][number];
export type AuditFilter = NonNullable<CallRequest<'audit.list'>['filter']>;
export type ChainStatus = CallResponse<'audit.verify'>;

/** One key factory for the audit feature (TkDodo): lists by filter, one event, the chain check. */
export const auditKeys = {
  all: ['audit'] as const,
  lists: () => [...auditKeys.all, 'list'] as const,
  list: (filter: AuditFilter) => [...auditKeys.lists(), filter] as const,
  event: (seq: number) => [...auditKeys.all, 'event', seq] as const,
  verify: () => [...auditKeys.all, 'verify'] as const,
};

const pageSize = 100;

export const auditListQuery = (filter: AuditFilter) =>
  infiniteQueryOptions({
    queryKey: auditKeys.list(filter),
    queryFn: ({ pageParam }) => invoke('audit.list', { filter, page: { limit: pageSize, after: pageParam } }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next,
  });

/**
 * A keyset cursor is the sort key of the last row seen, base64url JSON (API.md); the page after
 * seq + 1 starts at seq itself, which is how one event is read without a separate call.
 */
export function cursorBefore(seq: number): string {
  return btoa(JSON.stringify([seq + 1, seq + 1]))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

export const auditEventQuery = (seq: number) =>
  queryOptions({
    queryKey: auditKeys.event(seq),
    queryFn: async () => {
      const page = await invoke('audit.list', { filter: {}, page: { limit: 1, after: cursorBefore(seq) } });
      const event = page.items[0];
      return event && event.seq === seq ? event : null;
    },
  });

export const chainStatusQuery = () => queryOptions({ queryKey: auditKeys.verify(), queryFn: () => invoke('audit.verify', {}) });

