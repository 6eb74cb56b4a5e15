import { z } from 'zod';
import { accessScopes, actions, entities, type AccessScope, type Action, type Entity } from './permissions';

/**
 * The one RBAC evaluator (DOMAIN.md: action x access scope x entity). The server runs it as the
 * authority, main/core runs it on every IPC call and local write, the renderer only to hide what
 * cannot be done. Rules are plain JSON so they travel inside the signed offline grant and are
 * evaluated identically everywhere.
 *
 * Hand-written rather than @casl/ability: the whole model is four scopes with fixed meanings,
 * which fits in this file and its table test.
 */

// ---- vocabulary -------------------------------------------------------------------------

export const moduleNames = ['shift_logs', 'handovers', 'audit', 'users', 'exports'] as const;
export type ModuleName = (typeof moduleNames)[number];

/** Which entities each module flag covers. Entities in no module (settings, flags) are admin-only. */
export const moduleEntities: Readonly<Record<ModuleName, readonly Entity[]>> = {
  shift_logs: ['shift_log', 'log_entry', 'comment', 'signoff'],
  handovers: ['handover'],
  audit: ['audit_event'],
  users: ['user', 'membership', 'role', 'session'],
  exports: ['export'],
};

export function moduleOf(entity: Entity): ModuleName | null {
  for (const name of moduleNames) if (moduleEntities[name].includes(entity)) return name;
  return null;
}

export const ModuleFlagsSchema = z
  .object({
    shift_logs: z.boolean(),
    handovers: z.boolean(),
    audit: z.boolean(),
    users: z.boolean(),
    exports: z.boolean(),
  })
  .strict();
export type ModuleFlags = z.infer<typeof ModuleFlagsSchema>;

export const orgRolePresets = ['viewer', 'contributor', 'admin'] as const;
export type OrgRolePreset = (typeof orgRolePresets)[number];

export const globalRoles = ['none', 'support', 'superadmin'] as const;
export type GlobalRole = (typeof globalRoles)[number];

export const PermissionRuleSchema = z
  .object({ action: z.enum(actions), access: z.enum(accessScopes), entity: z.enum(entities) })
  .strict();
export type PermissionRule = z.infer<typeof PermissionRuleSchema>;

/** A custom role grants within its tenant only: global access belongs to global roles. */
export const CustomRoleRuleSchema = PermissionRuleSchema.extend({ access: z.enum(['own', 'area', 'org']) }).strict();

// ---- presets ----------------------------------------------------------------------------

const shiftData: Entity[] = ['shift_log', 'log_entry', 'comment', 'handover'];
const moduleData: Entity[] = moduleNames.flatMap((name) => [...moduleEntities[name]]);

function rules(action: Action, access: AccessScope, targets: readonly Entity[]): PermissionRule[] {
  return targets.map((entity) => ({ action, access, entity }));
}

const viewerRules = rules('read', 'org', moduleData);

const contributorRules = [
  ...viewerRules,
  ...rules('create', 'area', shiftData),
  ...rules('update', 'area', ['shift_log', 'handover']),
  ...rules('amend', 'own', ['log_entry']),
  ...rules('amend', 'area', ['log_entry']),
];

const adminRules = [
  ...contributorRules,
  ...rules('create', 'org', [...shiftData, 'signoff', 'user', 'membership', 'role', 'export']),
  ...rules('update', 'org', ['shift_log', 'handover', 'user', 'membership', 'role', 'feature_flag', 'tenant_settings']),
  ...rules('amend', 'org', ['log_entry']),
  ...rules('sign', 'org', ['shift_log', 'signoff']),
  ...rules('export', 'org', ['shift_log', 'log_entry', 'audit_event', 'user', 'membership', 'session', 'export']),
  ...rules('manage', 'org', ['user', 'membership', 'role', 'session', 'feature_flag', 'tenant_settings']),
  ...rules('revoke', 'org', ['session']),
  ...rules('read', 'org', ['feature_flag', 'tenant_settings']),
];

export const presetRules: Readonly<Record<OrgRolePreset, readonly PermissionRule[]>> = {
  viewer: viewerRules,
  contributor: contributorRules,
  admin: adminRules,
};

const globalRoleRules: Readonly<Record<GlobalRole, readonly PermissionRule[]>> = {
  none: [],
  // Support reads any tenant; the server additionally demands and audits a reason per request.
  support: rules('read', 'global', entities),
  superadmin: actions.flatMap((action) => rules(action, 'global', entities)),
};

/** Module flags a new membership starts with, per preset. */
export function defaultModuleFlags(preset: OrgRolePreset): ModuleFlags {
  const all = preset === 'admin';
  return { shift_logs: true, handovers: true, audit: all, users: all, exports: all };
}

// ---- effective rules --------------------------------------------------------------------

export interface RoleAssignment {
  /** null when the user has no membership in the tenant (global staff only). */
  orgRole: OrgRolePreset | 'custom' | null;
  customRules?: readonly PermissionRule[];
  moduleFlags: ModuleFlags;
  globalRole: GlobalRole;
}

/**
 * The rules a user holds in one tenant: the org role (preset or custom, stripped of global
 * access), minus every rule on a module that is switched off, plus the global role's rules
 * (not subject to a tenant's module flags). Sorted and deduplicated so the grant is stable.
 */
export function effectiveRules(assignment: RoleAssignment): PermissionRule[] {
  const orgRules =
    assignment.orgRole === null
      ? []
      : assignment.orgRole === 'custom'
        ? (assignment.customRules ?? []).filter((rule) => rule.access !== 'global')
        : presetRules[assignment.orgRole];
  const enabled = orgRules.filter((rule) => {
    const module = moduleOf(rule.entity);
    return module === null || assignment.moduleFlags[module];
  });
  return normalizeRules([...enabled, ...globalRoleRules[assignment.globalRole]]);
}

export function normalizeRules(list: readonly PermissionRule[]): PermissionRule[] {
  const byKey = new Map<string, PermissionRule>();
  for (const rule of list) byKey.set(`${rule.action}:${rule.entity}:${rule.access}`, { action: rule.action, access: rule.access, entity: rule.entity });
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, rule]) => rule);
}

// ---- evaluation -------------------------------------------------------------------------

/** Who is asking, in which tenant, covering which areas (already expanded down the tree). */
export interface Ability {
  userId: string;
  tenantId: string;
  areas: readonly string[];
  rules: readonly PermissionRule[];
}

/** The row being acted on, reduced to what scopes look at. */
export interface Subject {
  tenantId: string;
  areaId?: string | null;
  /** The author for shift data, the user for users/sessions/memberships. */
  ownerId?: string | null;
}

function scopeMatches(ability: Ability, access: AccessScope, subject: Subject): boolean {
  if (access === 'global') return true;
  if (subject.tenantId !== ability.tenantId) return false;
  switch (access) {
    case 'org':
      return true;
    case 'area':
      return subject.areaId != null && ability.areas.includes(subject.areaId);
    case 'own':
      return subject.ownerId != null && subject.ownerId === ability.userId;
  }
}

/**
 * Without a subject: may the user do this to at least some rows of the entity?
 * With a subject: may the user do this to that row?
 */
export function can(ability: Ability, action: Action, entity: Entity, subject?: Subject): boolean {
  return ability.rules.some(
    (rule) => rule.action === action && rule.entity === entity && (subject === undefined || scopeMatches(ability, rule.access, subject)),
  );
}

/** The scopes under which the user may do this, widest first; empty when not at all. */
export function scopesFor(ability: Ability, action: Action, entity: Entity): AccessScope[] {
  const held = new Set(ability.rules.filter((rule) => rule.action === action && rule.entity === entity).map((rule) => rule.access));
  return (['global', 'org', 'area', 'own'] as const).filter((scope) => held.has(scope));
}

/**
 * How a list query must be narrowed for this ability: everything of the tenant, rows in the
 * user's areas and/or rows they own, or nothing. Lets a server or cache build its WHERE clause.
 */
export type RowFilter = { kind: 'all' } | { kind: 'none' } | { kind: 'some'; areaIds: readonly string[] | null; ownerId: string | null };

export function rowFilterFor(ability: Ability, action: Action, entity: Entity): RowFilter {
  const scopes = scopesFor(ability, action, entity);
  if (scopes.includes('global') || scopes.includes('org')) return { kind: 'all' };
  if (scopes.length === 0) return { kind: 'none' };
  return {
    kind: 'some',
    areaIds: scopes.includes('area') ? ability.areas : null,
    ownerId: scopes.includes('own') ? ability.userId : null,
  };
}

/** Which snake_case column of a row is its owner, per entity. */
const ownerColumn: Readonly<Record<Entity, string | null>> = {
  shift_log: 'created_by',
  log_entry: 'author_id',
  comment: 'author_id',
  signoff: 'signer_id',
  handover: 'created_by',
  user: 'id',
  membership: 'user_id',
  role: null,
  session: 'user_id',
  audit_event: 'actor_id',
  export: 'actor_id',
  feature_flag: 'user_id',
  tenant_settings: null,
};

/** Reads a row (snake_case, as stored on the server and in the cache) as a Subject. */
export function subjectOf(entity: Entity, row: Record<string, unknown>, tenantId?: string): Subject {
  const column = ownerColumn[entity];
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    tenantId: text(row.tenant_id) ?? tenantId ?? '',
    areaId: text(row.area_id),
    ownerId: column === null ? null : text(row[column]),
  };
}
