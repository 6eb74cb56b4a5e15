import type { SsoSettingsRow } from '../../shared/domain/sso';
import type { OrgRolePreset } from '../../shared/rbac';
import type { Tx } from '../db/database';
import { iso, json } from './rows';

/** A tenant's identity provider as the server holds it; the sealed secret never leaves server/. */
export interface SsoSettingsRecord {
  tenant_id: string;
  enabled: boolean;
  issuer: string;
  client_id: string;
  client_secret_sealed: string | null;
  allowed_domains: string[];
  groups_claim: string | null;
  group_roles: Record<string, OrgRolePreset>;
  sso_required: boolean;
  break_glass_user_ids: string[];
  create_members: boolean;
  default_role: 'viewer' | 'contributor';
  version: number;
  created_at: Date;
  updated_at: Date;
}

type SsoQueryRow = SsoSettingsRecord & Record<string, unknown>;

export async function getSsoSettings(tx: Tx, tenantId: string, options: { forUpdate?: boolean } = {}): Promise<SsoSettingsRecord | null> {
  const rows = await tx.query<SsoQueryRow>(`SELECT * FROM sso_settings WHERE tenant_id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`, [tenantId]);
  return rows[0] ?? null;
}

/** Enabled providers whose allowed domains include `domain`; the transaction binds ssoDomain. */
export async function findSsoSettingsByDomain(tx: Tx, domain: string): Promise<(SsoSettingsRecord & { tenant_name: string })[]> {
  return tx.query<SsoQueryRow & { tenant_name: string }>(
    `SELECT s.*, t.name AS tenant_name FROM sso_settings s JOIN tenants t ON t.id = s.tenant_id
     WHERE s.enabled AND s.allowed_domains ? $1 ORDER BY t.name, t.id`,
    [domain],
  );
}

/** The SSO settings of the given tenants that refuse password sign-in. */
export async function ssoRequiredSettings(tx: Tx, tenantIds: readonly string[]): Promise<SsoSettingsRecord[]> {
  if (tenantIds.length === 0) return [];
  return tx.query<SsoQueryRow>('SELECT * FROM sso_settings WHERE sso_required AND tenant_id = ANY($1::uuid[])', [tenantIds]);
}

export type SsoSettingsValues = Omit<SsoSettingsRecord, 'tenant_id' | 'version' | 'created_at' | 'updated_at'>;

export async function saveSsoSettings(tx: Tx, tenantId: string, values: SsoSettingsValues, now: Date): Promise<SsoSettingsRecord> {
  const rows = await tx.query<SsoQueryRow>(
    `INSERT INTO sso_settings (tenant_id, enabled, issuer, client_id, client_secret_sealed, allowed_domains, groups_claim, group_roles,
       sso_required, break_glass_user_ids, create_members, default_role, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8::jsonb, $9, $10::jsonb, $11, $12, $13, $13)
     ON CONFLICT (tenant_id) DO UPDATE SET enabled = $2, issuer = $3, client_id = $4, client_secret_sealed = $5, allowed_domains = $6::jsonb,
       groups_claim = $7, group_roles = $8::jsonb, sso_required = $9, break_glass_user_ids = $10::jsonb, create_members = $11,
       default_role = $12, updated_at = $13, version = sso_settings.version + 1
     RETURNING *`,
    [
      tenantId, values.enabled, values.issuer, values.client_id, values.client_secret_sealed, json(values.allowed_domains), values.groups_claim,
      json(values.group_roles), values.sso_required, json(values.break_glass_user_ids), values.create_members, values.default_role, now,
    ],
  );
  return rows[0];
}

export function toSsoSettingsRow(tenantId: string, record: SsoSettingsRecord | null): SsoSettingsRow {
  return {
    tenantId,
    configured: record !== null,
    enabled: record?.enabled ?? false,
    issuer: record?.issuer ?? null,
    clientId: record?.client_id ?? null,
    hasClientSecret: record?.client_secret_sealed != null,
    allowedDomains: record?.allowed_domains ?? [],
    groupsClaim: record?.groups_claim ?? null,
    groupRoles: record?.group_roles ?? {},
    ssoRequired: record?.sso_required ?? false,
    breakGlassUserIds: record?.break_glass_user_ids ?? [],
    createMembers: record?.create_members ?? false,
    defaultRole: record?.default_role ?? 'viewer',
    version: record?.version ?? 0,
    updatedAt: record ? iso(record.updated_at) : null,
  };
}

export async function findSsoIdentity(tx: Tx, tenantId: string, issuer: string, subject: string): Promise<{ user_id: string } | null> {
  const rows = await tx.query<{ user_id: string }>('SELECT user_id FROM sso_identities WHERE tenant_id = $1 AND issuer = $2 AND subject = $3', [tenantId, issuer, subject]);
  return rows[0] ?? null;
}

export async function findSsoIdentityOfUser(tx: Tx, tenantId: string, issuer: string, userId: string): Promise<{ subject: string } | null> {
  const rows = await tx.query<{ subject: string }>('SELECT subject FROM sso_identities WHERE tenant_id = $1 AND issuer = $2 AND user_id = $3', [tenantId, issuer, userId]);
  return rows[0] ?? null;
}

export async function insertSsoIdentity(tx: Tx, link: { tenantId: string; issuer: string; subject: string; userId: string; now: Date }): Promise<void> {
  await tx.query('INSERT INTO sso_identities (tenant_id, issuer, subject, user_id, created_at) VALUES ($1, $2, $3, $4, $5)', [
    link.tenantId, link.issuer, link.subject, link.userId, link.now,
  ]);
}

/**
 * Records a proof (code, nonce, ID token) as spent; false when it already was, in any tenant.
 * The primary key decides, so two concurrent uses cannot both pass. Expired records of the
 * tenant are dropped on the way: by then the provider no longer accepts what they recorded.
 */
export async function spendProof(tx: Tx, tenantId: string, proof: { hash: string; kind: 'code' | 'nonce' | 'id_token'; expiresAt: Date }, now: Date): Promise<boolean> {
  await tx.query('DELETE FROM sso_spent_proofs WHERE tenant_id = $1 AND expires_at < $2', [tenantId, now]);
  const rows = await tx.query('INSERT INTO sso_spent_proofs (proof_hash, tenant_id, kind, expires_at) VALUES ($1, $2, $3, $4) ON CONFLICT (proof_hash) DO NOTHING RETURNING proof_hash', [
    proof.hash, tenantId, proof.kind, proof.expiresAt,
  ]);
  return rows.length === 1;
}

export interface SsoDeviceRequestRecord {
  id: string;
  tenant_id: string;
  device_code_sealed: string;
  device_id: string;
  device_name: string;
  poll_interval: number;
  expires_at: Date;
  next_poll_at: Date;
  finished_at: Date | null;
}

export async function insertSsoDeviceRequest(
  tx: Tx,
  request: { id: string; tenantId: string; handleHash: string; deviceCodeSealed: string; deviceId: string; deviceName: string; interval: number; now: Date; expiresAt: Date },
): Promise<void> {
  await tx.query(
    `INSERT INTO sso_device_requests (id, tenant_id, handle_hash, device_code_sealed, device_id, device_name, poll_interval, created_at, expires_at, next_poll_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8)`,
    [request.id, request.tenantId, request.handleHash, request.deviceCodeSealed, request.deviceId, request.deviceName, request.interval, request.now, request.expiresAt],
  );
}

export async function getSsoDeviceRequest(tx: Tx, tenantId: string, handleHash: string): Promise<SsoDeviceRequestRecord | null> {
  const rows = await tx.query<SsoDeviceRequestRecord & Record<string, unknown>>(
    'SELECT * FROM sso_device_requests WHERE tenant_id = $1 AND handle_hash = $2 FOR UPDATE',
    [tenantId, handleHash],
  );
  return rows[0] ?? null;
}

export async function updateSsoDeviceRequest(tx: Tx, id: string, changes: { nextPollAt?: Date; interval?: number; finishedAt?: Date }): Promise<void> {
  await tx.query(
    'UPDATE sso_device_requests SET next_poll_at = coalesce($2, next_poll_at), poll_interval = coalesce($3, poll_interval), finished_at = coalesce($4, finished_at) WHERE id = $1',
    [id, changes.nextPollAt ?? null, changes.interval ?? null, changes.finishedAt ?? null],
  );
}
