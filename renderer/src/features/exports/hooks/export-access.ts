import { useQuery } from '@tanstack/react-query';
import { exportableModules, type ExportModule } from '../../../../../shared/exports';
import { accessQuery } from '../../../workstation/access';

/**
 * The modules this person may export, from the verified grant and the rule the core enforces
 * (shared/exports.ts mayExport): the screen offers only these, and the core still refuses the rest.
 */
export function useExportableModules(): { modules: ExportModule[]; isPending: boolean; error: unknown; refetch: () => void } {
  const access = useQuery(accessQuery());
  const modules = access.data ? exportableModules(access.data) : [];
  return { modules, isPending: access.isPending, error: access.error, refetch: () => void access.refetch() };
}
