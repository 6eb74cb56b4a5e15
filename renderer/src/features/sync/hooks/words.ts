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

/** shiftLogId and shift_log_id are the same field: args are camelCase, server rows snake_case. */
export function fieldKey(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

export function fieldLabel(t: T, key: string): string {
  const snake = fieldKey(key);
  return lookup(t, `field.${snake}`) ?? snake.replace(/_/g, ' ');
}
