import { z } from 'zod';
import { onlineRequest } from '../session/online-request';
import type { CallContext, CallHandlers, ChannelsOf } from './call-context';

/** The app, the session and sign-in: who is here, and opening and closing the cache. */
export function sessionCalls(ctx: CallContext): CallHandlers<ChannelsOf<'app' | 'session' | 'auth'>> {
  const { session } = ctx;
  return {
    'app.info': async () => ({
      name: 'Plantdesk',
      version: ctx.app.version,
      platform: process.platform,
      arch: process.arch,
      nodeVersion: process.versions.node,
      electronVersion: ctx.app.electronVersion,
      coreHost: ctx.app.coreHost,
    }),
    'app.notices': async () => ctx.profile.notices.list(),
    'session.status': async () => session.status(),
    'session.accounts': async () => session.knownAccounts(),
    'session.activity': async () => ({ idleLockAt: ctx.idleLock.lockAt()?.toISOString() ?? null }),
    'session.access': async () => {
      const { grant } = session.requireOpen();
      return {
        userId: grant.user.id,
        tenantId: grant.tenant.id,
        orgRole: grant.roles.org,
        globalRole: grant.roles.global,
        rules: grant.rules,
        moduleFlags: grant.moduleFlags,
        areas: grant.areas,
        notAfter: grant.notAfter,
      };
    },
    'auth.signIn': async (request) => session.signIn(request),
    'auth.unlock': async (request) => session.unlock(request.password, request.account),
    'auth.lock': async () => {
      session.lock('manual');
      return session.status();
    },
    'auth.signOut': async () => session.signOut(),
    'auth.wipe': async (request) => session.wipeByHand(request),
    'auth.wipePreview': async () => session.wipePreview(),
    'auth.enrolmentStart': async ({ link }) => {
      const enrolment = await session.startEnrolment(link);
      const { server, email, displayName, tenantName, expiresAt } = enrolment;
      return { server, email, displayName, tenantName, expiresAt, totpSecret: enrolment.totp.secret, otpauthUri: enrolment.totp.otpauthUri };
    },
    'auth.enrolmentComplete': async (request) => session.completeEnrolment(request),
    'auth.ssoProviders': async (request) => session.ssoProviders(request),
    'auth.ssoSignIn': async (request) => session.signInWithSso(request),
    'auth.ssoCancel': async () => ({ cancelled: session.cancelSso() }),
    'auth.changePassphrase': async ({ currentPassphrase, newPassphrase }) => {
      await session.changePassphrase(currentPassphrase, newPassphrase);
      return { ok: true as const };
    },
    'auth.changePassword': async ({ currentPassword, newPassword }) => {
      // Checked here first, so a wrong current password costs no server attempt.
      await session.verifyPassword(currentPassword);
      await onlineRequest(session, ctx.clientFor, { method: 'POST', path: '/auth/password', body: { currentPassword, newPassword }, schema: z.unknown() });
      await session.rewrapOpenVault(currentPassword, newPassword);
      return { ok: true as const };
    },
  };
}
