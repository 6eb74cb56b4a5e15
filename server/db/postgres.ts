import pg from 'pg';
import { APP_ROLE, bindContext, REPEATABLE_READ_ONLY, type Database, type DbContext, type Row, type TransactionOptions, type Tx } from './database';

const INT8 = 20;
const DATE = 1082;

/** int8 as number (seqs stay far below 2^53), date as 'YYYY-MM-DD' (never a local-time Date). */
const typeParsers = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8) return (value: string) => Number(value);
    if (oid === DATE) return (value: string) => value;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

function wrap(client: pg.PoolClient): Tx {
  return {
    query: async <R extends Row>(sql: string, params: readonly unknown[] = []) => (await client.query<R>(sql, params as unknown[])).rows,
    exec: async (sql: string) => {
      await client.query(sql);
    },
    bind: (context: DbContext) => bindContext((sql, params) => client.query(sql, params), context),
  };
}

export interface PostgresOptions {
  connectionString: string;
  maxConnections?: number;
}

/** A real PostgreSQL server through a small pool; every instance of the server may share it. */
export async function openPostgres(options: PostgresOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    types: typeParsers,
    options: '-c TimeZone=UTC',
  });
  // An idle client that errors (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);

  async function run<T>(asApp: DbContext | null, work: (tx: Tx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      if (options.snapshot === 'repeatable-read-only') await client.query(REPEATABLE_READ_ONLY);
      const tx = wrap(client);
      if (asApp) {
        await tx.bind(asApp);
        await client.query(`SET LOCAL ROLE ${APP_ROLE}`);
      }
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  await run(null, async (tx) => tx.query('SELECT 1'));
  return {
    kind: 'postgres',
    transaction: (context, work, options) => run(context, work, options),
    ownerTransaction: (work) => run(null, work),
    close: () => pool.end(),
  };
}
