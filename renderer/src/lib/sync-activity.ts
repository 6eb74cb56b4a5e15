import { create } from 'zustand';
import type { EventPayload } from '../../../shared/contract';

/** Live sync progress from the core's events, for the frame's status and the sync page. */
interface SyncActivity {
  progress: EventPayload<'sync.progress'> | null;
  lastFinished: (EventPayload<'sync.finished'> & { at: string }) | null;
  onProgress(progress: EventPayload<'sync.progress'>): void;
  onFinished(finished: EventPayload<'sync.finished'>): void;
}

export const useSyncActivity = create<SyncActivity>((set) => ({
  progress: null,
  lastFinished: null,
  onProgress: (progress) => set({ progress }),
  onFinished: (finished) => set({ progress: null, lastFinished: { ...finished, at: new Date().toISOString() } }),
}));
