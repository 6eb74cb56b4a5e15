import { queryOptions } from '@tanstack/react-query';
import type { CallRequest, CallResponse } from '../../../../../shared/contract';
import { invoke } from '../../../lib/api';

export type SsoSettings = CallResponse<'ssoSettings.get'>;
export type SsoPatch = CallRequest<'ssoSettings.update'>;
export type SsoTest = CallResponse<'ssoSettings.test'>;

/** One key factory for the settings feature. */
export const settingsKeys = {
  all: ['settings'] as const,
  sso: () => [...settingsKeys.all, 'sso'] as const,
  admins: () => [...settingsKeys.all, 'admins'] as const,
};

export const ssoSettingsQuery = () => queryOptions({ queryKey: settingsKeys.sso(), queryFn: () => invoke('ssoSettings.get', {}), retry: false });

/** The organisation's admins, the people who may be named to sign in with a password when SSO is required. */
export const adminsQuery = () =>
  queryOptions({
    queryKey: settingsKeys.admins(),
    queryFn: async () =>
      (await invoke('users.list', { filter: { statuses: ['active'] }, page: { limit: 500 } })).items.filter((user) => user.org_role === 'admin').map((user) => ({ id: user.id, name: user.display_name, email: user.email })),
  });
