import type { CallContext, CallHandlers, ChannelsOf } from './call-context';

/**
 * The organisation's settings an admin manages from the app. Online only, like every admin
 * change: they act on the server's state at once and are audited there.
 */
export function settingsCalls(ctx: CallContext): CallHandlers<ChannelsOf<'ssoSettings'>> {
  const { admin } = ctx;
  return {
    'ssoSettings.get': async () => admin.ssoSettings(),
    'ssoSettings.update': async (patch) => admin.updateSsoSettings(patch),
    'ssoSettings.test': async (request) => admin.testSsoConnection(request),
  };
}
