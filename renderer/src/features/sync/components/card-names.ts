import type { useSyncT } from '../messages';

/** Names for the people a conflict card mentions (from the core, as far as the reader may see people) and who "you" are. */
export interface CardNames {
  names: Readonly<Record<string, string>>;
  me: string | null;
}

/** A person by name: "You", their name where the reader may see them, else said to be hidden (never a bare id). */
export function personName(t: ReturnType<typeof useSyncT>, people: CardNames, id: string): string {
  if (id === people.me) return t('person.you');
  return people.names[id] ?? t('person.hidden');
}
