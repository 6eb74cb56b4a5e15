import { mkdirSync } from 'node:fs';
import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import { APP_ROLE, bindContext, REPEATABLE_READ_ONLY, type Database, type DbContext, type Row, type Tx } from './database';

/** Same value shapes as the pg adapter: int8 as number, date as 'YYYY-MM-DD'. */
const parsers = {
  [types.INT8]: (value: string) => Number(value),
  [types.DATE]: (value: string) => value,
};

function wrap(tx: Transaction): Tx {
  return {
    query: async <R extends Row>(sql: string, params: readonly unknown[] = []) => (await tx.query<R>(sql, params as unknown[])).rows,
    exec: async (sql: string) => {
      await tx.exec(sql);
    },
    bind: (context: DbContext) => bindContext((sql, params) => tx.query(sql, params), context),
  };
}

/**
 * Embedded PostgreSQL (WASM). One backend, so PGlite runs transactions one after another;
 * that is fine for a workstation-sized demo and keeps the same SQL as a real server.
 */
export async function openPglite(dataDir?: string): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pg = await PGlite.create(dataDir ? { dataDir, parsers } : { parsers });
  return {
    kind: 'pglite',
    transaction: (context, work, options) =>
      pg.transaction(async (tx) => {
        if (options?.snapshot === 'repeatable-read-only') await tx.query(REPEATABLE_READ_ONLY);
        const wrapped = wrap(tx);
        await wrapped.bind(context);
        await tx.query(`SET LOCAL ROLE ${APP_ROLE}`);
        return work(wrapped);
      }),
    ownerTransaction: (work) => pg.transaction(async (tx) => work(wrap(tx))),
    close: () => pg.close(),
  };
}
