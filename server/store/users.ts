import type { UserRow } from '../../shared/domain/tenancy';
import type { GlobalRole } from '../../shared/rbac';
import type { Tx } from '../db/database';
import { iso } from './rows';

/** A user as the server holds it; the secret columns never leave server/. */
export interface UserRecord {
  id: string;
  home_tenant_id: string | null;
  email: string;
  display_name: string;
  status: 'active' | 'deactivated' | 'erased';
  global_role: GlobalRole;
  password_hash: string | null;
  /** Sealed with the server's secret box (auth/secret-box.ts), bound to the user id. */
  totp_secret: string | null;
  totp_last_step: number | null;
  locked_at: Date | null;
  erased_at: Date | null;
  created_at: Date;
  updated_at: Date;
  version: number;
}

type UserQueryRow = UserRecord & Record<string, unknown>;

export async function findUserByEmail(tx: Tx, email: string): Promise<UserRecord | null> {
  const rows = await tx.query<UserQueryRow>('SELECT * FROM users WHERE email = $1', [email]);
  return rows[0] ?? null;
}

export async function getUser(tx: Tx, id: string, options: { forUpdate?: boolean } = {}): Promise<UserRecord | null> {
  const rows = await tx.query<UserQueryRow>(`SELECT * FROM users WHERE id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ?? null;
}

export async function insertUser(
  tx: Tx,
  user: { id: string; homeTenantId: string; email: string; displayName: string; passwordHash: string | null; sealedTotpSecret: string | null; now: Date },
): Promise<UserRecord> {
  const rows = await tx.query<UserQueryRow>(
    `INSERT INTO users (id, home_tenant_id, email, display_name, password_hash, totp_secret, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING *`,
    [user.id, user.homeTenantId, user.email, user.displayName, user.passwordHash, user.sealedTotpSecret, user.now],
  );
  return rows[0];
}

export async function updateUser(
  tx: Tx,
  id: string,
  changes: Partial<Pick<UserRecord, 'display_name' | 'status' | 'locked_at' | 'totp_last_step' | 'email' | 'password_hash' | 'totp_secret' | 'erased_at'>>,
  now: Date,
): Promise<UserRecord> {
  const allowed = ['display_name', 'status', 'locked_at', 'totp_last_step', 'email', 'password_hash', 'totp_secret', 'erased_at'] as const;
  const entries = allowed.filter((column) => column in changes).map((column) => [column, changes[column]] as const);
  const assignments = entries.map(([column], index) => `${column} = $${index + 3}`);
  const rows = await tx.query<UserQueryRow>(
    `UPDATE users SET ${[...assignments, 'updated_at = $2', 'version = version + 1'].join(', ')} WHERE id = $1 RETURNING *`,
    [id, now, ...entries.map(([, value]) => value)],
  );
  return rows[0];
}

export function toUserRow(user: UserRecord): UserRow {
  return {
    id: user.id,
    email: user.email,
    display_name: user.display_name,
    status: user.status,
    global_role: user.global_role,
    home_tenant_id: user.home_tenant_id,
    locked: user.locked_at !== null,
    created_at: iso(user.created_at),
    updated_at: iso(user.updated_at),
  };
}
