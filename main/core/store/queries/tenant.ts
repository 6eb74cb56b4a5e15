import type { SqliteDatabase } from '../open';
import { get } from './statements';

/** The tenant's idle-lock setting in minutes, or null where the tenant sets none. */
export function tenantIdleMinutes(db: SqliteDatabase, tenantId: string): number | null {
  return get<{ minutes: number | null }>(db, 'SELECT session_idle_minutes AS minutes FROM tenant WHERE id = ?', [tenantId])?.minutes ?? null;
}
