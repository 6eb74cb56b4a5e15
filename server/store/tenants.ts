import type { TenantSettingsRow } from '../../shared/domain/tenancy';
import type { Tx } from '../db/database';
import { iso } from './rows';

export interface TenantRecord {
  id: string;
  name: string;
  region: string;
  offline_grant_hours: number;
  session_idle_minutes: number;
  session_absolute_hours: number;
  lockout_threshold: number;
  retention_days: number;
  settings_version: number;
  created_at: Date;
  updated_at: Date;
}

export async function getTenant(tx: Tx, id: string): Promise<TenantRecord | null> {
  const rows = await tx.query<TenantRecord & Record<string, unknown>>('SELECT * FROM tenants WHERE id = $1', [id]);
  return rows[0] ?? null;
}

/** Creates the tenant and its sequence counter; the transaction must be bound to `id`. */
export async function insertTenant(tx: Tx, tenant: { id: string; name: string; region?: string; now: Date }): Promise<void> {
  await tx.query('INSERT INTO tenants (id, name, region, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)', [
    tenant.id,
    tenant.name,
    tenant.region ?? 'eu',
    tenant.now,
  ]);
  await tx.query('INSERT INTO tenant_seq (tenant_id) VALUES ($1)', [tenant.id]);
}

export function toSettingsRow(tenant: TenantRecord): TenantSettingsRow {
  return {
    tenant_id: tenant.id,
    offline_grant_hours: tenant.offline_grant_hours,
    session_idle_minutes: tenant.session_idle_minutes,
    session_absolute_hours: tenant.session_absolute_hours,
    lockout_threshold: tenant.lockout_threshold,
    retention_days: tenant.retention_days,
    version: tenant.settings_version,
    updated_at: iso(tenant.updated_at),
  };
}

export const settingColumns = {
  offlineGrantHours: 'offline_grant_hours',
  sessionIdleMinutes: 'session_idle_minutes',
  sessionAbsoluteHours: 'session_absolute_hours',
  lockoutThreshold: 'lockout_threshold',
  retentionDays: 'retention_days',
} as const;

export async function updateTenantSettings(
  tx: Tx,
  tenantId: string,
  changes: Partial<Record<keyof typeof settingColumns, number>>,
  now: Date,
): Promise<TenantRecord> {
  const entries = Object.entries(changes).filter(([, value]) => value !== undefined) as [keyof typeof settingColumns, number][];
  // Column names come from the fixed table above, never from the request.
  const assignments = entries.map(([key], index) => `${settingColumns[key]} = $${index + 3}`);
  const rows = await tx.query<TenantRecord & Record<string, unknown>>(
    `UPDATE tenants SET ${[...assignments, 'updated_at = $2', 'settings_version = settings_version + 1'].join(', ')} WHERE id = $1 RETURNING *`,
    [tenantId, now, ...entries.map(([, value]) => value)],
  );
  return rows[0];
}
