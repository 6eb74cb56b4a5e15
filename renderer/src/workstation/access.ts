import { queryOptions, useQuery } from '@tanstack/react-query';
import type { CallResponse } from '../../../shared/contract';
import type { Action, Entity } from '../../../shared/permissions';
import { can, type Subject } from '../../../shared/rbac';
import { invoke } from '../lib/api';
import { workstationKeys } from './keys';

export type AccessView = CallResponse<'session.access'>;

export const accessQuery = () => queryOptions({ queryKey: workstationKeys.access(), queryFn: () => invoke('session.access', {}), staleTime: 60_000 });

/**
 * What the signed-in person may do, from the same grant and the same evaluator the core
 * enforces with: the UI hides what the core would refuse (the core still refuses it).
 */
export interface Permissions {
  access: AccessView | undefined;
  can(action: Action, entity: Entity, subject?: Omit<Subject, 'tenantId'>): boolean;
}

export function permissionsFrom(access: AccessView | undefined): Permissions {
  return {
    access,
    can(action, entity, subject) {
      if (!access) return false;
      const ability = { userId: access.userId, tenantId: access.tenantId, areas: access.areas, rules: access.rules };
      return can(ability, action, entity, subject && { ...subject, tenantId: access.tenantId });
    },
  };
}

export function usePermissions(): Permissions {
  const { data } = useQuery(accessQuery());
  return permissionsFrom(data);
}
