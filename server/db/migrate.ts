import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database, Tx } from './database';

/**
 * Numbered, append-only SQL migrations (server/migrations/NNNN_name.sql), the same files on
 * PGlite and on PostgreSQL. An applied file must never change: its checksum is recorded and a
 * mismatch stops the server instead of leaving two schemas that claim the same version.
 */

export const migrationsDir = fileURLToPath(new URL('../migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export function loadMigrations(dir = migrationsDir): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => {
      const sql = readFileSync(`${dir}/${file}`, 'utf8');
      return { version: Number(file.slice(0, 4)), name: file, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

// Any constant works; it only has to be the same for every instance sharing the database.
const MIGRATION_LOCK = 7_234_001;

async function appliedMigrations(tx: Tx): Promise<Map<number, { name: string; checksum: string }>> {
  const rows = await tx.query<{ version: number; name: string; checksum: string }>('SELECT version, name, checksum FROM schema_migrations');
  return new Map(rows.map((row) => [Number(row.version), { name: row.name, checksum: row.checksum }]));
}

/** Applies pending migrations in one transaction; instances starting together take turns. */
export async function migrate(db: Database, migrations = loadMigrations()): Promise<string[]> {
  return db.ownerTransaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const applied = await appliedMigrations(tx);
    const newlyApplied: string[] = [];
    for (const migration of migrations) {
      const existing = applied.get(migration.version);
      if (existing) {
        if (existing.checksum !== migration.checksum) {
          throw new MigrationError(`migration ${migration.name} was changed after it was applied; add a new migration instead`);
        }
        continue;
      }
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [migration.version, migration.name, migration.checksum]);
      newlyApplied.push(migration.name);
    }
    return newlyApplied;
  });
}

/** For /readyz: is every migration this build ships applied, and nothing newer? */
export async function migrationsCurrent(db: Database, migrations = loadMigrations()): Promise<boolean> {
  const latest = migrations.at(-1)?.version ?? 0;
  const rows = await db.ownerTransaction((tx) => tx.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations'));
  return Number(rows[0]?.version ?? 0) === latest;
}
