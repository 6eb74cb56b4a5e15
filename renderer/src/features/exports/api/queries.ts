import { queryOptions } from '@tanstack/react-query';
import { invoke } from '../../../lib/api';

/** Query keys of the Exports screen; a finished export invalidates `exportKeys.all`. */
export const exportKeys = {
  all: ['exports'] as const,
  history: () => [...exportKeys.all, 'history'] as const,
};

export const exportHistoryQuery = () => queryOptions({ queryKey: exportKeys.history(), queryFn: () => invoke('exports.history', {}) });

