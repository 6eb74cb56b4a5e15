import type { Database } from './database';
import { openPglite } from './pglite';
import { openPostgres } from './postgres';

export type DatabaseConfig =
  | { kind: 'pglite'; dataDir?: string }
  | { kind: 'postgres'; connectionString: string; maxConnections?: number };

export function openDatabase(config: DatabaseConfig): Promise<Database> {
  return config.kind === 'pglite' ? openPglite(config.dataDir) : openPostgres(config);
}
