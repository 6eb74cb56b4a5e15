import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { CallResponse } from '../../../../../shared/contract';
import { areasQuery, peopleQuery } from '../api/queries';

export type AreaNode = CallResponse<'areas.list'>[number];

export interface AreaIndex {
  areas: AreaNode[];
  byId: Map<string, AreaNode>;
  depth(id: string): number;
  /** The area and everything under it (an area filter means the subtree). */
  subtree(id: string): string[];
  /** The site's IANA zone for an area; UTC when the cache knows none. */
  zoneOf(id: string | null | undefined): string;
  nameOf(id: string | null | undefined): string;
}

export function indexAreas(areas: AreaNode[]): AreaIndex {
  const byId = new Map(areas.map((area) => [area.id, area]));
  const children = new Map<string, string[]>();
  for (const area of areas) {
    if (!area.parent_id) continue;
    const list = children.get(area.parent_id) ?? [];
    list.push(area.id);
    children.set(area.parent_id, list);
  }
  const depth = (id: string): number => {
    let level = 0;
    let current = byId.get(id);
    while (current?.parent_id && byId.has(current.parent_id) && level < 32) {
      level += 1;
      current = byId.get(current.parent_id);
    }
    return level;
  };
  const subtree = (id: string): string[] => {
    const out: string[] = [];
    const stack = [id];
    while (stack.length > 0) {
      const next = stack.pop()!;
      out.push(next);
      stack.push(...(children.get(next) ?? []));
    }
    return out;
  };
  return {
    areas,
    byId,
    depth,
    subtree,
    zoneOf: (id) => (id && byId.get(id)?.time_zone) || 'UTC',
    nameOf: (id) => (id && byId.get(id)?.name) || (id ?? ''),
  };
}

export function useAreaIndex(): AreaIndex & { isPending: boolean; error: unknown } {
  const query = useQuery(areasQuery());
  const index = useMemo(() => indexAreas(query.data ?? []), [query.data]);
  return { ...index, isPending: query.isPending, error: query.error };
}

/** Display names by user id, when the role may read users; otherwise ids are shown. */
export function usePeople(): { people: { id: string; name: string }[]; nameOf(id: string): string } {
  const query = useQuery(peopleQuery());
  return useMemo(() => {
    const people = (query.data ?? []).map((user) => ({ id: user.id, name: user.display_name }));
    const names = new Map(people.map((person) => [person.id, person.name]));
    return { people, nameOf: (id: string) => names.get(id) ?? id.slice(0, 8) };
  }, [query.data]);
}
