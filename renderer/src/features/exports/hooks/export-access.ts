import { useQuery } from '@tanstack/react-query';
import type { Entity } from '../../../../../shared/permissions';
import { accessQuery, permissionsFrom } from '../../../workstation/access';
import { exportModules, type ExportModule } from './export-filter';

const moduleEntity: Record<ExportModule, Entity> = { 'shift-logs': 'log_entry', audit: 'audit_event', users: 'user', sessions: 'session' };

/**
 * The modules this person may export: the exports module on, and both read and export on the
 * module's records, from the verified grant (the core checks the same and refuses the rest).
 */
export function useExportableModules(): { modules: ExportModule[]; isPending: boolean; error: unknown; refetch: () => void } {
  const access = useQuery(accessQuery());
  const permissions = permissionsFrom(access.data);
  const modules =
    access.data && access.data.moduleFlags.exports
      ? exportModules.filter((module) => permissions.can('export', moduleEntity[module]) && permissions.can('read', moduleEntity[module]))
      : [];
  return { modules, isPending: access.isPending, error: access.error, refetch: () => void access.refetch() };
}
