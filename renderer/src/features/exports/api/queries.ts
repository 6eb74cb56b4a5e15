import { queryOptions } from '@tanstack/react-query';
import { invoke } from '../../../lib/api';

/** Query keys of the Exports screen; a finished export invalidates `exportKeys.all`. */
export const exportKeys = {
  all: ['exports'] as const,
  history: () => [...exportKeys.all, 'history'] as const,
  areas: () => [...exportKeys.all, 'areas'] as const,
};

export const exportHistoryQuery = () => queryOptions({ queryKey: exportKeys.history(), queryFn: () => invoke('exports.history', {}) });

/** The area tree, for the site's time zone (times are shown in the site's zone) and area names. */
export const exportAreasQuery = () => queryOptions({ queryKey: exportKeys.areas(), queryFn: () => invoke('areas.list', {}), staleTime: 5 * 60_000 });

/** The session status; the same key the app's providers update on 'session.changed'. */
export const sessionStatusQuery = () => queryOptions({ queryKey: ['workstation', 'session-status'] as const, queryFn: () => invoke('session.status', {}) });
