import type { SqliteDatabase } from '../open';
import { cipherPragmas, type PageCipher, type PageKey } from '../page-cipher';
import { syncedTables } from '../rows';

/**
 * What a finished staging store takes over from the cache it replaces: everything that is this
 * workstation's own (the outbox, its local audit record, conflicts waiting for a person, the
 * workstation session, the client id it pushes under) and the rows of changes still waiting to
 * be pushed, which stay the optimistic version until the server's comes back (SYNC.md). Run on
 * the cache's connection with the staging file attached as `fresh` (same key), in one
 * transaction, just before the files are swapped.
 */
const ownTables = ['outbox', 'local_audit', 'conflicts', 'workstation_session'] as const;

function columnsOf(db: SqliteDatabase, schema: 'main' | 'fresh', table: string): string[] {
  return (db.prepare(`SELECT name FROM pragma_table_info(?, ?)`).all(table, schema) as { name: string }[]).map((c) => c.name);
}

/**
 * Attaches the staging file under its key (its literal zeroed here). The staging file may be in
 * another page cipher than the cache (a cache made before AEGIS-256): an ATTACH takes the
 * connection's cipher settings, so they are set to the staging file's for it and then back to
 * the cache's, which the open cache does not read again (its own cipher was fixed when keyed).
 */
export function attachStaging(db: SqliteDatabase, path: string, key: PageKey, cacheCipher: PageCipher): void {
  try {
    for (const pragma of cipherPragmas(key.cipher)) db.pragma(pragma);
    // Bound as a blob, so the key never becomes a JS string.
    db.prepare(`ATTACH DATABASE ? AS fresh KEY ?`).run(path, key.literal);
  } finally {
    key.literal.fill(0);
    for (const pragma of cipherPragmas(cacheCipher)) db.pragma(pragma);
  }
}

export function detachStaging(db: SqliteDatabase): void {
  db.exec('DETACH DATABASE fresh');
}

export function carryOverLocalState(db: SqliteDatabase): void {
  db.transaction(() => {
    for (const table of ownTables) {
      const columns = columnsOf(db, 'main', table).join(', ');
      db.exec(`DELETE FROM fresh.${table}`);
      db.exec(`INSERT INTO fresh.${table} (${columns}) SELECT ${columns} FROM main.${table}`);
    }
    db.exec(`UPDATE fresh.sync_state SET client_id = (SELECT client_id FROM main.sync_state WHERE id = 1) WHERE id = 1`);
    const stillPending = `pending_mutation_id IS NOT NULL AND pending_mutation_id IN (SELECT id FROM main.outbox WHERE status = 'pending')`;
    for (const table of syncedTables) {
      const columns = columnsOf(db, 'main', table).filter((name) => name !== 'row_no');
      const updates = columns.filter((name) => name !== 'id').map((name) => `${name} = excluded.${name}`).join(', ');
      db.exec(
        `INSERT INTO fresh.${table} (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM main.${table} WHERE ${stillPending} ` +
          `ON CONFLICT (id) DO UPDATE SET ${updates}`,
      );
    }
  })();
}
