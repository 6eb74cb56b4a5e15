import { create } from 'zustand';
import type { CallRequest, CallResponse, EventPayload } from '../../../../../shared/contract';
import { invoke, subscribe } from '../../../lib/api';

/** The request without its id, one shape per module as the contract has it. */
type StartRequest = CallRequest<'exports.start'> extends infer Request ? (Request extends unknown ? Omit<Request, 'exportId'> : never) : never;
export type ExportResult = NonNullable<CallResponse<'exports.start'>>;

/**
 * The export under way (one at a time per window), kept outside the screen so leaving the
 * page and coming back still shows its progress and its result.
 */
interface ExportRun {
  status: 'idle' | 'running' | 'done' | 'dialog_cancelled' | 'failed';
  exportId: string | null;
  progress: EventPayload<'export.progress'> | null;
  result: ExportResult | null;
  error: unknown;
  start(request: StartRequest, onSettled?: () => void): Promise<void>;
  cancel(): Promise<void>;
  reset(): void;
}

const idle = { status: 'idle' as const, exportId: null, progress: null, result: null, error: null };

export const useExportRun = create<ExportRun>((set, get) => ({
  ...idle,
  async start(request, onSettled) {
    if (get().status === 'running') return;
    // The id is ours, so Cancel works even before the first progress event arrives.
    const exportId = globalThis.crypto.randomUUID();
    set({ ...idle, status: 'running', exportId });
    const stop = subscribe('export.progress', (progress) => {
      if (progress.exportId === get().exportId) set({ progress });
    });
    try {
      const result = await invoke('exports.start', { ...request, exportId });
      set(result ? { status: 'done', result } : { status: 'dialog_cancelled' });
    } catch (error) {
      set({ status: 'failed', error });
    } finally {
      stop();
      onSettled?.();
    }
  },
  async cancel() {
    const { exportId, status } = get();
    if (!exportId || status !== 'running') return;
    try {
      await invoke('exports.cancel', { exportId });
    } catch (error) {
      set({ error });
    }
  },
  reset() {
    if (get().status !== 'running') set(idle);
  },
}));
