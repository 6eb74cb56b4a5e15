import { useEffect } from 'react';
import { create } from 'zustand';

/**
 * What the command palette offers beyond navigation: the common actions of the screen on
 * show, registered by that screen while it is mounted (features never import the palette's
 * component, only this registry).
 */
export interface PaletteAction {
  id: string;
  /** Already in the person's language. */
  label: string;
  /** Shown beside the action, e.g. "Alt+S"; the screen handles the key itself. */
  shortcut?: string;
  run(): void;
}

/**
 * The id of a screen's own "Sync now": it stands in for the workstation-wide one while its
 * screen is on show (the screen shows the sync's progress and result).
 */
export const syncNowActionId = 'sync.now';

interface PaletteRegistry {
  screenActions: PaletteAction[];
  open: boolean;
  setOpen(open: boolean): void;
  register(actions: PaletteAction[]): () => void;
}

export const usePalette = create<PaletteRegistry>((set) => ({
  screenActions: [],
  open: false,
  setOpen: (open) => set({ open }),
  register(actions) {
    set((state) => ({ screenActions: [...state.screenActions.filter((a) => !actions.some((b) => b.id === a.id)), ...actions] }));
    return () => set((state) => ({ screenActions: state.screenActions.filter((a) => !actions.includes(a)) }));
  },
}));

/** Offers these actions in the palette while the calling screen is mounted. */
export function usePaletteActions(actions: PaletteAction[]): void {
  const register = usePalette((state) => state.register);
  useEffect(() => register(actions), [register, actions]);
}
