import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CallRequest, CallResponse, Channel } from '../../../../../shared/contract';
import { invoke } from '../../../lib/api';
import { shiftLogKeys } from './queries';

type WriteChannel =
  | 'logEntries.create'
  | 'logEntries.amend'
  | 'comments.create'
  | 'shiftLogs.submit'
  | 'shiftLogs.signOff'
  | 'shiftLogs.reopen'
  | 'handovers.acknowledge';

/** A write of this feature: on success every shift-log query is refetched (the row shows as pending until synced). */
export function useShiftLogWrite<C extends WriteChannel & Channel>(channel: C) {
  const queryClient = useQueryClient();
  return useMutation<CallResponse<C>, Error, CallRequest<C>>({
    mutationFn: (request) => invoke(channel, request),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: shiftLogKeys.all }),
  });
}
