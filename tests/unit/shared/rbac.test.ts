import { describe, expect, it } from 'vitest';
import { accessScopes, actions, entities, type AccessScope } from '../../../shared/permissions';
import {
  can,
  defaultModuleFlags,
  effectiveRules,
  grantReachesRows,
  memberSubject,
  moduleEntities,
  moduleNames,
  RoleGrantSchema,
  rowFilterFor,
  rulesBeyond,
  subjectOf,
  type Ability,
  type GlobalRole,
  type ModuleFlags,
  type OrgRolePreset,
  type PermissionRule,
  type Subject,
} from '../../../shared/rbac';

/**
 * The specification of the presets (DOMAIN.md), written out by hand: for each preset, the
 * scopes it holds per "action entity". Everything not listed is denied. The test checks every
 * preset x action x entity x scope against the evaluator.
 */
const spec: Record<OrgRolePreset | 'support' | 'superadmin', Record<string, AccessScope[]>> = {
  viewer: {
    'read shift_log': ['org'], 'read log_entry': ['org'], 'read comment': ['org'], 'read signoff': ['org'],
    'read handover': ['org'], 'read audit_event': ['org'], 'read user': ['org'], 'read membership': ['org'],
    'read role': ['org'], 'read session': ['org'], 'read export': ['org'],
  },
  contributor: {
    'read shift_log': ['org'], 'read log_entry': ['org'], 'read comment': ['org'], 'read signoff': ['org'],
    'read handover': ['org'], 'read audit_event': ['org'], 'read user': ['org'], 'read membership': ['org'],
    'read role': ['org'], 'read session': ['org'], 'read export': ['org'],
    'create shift_log': ['area'], 'create log_entry': ['area'], 'create comment': ['area'], 'create handover': ['area'],
    'update shift_log': ['area'], 'update handover': ['area'],
    'amend log_entry': ['own', 'area'],
  },
  admin: {
    'read shift_log': ['org'], 'read log_entry': ['org'], 'read comment': ['org'], 'read signoff': ['org'],
    'read handover': ['org'], 'read audit_event': ['org'], 'read user': ['org'], 'read membership': ['org'],
    'read role': ['org'], 'read session': ['org'], 'read export': ['org'], 'read feature_flag': ['org'],
    'read tenant_settings': ['org'],
    'create shift_log': ['area', 'org'], 'create log_entry': ['area', 'org'], 'create comment': ['area', 'org'],
    'create handover': ['area', 'org'], 'create signoff': ['org'], 'create user': ['org'], 'create membership': ['org'],
    'create role': ['org'], 'create export': ['org'],
    'update shift_log': ['area', 'org'], 'update handover': ['area', 'org'], 'update user': ['org'],
    'update membership': ['org'], 'update role': ['org'], 'update feature_flag': ['org'], 'update tenant_settings': ['org'],
    'amend log_entry': ['own', 'area', 'org'],
    'sign shift_log': ['org'], 'sign signoff': ['org'],
    'export shift_log': ['org'], 'export log_entry': ['org'], 'export audit_event': ['org'], 'export user': ['org'],
    'export membership': ['org'], 'export session': ['org'], 'export export': ['org'],
    'manage user': ['org'], 'manage membership': ['org'], 'manage role': ['org'], 'manage session': ['org'],
    'manage feature_flag': ['org'], 'manage tenant_settings': ['org'],
    'revoke session': ['org'],
  },
  // Support reads everywhere and resets the sign-in of people who belong to several tenants.
  support: { ...Object.fromEntries(entities.map((entity) => [`read ${entity}`, ['global']])), 'update user': ['global'] },
  superadmin: Object.fromEntries(actions.flatMap((action) => entities.map((entity) => [`${action} ${entity}`, ['global']]))),
};

const TENANT = '00000000-0000-4000-8000-00000000000a';
const OTHER_TENANT = '00000000-0000-4000-8000-00000000000b';
const ME = '00000000-0000-4000-8000-000000000001';
const SOMEONE = '00000000-0000-4000-8000-000000000002';
const MY_AREA = '00000000-0000-4000-8000-0000000000a1';
const OTHER_AREA = '00000000-0000-4000-8000-0000000000a2';

/** One row per scope: what only that scope (or a wider one) reaches. */
const subjects: Record<AccessScope, Subject> = {
  own: { tenantId: TENANT, areaId: OTHER_AREA, ownerId: ME },
  area: { tenantId: TENANT, areaId: MY_AREA, ownerId: SOMEONE },
  org: { tenantId: TENANT, areaId: OTHER_AREA, ownerId: SOMEONE },
  global: { tenantId: OTHER_TENANT, areaId: OTHER_AREA, ownerId: SOMEONE },
};
const reaches: Record<AccessScope, AccessScope[]> = {
  own: ['own', 'org', 'global'],
  area: ['area', 'org', 'global'],
  org: ['org', 'global'],
  global: ['global'],
};

const allOn: ModuleFlags = { shift_logs: true, handovers: true, audit: true, users: true, exports: true };

function abilityFor(rules: PermissionRule[]): Ability {
  return { userId: ME, tenantId: TENANT, areas: [MY_AREA], rules };
}

function rulesOf(role: keyof typeof spec, flags: ModuleFlags = allOn): PermissionRule[] {
  if (role === 'support' || role === 'superadmin') return effectiveRules({ orgRole: null, moduleFlags: flags, globalRole: role as GlobalRole });
  return effectiveRules({ orgRole: role, moduleFlags: flags, globalRole: 'none' });
}

describe('RBAC presets: every preset x action x entity x scope', () => {
  for (const role of Object.keys(spec) as (keyof typeof spec)[]) {
    it(`${role} can exactly what DOMAIN.md lists`, () => {
      const ability = abilityFor(rulesOf(role));
      const mismatches: string[] = [];
      for (const action of actions) {
        for (const entity of entities) {
          const held = spec[role][`${action} ${entity}`] ?? [];
          if (can(ability, action, entity) !== held.length > 0) mismatches.push(`${action} ${entity} (any row)`);
          for (const scope of accessScopes) {
            const expected = held.some((granted) => reaches[scope].includes(granted));
            if (can(ability, action, entity, subjects[scope]) !== expected) mismatches.push(`${action} ${entity} on a ${scope} row: expected ${expected}`);
          }
        }
      }
      expect(mismatches).toEqual([]);
    });
  }
});

describe('RBAC module flags', () => {
  it.each(moduleNames)('switching %s off removes every permission on its entities, even for an admin', (module) => {
    const flags = { ...allOn, [module]: false };
    const ability = abilityFor(rulesOf('admin', flags));
    for (const entity of moduleEntities[module]) {
      for (const action of actions) expect(can(ability, action, entity)).toBe(false);
    }
    const untouched = entities.filter((entity) => !moduleEntities[module].includes(entity));
    expect(untouched.some((entity) => can(ability, 'read', entity))).toBe(true);
  });

  it('leaves global roles alone: a tenant flag does not limit support', () => {
    const none: ModuleFlags = { shift_logs: false, handovers: false, audit: false, users: false, exports: false };
    const ability = abilityFor(rulesOf('support', none));
    expect(can(ability, 'read', 'audit_event', subjects.global)).toBe(true);
  });

  it('starts viewers and contributors without audit, users and exports, admins with everything', () => {
    expect(defaultModuleFlags('viewer')).toEqual({ shift_logs: true, handovers: true, audit: false, users: false, exports: false });
    expect(defaultModuleFlags('admin')).toEqual(allOn);
  });
});

describe('RBAC custom roles and areas', () => {
  const custom: PermissionRule[] = [
    { action: 'read', access: 'area', entity: 'log_entry' },
    { action: 'amend', access: 'own', entity: 'log_entry' },
    { action: 'read', access: 'global', entity: 'audit_event' },
  ];

  it('grants what the custom role lists, at its scope', () => {
    const ability = abilityFor(effectiveRules({ orgRole: 'custom', customRules: custom, moduleFlags: allOn, globalRole: 'none' }));
    expect(can(ability, 'read', 'log_entry', subjects.area)).toBe(true);
    expect(can(ability, 'read', 'log_entry', subjects.org)).toBe(false);
    expect(can(ability, 'amend', 'log_entry', subjects.own)).toBe(true);
    expect(can(ability, 'amend', 'log_entry', subjects.area)).toBe(false);
  });

  it('never lets a custom role reach another tenant', () => {
    const ability = abilityFor(effectiveRules({ orgRole: 'custom', customRules: custom, moduleFlags: allOn, globalRole: 'none' }));
    expect(can(ability, 'read', 'audit_event')).toBe(false);
    expect(can(ability, 'read', 'audit_event', subjects.global)).toBe(false);
  });

  it('does not let an area rule reach a row without an area', () => {
    const ability = abilityFor(rulesOf('contributor'));
    expect(can(ability, 'create', 'log_entry', { tenantId: TENANT, areaId: null })).toBe(false);
  });

  it('gives no rights without a membership or a global role', () => {
    expect(effectiveRules({ orgRole: null, moduleFlags: allOn, globalRole: 'none' })).toEqual([]);
  });

  it('narrows list queries to areas and own rows', () => {
    const ability = abilityFor(rulesOf('contributor'));
    expect(rowFilterFor(ability, 'amend', 'log_entry')).toEqual({ kind: 'some', areaIds: [MY_AREA], ownerId: ME });
    expect(rowFilterFor(ability, 'read', 'log_entry')).toEqual({ kind: 'all' });
    expect(rowFilterFor(ability, 'sign', 'shift_log')).toEqual({ kind: 'none' });
  });

  it('reads snake_case rows as subjects', () => {
    expect(subjectOf('log_entry', { tenant_id: TENANT, area_id: MY_AREA, author_id: ME })).toEqual({ tenantId: TENANT, areaId: MY_AREA, ownerId: ME });
    expect(subjectOf('session', { tenant_id: TENANT, user_id: SOMEONE })).toEqual({ tenantId: TENANT, areaId: null, ownerId: SOMEONE });
  });

  it('produces rules in a stable order without duplicates (they are signed in the grant)', () => {
    const rules = rulesOf('admin');
    const keys = rules.map((rule) => `${rule.action}:${rule.entity}:${rule.access}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual(keys);
  });
});


describe('RBAC admin subjects: what own and area mean for people, roles and settings', () => {
  const NESTED_AREA = '00000000-0000-4000-8000-0000000000a3';
  const ability = (rules: PermissionRule[]): Ability => ({ userId: ME, tenantId: TENANT, areas: [MY_AREA, NESTED_AREA], rules });
  const areaManager = ability([{ action: 'manage', access: 'area', entity: 'membership' }]);
  const ownManager = ability([{ action: 'manage', access: 'own', entity: 'membership' }]);

  it('puts a member in area scope only when every area of their membership is the actor\'s', () => {
    expect(can(areaManager, 'manage', 'membership', memberSubject(TENANT, SOMEONE, { areas: [MY_AREA] }))).toBe(true);
    expect(can(areaManager, 'manage', 'membership', memberSubject(TENANT, SOMEONE, { areas: [MY_AREA, NESTED_AREA] }))).toBe(true);
    expect(can(areaManager, 'manage', 'membership', memberSubject(TENANT, SOMEONE, { areas: [MY_AREA, OTHER_AREA] }))).toBe(false);
    // A member without areas is in nobody's area scope: only org scope reaches them.
    expect(can(areaManager, 'manage', 'membership', memberSubject(TENANT, SOMEONE, { areas: [] }))).toBe(false);
    expect(can(areaManager, 'manage', 'membership', memberSubject(TENANT, SOMEONE, null))).toBe(false);
    expect(can(areaManager, 'manage', 'membership', memberSubject(OTHER_TENANT, SOMEONE, { areas: [MY_AREA] }))).toBe(false);
  });

  it('reads a membership row\'s areas as its subject, and own as the member themself', () => {
    expect(subjectOf('membership', { tenant_id: TENANT, user_id: SOMEONE, areas: [MY_AREA] })).toEqual({ tenantId: TENANT, areaId: null, areaIds: [MY_AREA], ownerId: SOMEONE });
    expect(can(ownManager, 'manage', 'membership', memberSubject(TENANT, ME, { areas: [] }))).toBe(true);
    expect(can(ownManager, 'manage', 'membership', memberSubject(TENANT, SOMEONE, { areas: [MY_AREA] }))).toBe(false);
  });

  it('gives roles and tenant settings no owner and no area: own and area grants on them reach nothing and are refused in a role', () => {
    for (const entity of ['role', 'tenant_settings'] as const) {
      const subject = subjectOf(entity, { tenant_id: TENANT });
      for (const access of ['own', 'area'] as const) {
        expect(can(ability([{ action: 'manage', access, entity }]), 'manage', entity, subject)).toBe(false);
        expect(grantReachesRows({ access, entity })).toBe(false);
        expect(RoleGrantSchema.safeParse({ action: 'manage', access, entity }).success).toBe(false);
      }
      expect(can(ability([{ action: 'manage', access: 'org', entity }]), 'manage', entity, subject)).toBe(true);
      expect(RoleGrantSchema.safeParse({ action: 'manage', access: 'org', entity }).success).toBe(true);
    }
    expect(RoleGrantSchema.safeParse({ action: 'manage', access: 'own', entity: 'user' }).success).toBe(true);
  });
});

describe('RBAC privilege ceiling: rulesBeyond', () => {
  const rule = (action: PermissionRule['action'], access: AccessScope, entity: PermissionRule['entity']): PermissionRule => ({ action, access, entity });

  it('covers a rule by the same action and entity at the same or a wider scope (own < area < org < global)', () => {
    const order: AccessScope[] = ['own', 'area', 'org', 'global'];
    for (const [heldIndex, held] of order.entries()) {
      for (const [wantedIndex, wanted] of order.entries()) {
        const beyond = rulesBeyond([rule('manage', held, 'user')], [rule('manage', wanted, 'user')]);
        expect(beyond, `${held} holding, ${wanted} wanted`).toEqual(wantedIndex <= heldIndex ? [] : [rule('manage', wanted, 'user')]);
      }
    }
  });

  it('never lets another action or entity stand in', () => {
    const held = [rule('manage', 'org', 'user'), rule('read', 'org', 'membership')];
    expect(rulesBeyond(held, [rule('manage', 'own', 'membership'), rule('update', 'own', 'user')])).toEqual([rule('manage', 'own', 'membership'), rule('update', 'own', 'user')]);
  });

  it('lets an admin grant every preset and nothing a preset lacks', () => {
    const admin = rulesOf('admin');
    for (const preset of ['viewer', 'contributor', 'admin'] as const) expect(rulesBeyond(admin, rulesOf(preset))).toEqual([]);
    expect(rulesBeyond(admin, [rule('delete', 'org', 'log_entry'), rule('read', 'global', 'user')])).toEqual([rule('delete', 'org', 'log_entry'), rule('read', 'global', 'user')]);
    // A module switched off for the actor takes its rights out of what they may hand on.
    expect(rulesBeyond(rulesOf('admin', { ...allOn, users: false }), rulesOf('viewer'))).toContainEqual(rule('read', 'org', 'user'));
  });

  it('keeps a role with manage on its own people below an admin: it may grant only what it holds', () => {
    const ownManager = [rule('manage', 'own', 'user'), rule('manage', 'own', 'membership')];
    expect(rulesBeyond(ownManager, rulesOf('admin'))).toEqual(rulesBeyond([], rulesOf('admin')));
    expect(rulesBeyond(ownManager, ownManager)).toEqual([]);
    expect(rulesBeyond(rulesOf('superadmin'), rulesOf('admin'))).toEqual([]);
  });
});
