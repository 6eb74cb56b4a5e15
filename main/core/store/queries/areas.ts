import type { SqliteDatabase } from '../open';
import { all } from './statements';

export interface AreaNode {
  id: string;
  parent_id: string | null;
  kind: 'site' | 'section' | 'area' | 'unit';
  name: string;
  /** IANA zone of the area's site (inherited from the nearest ancestor that sets one). */
  time_zone: string | null;
}

/**
 * The area tree of the tenant, parents before children, each with its site's time zone.
 * Areas are reference data every member sees (filters, forms); rows under them stay scoped.
 */
export function listAreas(db: SqliteDatabase): AreaNode[] {
  return all<AreaNode>(
    db,
    `WITH RECURSIVE tree(id, parent_id, kind, name, time_zone, depth, path) AS (
       SELECT id, parent_id, kind, name, time_zone, 0, name FROM area WHERE parent_id IS NULL OR parent_id NOT IN (SELECT id FROM area)
       UNION ALL
       SELECT a.id, a.parent_id, a.kind, a.name, coalesce(a.time_zone, t.time_zone), t.depth + 1, t.path || char(31) || a.name
       FROM area a JOIN tree t ON a.parent_id = t.id WHERE t.depth < 32
     )
     SELECT id, parent_id, kind, name, time_zone FROM tree ORDER BY path`,
    [],
  );
}
