import type { ComponentType } from 'react';
import { AuditScreen } from '../features/audit/components/AuditScreen';
import { ExportsScreen } from '../features/exports/components/ExportsScreen';
import { PeopleScreen } from '../features/users/components/PeopleScreen';
import { SettingsScreen } from '../features/settings/components/SettingsScreen';
import { ShiftLogsScreen } from '../features/shift-logs/components/ShiftLogsScreen';
import { SyncScreen } from '../features/sync/components/SyncScreen';
import type { Screen } from '../lib/router';

/** One screen per route; features never import each other, the app composes them here. */
export const screenComponents: Record<Screen, ComponentType> = {
  'shift-logs': ShiftLogsScreen,
  people: PeopleScreen,
  audit: AuditScreen,
  exports: ExportsScreen,
  settings: SettingsScreen,
  sync: SyncScreen,
};
