import type { Tx } from '../db/database';
import { json } from './rows';

/** The areas a membership covers, plus everything below them in the tree. */
export async function expandAreas(tx: Tx, tenantId: string, areaIds: readonly string[]): Promise<string[]> {
  if (areaIds.length === 0) return [];
  const rows = await tx.query<{ id: string }>(
    `WITH RECURSIVE covered AS (
       SELECT a.id FROM areas a WHERE a.tenant_id = $1 AND a.id IN (SELECT value::uuid FROM jsonb_array_elements_text($2::jsonb))
       UNION
       SELECT child.id FROM areas child JOIN covered ON child.parent_id = covered.id WHERE child.tenant_id = $1
     )
     SELECT id FROM covered ORDER BY id`,
    [tenantId, json(areaIds)],
  );
  return rows.map((row) => row.id);
}

/** Which of these ids are areas of the tenant (the rest do not exist there). */
export async function existingAreaIds(tx: Tx, tenantId: string, areaIds: readonly string[]): Promise<Set<string>> {
  if (areaIds.length === 0) return new Set();
  const rows = await tx.query<{ id: string }>(
    'SELECT id FROM areas WHERE tenant_id = $1 AND id IN (SELECT value::uuid FROM jsonb_array_elements_text($2::jsonb))',
    [tenantId, json(areaIds)],
  );
  return new Set(rows.map((row) => row.id));
}
