import { moduleNames, type ModuleFlags } from '../../../../../shared/rbac';
import type { AreaView } from '../../../workstation/areas';
import type { UserView } from '../api/queries';


const noModules: ModuleFlags = { shift_logs: false, handovers: false, audit: false, users: false, exports: false };

/** The cache keeps JSON columns as text (views.ts); a damaged value reads as "nothing". */
function parseJson(text: string | null): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function userAreas(user: UserView): string[] {
  const value = parseJson(user.areas);
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

export function userModules(user: UserView): ModuleFlags {
  const value = parseJson(user.module_flags);
  if (!value || typeof value !== 'object') return { ...noModules };
  const flags = { ...noModules };
  for (const name of moduleNames) flags[name] = (value as Record<string, unknown>)[name] === true;
  return flags;
}

export function areaNames(ids: readonly string[], areas: readonly AreaView[] | undefined): string[] {
  const byId = new Map((areas ?? []).map((area) => [area.id, area.name]));
  return ids.map((id) => byId.get(id) ?? id);
}

export const statusGlyph: Record<UserView['status'], string> = { active: '●', deactivated: '⏸', erased: '⊘' };
