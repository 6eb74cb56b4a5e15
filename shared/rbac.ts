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

/**
 * Entities whose rows have neither an owner nor an area: a role is a tenant-wide list of grants
 * (nobody authors it, and "the role I hold" as its owner would only ever let its holders rewrite
 * their own rights), and the settings are the tenant's. Own or area access to them reaches no
 * row, so a role that grants it is refused when it is made.
 */
export const tenantWideEntities: readonly Entity[] = ['role', 'tenant_settings'];

export function grantReachesRows(rule: Pick<PermissionRule, 'access' | 'entity'>): boolean {
  return !(tenantWideEntities.includes(rule.entity) && (rule.access === 'own' || rule.access === 'area'));
}

/** A grant as a request to make or edit a custom role may carry it. */
export const RoleGrantSchema = CustomRoleRuleSchema.refine(grantReachesRows, {
  message: 'roles and tenant settings have no owner or area: grant them at org scope',
});

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
  // Support reads any tenant, and resets the sign-in of a person who belongs to several (no
  // tenant admin may: it would reach into the other tenants); the server additionally demands
  // and audits a reason per request.
  support: [...rules('read', 'global', entities), ...rules('update', 'global', ['user'])],
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
  /**
   * For rows that span areas: a membership (and the user, sessions and module flags it
   * governs) covers a list of areas. Such a row is in a person's area scope only when it has
   * areas and every one of them is among that person's: managing someone in one shared area
   * must not reach what they do elsewhere. When set, it replaces `areaId`.
   */
  areaIds?: readonly string[] | null;
  /** The author for shift data, the user for users/sessions/memberships. */
  ownerId?: string | null;
}

function inAreas(ability: Ability, subject: Subject): boolean {
  if (subject.areaIds != null) return subject.areaIds.length > 0 && subject.areaIds.every((id) => ability.areas.includes(id));
  return subject.areaId != null && ability.areas.includes(subject.areaId);
}

function scopeMatches(ability: Ability, access: AccessScope, subject: Subject): boolean {
  if (access === 'global') return true;
  if (subject.tenantId !== ability.tenantId) return false;
  switch (access) {
    case 'org':
      return true;
    case 'area':
      return inAreas(ability, subject);
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

/** Entities whose rows are governed by a membership: their areas are the membership's. */
const memberEntities: readonly Entity[] = ['user', 'membership', 'session', 'feature_flag'];

/** Reads a row (snake_case, as stored on the server and in the cache) as a Subject. */
export function subjectOf(entity: Entity, row: Record<string, unknown>, tenantId?: string): Subject {
  const column = ownerColumn[entity];
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  const subject: Subject = {
    tenantId: text(row.tenant_id) ?? tenantId ?? '',
    areaId: text(row.area_id),
    ownerId: column === null ? null : text(row[column]),
  };
  if (memberEntities.includes(entity) && Array.isArray(row.areas)) subject.areaIds = row.areas.filter((id): id is string => typeof id === 'string');
  return subject;
}

/**
 * A person as the subject of admin actions in one tenant (their user row, membership,
 * sessions, module flags): owned by them, in the areas their membership covers (none when they
 * have no membership there).
 */
export function memberSubject(tenantId: string, userId: string, membership: { areas: readonly string[] } | null): Subject {
  return { tenantId, ownerId: userId, areaIds: membership ? [...membership.areas] : [] };
}

// ---- privilege ceiling ------------------------------------------------------------------

/** Scope order (DOMAIN.md): each scope reaches at least the rows of the ones before it. */
const scopeOrder: readonly AccessScope[] = ['own', 'area', 'org', 'global'];

function scopeCovers(held: AccessScope, wanted: AccessScope): boolean {
  return scopeOrder.indexOf(held) >= scopeOrder.indexOf(wanted);
}

/**
 * The rules of `candidate` that `held` does not cover: a rule is covered by a held rule of the
 * same action and entity whose scope is at least as wide. Nobody may create, assign or edit a
 * role or membership carrying rules beyond their own, so an admin write is refused unless this
 * is empty for what the subject holds before and after it.
 */
export function rulesBeyond(held: readonly PermissionRule[], candidate: readonly PermissionRule[]): PermissionRule[] {
  const beyond = candidate.filter(
    (wanted) => !held.some((rule) => rule.action === wanted.action && rule.entity === wanted.entity && scopeCovers(rule.access, wanted.access)),
  );
  return normalizeRules(beyond);
}
