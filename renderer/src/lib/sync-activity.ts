import { create } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { EventPayload } from '../../../shared/contract';

/** Live sync progress from the core's events, for the frame's status and the sync page. */
interface SyncActivity {
  progress: EventPayload<'sync.progress'> | null;
  /** When the last progress event arrived (Date.now() scale): compared with when the core's state was read. */
  progressAt: number;
  lastFinished: (EventPayload<'sync.finished'> & { at: string }) | null;
  onProgress(progress: EventPayload<'sync.progress'>): void;
  onFinished(finished: EventPayload<'sync.finished'>): void;
}

export const useSyncActivity = create<SyncActivity>((set) => ({
  progress: null,
  progressAt: 0,
  lastFinished: null,
  onProgress: (progress) => set({ progress, progressAt: Date.now() }),
  onFinished: (finished) => set({ progress: null, lastFinished: { ...finished, at: new Date().toISOString() } }),
}));

/**
 * Whether a sync runs now. The core's sync.state is the truth; a progress event newer than the
 * state read says a sync began since. Events alone are not trusted to say it ended: one can be
 * lost (a window that reloads or subscribes mid-sync), and a progress bar left spinning after
 * its finish event was lost would never stop. So a running state is read again until it ends.
 */
export function syncIsRunning(state: { data?: { running: boolean }; dataUpdatedAt: number }, activity: Pick<SyncActivity, 'progress' | 'progressAt'>): boolean {
  if (activity.progress !== null && activity.progressAt > state.dataUpdatedAt) return true;
  return state.data?.running ?? activity.progress !== null;
}

/** The live progress and when it arrived, for syncIsRunning. */
export function useSyncProgress(): Pick<SyncActivity, 'progress' | 'progressAt'> {
  return useSyncActivity(useShallow((current) => ({ progress: current.progress, progressAt: current.progressAt })));
}
