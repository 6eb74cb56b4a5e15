/** The permission vocabulary of DOMAIN.md: action x access scope x entity. */
export const actions = ['read', 'create', 'update', 'amend', 'sign', 'export', 'manage', 'revoke', 'delete'] as const;
export type Action = (typeof actions)[number];

export const accessScopes = ['own', 'area', 'org', 'global'] as const;
export type AccessScope = (typeof accessScopes)[number];

export const entities = [
  'shift_log',
  'log_entry',
  'comment',
  'signoff',
  'handover',
  'user',
  'membership',
  'role',
  'session',
  'audit_event',
  'export',
  'feature_flag',
  'tenant_settings',
] as const;
export type Entity = (typeof entities)[number];

/** What a contract call needs before the core touches the store. */
export interface RequiredPermission {
  action: Action;
  entity: Entity;
}
