import type Database from 'better-sqlite3-multiple-ciphers';
import type { SqliteDatabase } from '../open';

type Statement = Database.Statement<unknown[]>;

const caches = new WeakMap<SqliteDatabase, Map<string, Statement>>();
const maxCached = 500;

/**
 * Named queries assemble their SQL from the filters given (always with `?` parameters, never
 * with values inlined); the few hundred shapes that exist are prepared once per database.
 */
export function statement(db: SqliteDatabase, sql: string): Statement {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  let prepared = cache.get(sql);
  if (!prepared) {
    if (cache.size >= maxCached) cache.clear();
    prepared = db.prepare<unknown[]>(sql);
    cache.set(sql, prepared);
  }
  return prepared;
}

export function all<T>(db: SqliteDatabase, sql: string, params: unknown[]): T[] {
  return statement(db, sql).all(...params) as T[];
}

export function get<T>(db: SqliteDatabase, sql: string, params: unknown[]): T | undefined {
  return statement(db, sql).get(...params) as T | undefined;
}

/**
 * `col = ?` or `col IN (?, ?, ...)`: explicit placeholders let the planner see how many values
 * there are (with a json_each list it guesses, and with a keyset range it may then pick the
 * wrong index: measured 100x slower). Very long lists fall back to one JSON parameter.
 */
export function inList(column: string, values: readonly unknown[], where: string[], params: unknown[]): void {
  where.push(inListSql(column, values.length));
  if (values.length > maxPlaceholders) params.push(JSON.stringify(values));
  else params.push(...values);
}

const maxPlaceholders = 200;

export function inListSql(column: string, count: number): string {
  if (count === 0) return '0';
  if (count === 1) return `${column} = ?`;
  if (count > maxPlaceholders) return `${column} IN (SELECT value FROM json_each(?))`;
  return `${column} IN (${Array.from({ length: count }, () => '?').join(', ')})`;
}
