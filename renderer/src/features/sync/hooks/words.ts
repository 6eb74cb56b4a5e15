import type { useSyncT } from '../messages';

type T = ReturnType<typeof useSyncT>;
type Key = Parameters<T>[0];

/** A catalogue entry if there is one, else `null` (the caller shows the raw text). */
export function lookup(t: T, key: string): string | null {
  const text = t(key as Key);
  return text === key ? null : text;
}

/** "shiftLog.signOff" -> "Sign off shift log"; an unknown name as it is. */
export function mutationInWords(t: T, name: string): string {
  return lookup(t, `mutation.${name}`) ?? name;
}
