import type { Query, QueryKey } from '@tanstack/react-query';

const local = 'workstation';
const tenant = 'tenant';

/**
 * The query keys of workstation-wide data, one factory for the app shell and every feature.
 * Two families, because a session change treats them differently (see the predicates below):
 * this workstation and its session (`workstation`), and the signed-in tenant's reference data
 * that every screen reads (`tenant`). Features keep their own factories for their own data.
 */
export const workstationKeys = {
  /** Facts about this workstation and its session: kept when a session change refreshes the cache. */
  all: [local] as const,
  appInfo: () => [local, 'app-info'] as const,
  sessionStatus: () => [local, 'session-status'] as const,
  accounts: () => [local, 'accounts'] as const,
  notices: () => [local, 'notices'] as const,
  /** The signed-in tenant's data shared by every screen: dropped with any other tenant data. */
  tenant: [tenant] as const,
  access: () => [tenant, 'access'] as const,
  areas: () => [tenant, 'areas'] as const,
  people: () => [tenant, 'people'] as const,
  /** The open cache's sync state: refreshed after every sync like the data it describes. */
  syncState: () => [tenant, 'sync-state'] as const,
};

const isLocal = (key: QueryKey) => key[0] === local;
const isSessionStatus = (key: QueryKey) => isLocal(key) && key[1] === workstationKeys.sessionStatus()[1];

/** Another user, tenant or grant: everything but this workstation's own facts is stale. */
export const staleAfterSessionChange = (query: Query) => !isLocal(query.queryKey);

/** A sync changes tenant data, and its outcome can change the session (revoked, grant renewed). */
export const staleAfterSync = (query: Query) => !isLocal(query.queryKey) || isSessionStatus(query.queryKey);
