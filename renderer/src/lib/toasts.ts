import { create } from 'zustand';
import type { TranslationParams } from '../i18n/i18n';

/** The messages a toast can say (their words are in components/messages.ts). */
export type ToastKey = 'toast.sent' | 'toast.conflicts' | 'toast.syncFailed';

/**
 * Short messages about work that finished in the background (a sync that sent changes, one
 * that failed): said once, where the eye is, and gone by themselves. Kept as a message key,
 * so a language switch while one is shown changes it too.
 */
export interface Toast {
  id: number;
  key: ToastKey;
  params: TranslationParams;
  tone: 'info' | 'warning';
  /** Where "Show" goes, when there is something to look at. */
  href: string | null;
}

interface Toasts {
  toasts: Toast[];
  show(toast: Omit<Toast, 'id'>): void;
  dismiss(id: number): void;
}

/** Long enough to read two lines; warnings stay until dismissed. */
export const toastMillis = 6_000;
const shownAtOnce = 3;
let nextId = 1;

export const useToasts = create<Toasts>((set, get) => ({
  toasts: [],
  show(toast) {
    const id = nextId++;
    set((state) => ({ toasts: [...state.toasts, { ...toast, id }].slice(-shownAtOnce) }));
    if (toast.tone === 'info') setTimeout(() => get().dismiss(id), toastMillis);
  },
  dismiss(id) {
    set((state) => ({ toasts: state.toasts.filter((toast) => toast.id !== id) }));
  },
}));
