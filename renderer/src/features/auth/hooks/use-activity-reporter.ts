import { useEffect } from 'react';
import { invoke } from '../../../lib/api';

/** At most one activity report per this many milliseconds: input events come by the hundred. */
export const activityThrottleMs = 30_000;

const inputEvents = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;

/**
 * Tells the core a person is at the workstation, so its idle lock is postponed. Only real input
 * counts (pointer, keyboard, wheel, touch), reported at most every 30 s; the first input after
 * mounting is reported at once.
 */
export function useActivityReporter(enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    let lastSent = Number.NEGATIVE_INFINITY;
    const report = () => {
      const now = Date.now();
      if (now - lastSent < activityThrottleMs) return;
      lastSent = now;
      invoke('session.activity', {}).catch(() => {
        // Locked or the core is gone: the session status says so; nothing to report here.
      });
    };
    for (const name of inputEvents) window.addEventListener(name, report, { capture: true, passive: true });
    return () => {
      for (const name of inputEvents) window.removeEventListener(name, report, { capture: true });
    };
  }, [enabled]);
}
