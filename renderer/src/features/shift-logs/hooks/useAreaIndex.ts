import { useMemo } from 'react';
import { siteTimeZones } from '../../../../../shared/site-time';
import { useAreas, type AreaView } from '../../../workstation/areas';

export interface AreaIndex {
  areas: AreaView[];
  byId: Map<string, AreaView>;
  depth(id: string): number;
  /** The area and everything under it (an area filter means the subtree). */
  subtree(id: string): string[];
  /** The zone an area's times are shown in: its site's (the one site-time rule, shared/site-time.ts). */
  zoneOf(id: string | null | undefined): string;
  nameOf(id: string | null | undefined): string;
}

export function indexAreas(areas: AreaView[]): AreaIndex {
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
    zoneOf: siteTimeZones(areas).zoneOf,
    nameOf: (id) => (id && byId.get(id)?.name) || (id ?? ''),
  };
}

export function useAreaIndex(): AreaIndex & { isPending: boolean; error: unknown } {
  const query = useAreas();
  const index = useMemo(() => indexAreas(query.data ?? []), [query.data]);
  return { ...index, isPending: query.isPending, error: query.error };
}

