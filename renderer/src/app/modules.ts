import type { Action, Entity } from '../../../shared/permissions';
import type { Screen } from '../lib/router';

/** Each module and the permission its screen needs; sync is always there (it is about this workstation). */
export const appModules: { screen: Screen; needs: [Action, Entity] | null }[] = [
  { screen: 'shift-logs', needs: ['read', 'shift_log'] },
  { screen: 'people', needs: ['read', 'user'] },
  { screen: 'audit', needs: ['read', 'audit_event'] },
  { screen: 'exports', needs: ['export', 'export'] },
  { screen: 'sync', needs: null },
  { screen: 'settings', needs: ['manage', 'tenant_settings'] },
];

/** The modules this person's grant shows, in frame order (Alt+1 opens the first). */
export function visibleModules(can: (action: Action, entity: Entity) => boolean) {
  return appModules.filter((module) => module.needs === null || can(module.needs[0], module.needs[1]));
}
