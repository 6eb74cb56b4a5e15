/**
 * The one interface over PostgreSQL, whichever engine holds it (embedded PGlite or a server
 * reached through `pg`). Handlers never see a connection: they get a transaction that is
 * already bound to the caller's row-level-security context and runs as the non-owner
 * application role, so a query that forgets its tenant filter still sees nothing else.
 */

/**
 * What the transaction may see, as RLS understands it (server/migrations/0001): each field
 * becomes a transaction-local setting that the policies compare rows against.
 */
export interface DbContext {
  /** The tenant whose customer rows are visible. */
  tenantId?: string;
  /** The signed-in user's own identity rows (user, memberships, sessions) across tenants. */
  userId?: string;
  /** During authentication: the one session whose token hashes to this. */
  sessionHash?: string;
  /** During the password step: the one user with this (normalised) email. */
  loginEmail?: string;
  /** During the TOTP step: the one challenge whose id hashes to this. */
  challengeHash?: string;
  /** While an enrolment link is opened or completed: the one link whose token hashes to this. */
  enrolmentHash?: string;
  /** Before an SSO sign-in: the tenants whose allowed email domains include this one. */
  ssoDomain?: string;
}

export type Row = Record<string, unknown>;

export interface Tx {
  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs a script of several statements without parameters (migrations, seeding). */
  exec(sql: string): Promise<void>;
  /** Replaces the RLS context for the rest of the transaction (e.g. once login knows the user). */
  bind(context: DbContext): Promise<void>;
}

/**
 * A read-only REPEATABLE READ transaction sees one snapshot for all its statements: a first
 * sync's tables and the seq it names come from the same moment.
 */
export interface TransactionOptions {
  snapshot?: 'repeatable-read-only';
}

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  /** One transaction as the application role, bound to `context`; commits unless `work` throws. */
  transaction<T>(context: DbContext, work: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * One transaction as the schema owner (migrations, demo seeding, operator tooling). On a
   * superuser connection this bypasses RLS; it is never used to answer a request.
   */
  ownerTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export const APP_ROLE = 'plantdesk_app';

const settingNames: Record<keyof DbContext, string> = {
  tenantId: 'app.tenant_id',
  userId: 'app.user_id',
  sessionHash: 'app.session_hash',
  loginEmail: 'app.login_email',
  challengeHash: 'app.challenge_hash',
  enrolmentHash: 'app.enrolment_hash',
  ssoDomain: 'app.sso_domain',
};

/** Binds every setting (unset ones to '') so nothing from an earlier binding lingers. */
export async function bindContext(query: (sql: string, params: unknown[]) => Promise<unknown>, context: DbContext): Promise<void> {
  const keys = Object.keys(settingNames) as (keyof DbContext)[];
  const sql = `SELECT ${keys.map((key, index) => `set_config('${settingNames[key]}', $${index + 1}, true)`).join(', ')}`;
  await query(
    sql,
    keys.map((key) => context[key] ?? ''),
  );
}

/** Must be the transaction's first statement (before the context is bound). */
export const REPEATABLE_READ_ONLY = 'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY';
