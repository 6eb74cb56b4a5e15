import type { SsoPatch, SsoSettings } from '../api/queries';

/** The SSO form as people type it: lists as text, the secret as a separate intent. */
export interface SsoForm {
  enabled: boolean;
  issuer: string;
  clientId: string;
  /** Empty: keep what is stored. */
  clientSecret: string;
  removeSecret: boolean;
  allowedDomains: string;
  groupsClaim: string;
  groupRoles: string;
  ssoRequired: boolean;
  breakGlassUserIds: string[];
  createMembers: boolean;
  defaultRole: 'viewer' | 'contributor';
  reason: string;
}

const roles = ['viewer', 'contributor', 'admin'] as const;
type Role = (typeof roles)[number];

export function formOf(settings: SsoSettings): SsoForm {
  return {
    enabled: settings.enabled,
    issuer: settings.issuer ?? '',
    clientId: settings.clientId ?? '',
    clientSecret: '',
    removeSecret: false,
    allowedDomains: settings.allowedDomains.join(', '),
    groupsClaim: settings.groupsClaim ?? '',
    groupRoles: Object.entries(settings.groupRoles)
      .map(([group, role]) => `${group} = ${role}`)
      .join('\n'),
    ssoRequired: settings.ssoRequired,
    breakGlassUserIds: [...settings.breakGlassUserIds],
    createMembers: settings.createMembers,
    defaultRole: settings.defaultRole,
    reason: '',
  };
}

export const domainsOf = (text: string) =>
  text
    .split(/[\s,;]+/)
    .map((domain) => domain.trim().toLowerCase())
    .filter((domain) => domain !== '');

export type GroupRolesResult = { ok: true; value: Record<string, Role> } | { ok: false; problem: 'badGroupLine' | 'badRole'; line: number };

/** "group = role" per line; blank lines ignored. */
export function groupRolesOf(text: string): GroupRolesResult {
  const value: Record<string, Role> = {};
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const at = line.lastIndexOf('=');
    if (at <= 0) return { ok: false, problem: 'badGroupLine', line: index + 1 };
    const group = line.slice(0, at).trim();
    const role = line.slice(at + 1).trim().toLowerCase();
    if (group === '') return { ok: false, problem: 'badGroupLine', line: index + 1 };
    if (!(roles as readonly string[]).includes(role)) return { ok: false, problem: 'badRole', line: index + 1 };
    value[group] = role as Role;
  }
  return { ok: true, value };
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((item, index) => item === b[index]);

/**
 * Only what changed goes to the server: each change is audited there field by field, and an
 * unchanged form saves nothing. Null when nothing changed.
 */
export function patchOf(settings: SsoSettings, form: SsoForm, groupRoles: Record<string, Role>): SsoPatch | null {
  const patch: Partial<Record<keyof SsoPatch, unknown>> = {};
  if (form.enabled !== settings.enabled) patch.enabled = form.enabled;
  if (form.issuer.trim() !== (settings.issuer ?? '')) patch.issuer = form.issuer.trim();
  if (form.clientId.trim() !== (settings.clientId ?? '')) patch.clientId = form.clientId.trim();
  if (form.removeSecret && settings.hasClientSecret) patch.clientSecret = null;
  else if (form.clientSecret !== '') patch.clientSecret = form.clientSecret;
  const domains = domainsOf(form.allowedDomains);
  if (!sameList(domains, settings.allowedDomains)) patch.allowedDomains = domains;
  const claim = form.groupsClaim.trim() === '' ? null : form.groupsClaim.trim();
  if (claim !== settings.groupsClaim) patch.groupsClaim = claim;
  if (JSON.stringify(groupRoles) !== JSON.stringify(settings.groupRoles)) patch.groupRoles = groupRoles;
  if (form.ssoRequired !== settings.ssoRequired) patch.ssoRequired = form.ssoRequired;
  if (!sameList([...form.breakGlassUserIds].sort(), [...settings.breakGlassUserIds].sort())) patch.breakGlassUserIds = form.breakGlassUserIds;
  if (form.createMembers !== settings.createMembers) patch.createMembers = form.createMembers;
  if (form.defaultRole !== settings.defaultRole) patch.defaultRole = form.defaultRole;
  if (Object.keys(patch).length === 0) return null;
  if (form.reason.trim() !== '') patch.reason = form.reason.trim();
  return patch as SsoPatch;
}
