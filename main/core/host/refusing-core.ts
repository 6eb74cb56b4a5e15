import type { Core } from '../core';

/**
 * A core that could not start for a reason a person must read (the profile is held by another
 * process): it answers every call with that error, so the host that started it stays up and
 * can say so, instead of dying on the exception.
 */
export function refusingCore(reason: Error): Core {
  return {
    call: async () => {
      throw reason;
    },
    onEvent: () => () => undefined,
    close: async () => undefined,
  };
}
