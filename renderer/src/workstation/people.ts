import { queryOptions, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { invoke } from '../lib/api';
import { usePermissions } from './access';
import { workstationKeys } from './keys';

/** A person as other screens name them (authors, actors, signers, filters). */
export interface Person {
  id: string;
  name: string;
  email: string;
}

// Enough for a plant's staff in one call; a person beyond it is shown by id, as for a role without user access.
const peopleLimit = 500;

export const peopleQuery = () =>
  queryOptions({
    queryKey: workstationKeys.people(),
    queryFn: async (): Promise<Person[]> =>
      (await invoke('users.list', { filter: {}, page: { limit: peopleLimit } })).items.map((user) => ({ id: user.id, name: user.display_name, email: user.email })),
    staleTime: 5 * 60_000,
    // A refusal is not transient (the core is local); the screens then show ids.
    retry: false,
  });

export interface People {
  /** Undefined until known, and for a role that may not read people: screens then show ids. */
  people: Person[] | undefined;
  nameOf(id: string): string | undefined;
}

/** Names for user ids, asked for only when the grant may read people (the core would refuse). */
export function usePeople(): People {
  const mayRead = usePermissions().can('read', 'user');
  const query = useQuery({ ...peopleQuery(), enabled: mayRead });
  return useMemo(() => {
    const names = new Map((query.data ?? []).map((person) => [person.id, person.name]));
    return { people: query.data, nameOf: (id: string) => names.get(id) };
  }, [query.data]);
}
