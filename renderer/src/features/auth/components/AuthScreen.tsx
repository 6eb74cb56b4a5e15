import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { KnownAccount, SessionStatus } from '../../../../../shared/contract';
import { useT } from '../../../i18n/i18n';
import { appInfoQuery, knownAccountsQuery } from '../api/queries';
import { recalledGrantNotAfter, sameAccount, useAuthUi, type AccountRef } from '../hooks/auth-ui';
import { useAuthT } from '../messages';
import { AuthError } from './auth-error';
import { LocaleSwitch } from './LocaleSwitch';
import { ProfileNotices } from './ProfileNotices';
import { EnrolForm } from './EnrolForm';
import { SignInForm, type SignInPrefill } from './SignInForm';
import { SsoSignInForm, type SsoPrefill } from './SsoSignInForm';
import { UnlockForm, type UnlockAccount } from './UnlockForm';
import { fallbackTimeZone } from '../../../../../shared/site-time';
import '../auth.css';
function refOfStatus(status: SessionStatus): AccountRef | null {
  return status.user && status.server && status.tenantId ? { server: status.server, userId: status.user.id, tenantId: status.tenantId } : null;
}
/** The page around the auth forms: product name, the form, language and version. */
export function AuthLayout(props: { children: React.ReactNode; sessionState?: string }) {
  const t = useT();
  const appInfo = useQuery(appInfoQuery());
  return (
    <div className="auth-screen">
      <main className="auth-main" aria-labelledby="auth-product">
        <section className="card auth-card">
          <h1 id="auth-product">{t('app.name')}</h1>
          <p className="lede">{t('app.tagline')}</p>
          {props.children}
        </section>
      </main>
      <footer className="app-footer">
        <LocaleSwitch />
        {props.sessionState && (
          <span className="muted">
            {t('session.label')}: <span data-testid="session-state">{props.sessionState}</span>
          </span>
        )}
        {/* Where the engine runs is for support and tests, not words on the screen. */}
        <span data-testid="app-info" data-core-host={appInfo.data?.coreHost}>
          {appInfo.data ? t('app.footer', { version: appInfo.data.version, platform: appInfo.data.platform, arch: appInfo.data.arch }) : t('app.name')}
        </span>
      </footer>
    </div>
  );
}
/**
 * Signed out or locked: the unlock form when a local copy can be opened offline (locked, or an
 * account chosen by the tenant switcher or offered when the server is unreachable), else the
 * online sign-in, prefilled with the account it is for.
 */
export function AuthScreen({ status }: { status: SessionStatus }) {
  const t = useT();
  const authT = useAuthT();
  const accounts = useQuery(knownAccountsQuery());
  const target = useAuthUi((state) => state.target);
  const preferSignIn = useAuthUi((state) => state.preferSignIn);
  const chooseAccount = useAuthUi((state) => state.chooseAccount);
  const setPreferSignIn = useAuthUi((state) => state.setPreferSignIn);
  const chosenSignIn = useAuthUi((state) => state.signInWith);
  const setSignInWith = useAuthUi((state) => state.setSignInWith);
  const [handoverError, setHandoverError] = useState<unknown>(null);
  const [enrolling, setEnrolling] = useState(false);
  const [ssoHandoff, setSsoHandoff] = useState<SsoPrefill | null>(null);
  const [wiped, setWiped] = useState(false);
  const [ssoWaiting, setSsoWaiting] = useState(false);
  const known = accounts.data ?? [];
  const lockedRef = status.state === 'locked' ? refOfStatus(status) : null;
  const isLockedAccount = !target || sameAccount(target, lockedRef);
  const ref = target ?? lockedRef;
  const knownAccount = ref ? known.find((account) => sameAccount(account, ref)) : undefined;
  const account: UnlockAccount | null = knownAccount
    ? knownAccount
    : lockedRef && isLockedAccount && status.user
      ? { ...lockedRef, email: status.user.email, displayName: status.user.displayName, tenantName: status.tenantName ?? '' }
      : null;
  // What the core knows about the session applies to the locked account, not a switch target.
  const needsOnline = isLockedAccount && (status.needsOnlineSignIn || status.lockReason === 'grant_expired');
  const lockReason = isLockedAccount ? status.lockReason : null;
  const mode = account && !needsOnline && !preferSignIn ? 'unlock' : 'signIn';
  const ssoAccount = knownAccount?.signInMethod === 'sso';
  const signInWith = chosenSignIn ?? (ssoAccount ? 'sso' : 'password');
  // Only the locked account's data can be removed from here (the core wipes the locked one).
  const wipeable = lockedRef && status.user ? { server: lockedRef.server, tenantId: lockedRef.tenantId, email: status.user.email } : null;
  const lastUsed = [...known].sort((a, b) => b.lastSignInAt.localeCompare(a.lastSignInAt))[0];
  const prefill: SignInPrefill = account
    ? { server: account.server, email: account.email, tenantId: account.tenantId }
    : { server: lastUsed?.server ?? '', email: '', tenantId: null };
  function signInOnline(error: unknown) {
    setHandoverError(error);
    setPreferSignIn(true);
  }
  function switchToSso(prefill: SsoPrefill | null) {
    setHandoverError(null);
    setSsoHandoff(prefill);
    setSignInWith('sso');
    setPreferSignIn(true);
  }
  function unlockOffline(chosen: KnownAccount) {
    setHandoverError(null);
    chooseAccount({ server: chosen.server, userId: chosen.userId, tenantId: chosen.tenantId });
  }
  return (
    <AuthLayout sessionState={t(`session.state.${status.state}`)}>
      <ProfileNotices />
      {enrolling ? (
        <EnrolForm onCancel={() => setEnrolling(false)} />
      ) : mode === 'unlock' && account ? (
        <UnlockForm
          key={`${account.server}|${account.userId}|${account.tenantId}`}
          account={account}
          lockReason={lockReason}
          grantNotAfter={knownAccount?.grantNotAfter ?? recalledGrantNotAfter(account)}
          timeZone={knownAccount?.timeZone ?? fallbackTimeZone}
          onSignInOnline={signInOnline}
          signInMethod={ssoAccount ? 'sso' : 'password'}
          canWipe={wipeable !== null && sameAccount(account, lockedRef)}
          onWiped={() => (setWiped(true), switchToSso({ server: account.server, email: account.email }))}
        />
      ) : (
        <>
          {(needsOnline || handoverError !== null) && (
            <div className="auth-notice" data-testid="needs-online-sign-in">
              {handoverError !== null ? (
                // Why the unlock did not work says more than the earlier lock reason.
                <AuthError error={handoverError} secondsLeft={0} />
              ) : (
                <p>{lockReason ? authT(`lockReason.${lockReason}`) : authT('needsOnline')}</p>
              )}
            </div>
          )}
          {wiped && (
            <p className="auth-notice" role="status">
              {authT('wipe.done')}
            </p>
          )}
          {accounts.isPending ? null : signInWith === 'sso' ? (
            <SsoSignInForm
              key={`sso|${prefill.server}|${prefill.email}`}
              prefill={ssoHandoff ?? { server: prefill.server, email: prefill.email }}
              wipeable={wipeable}
              onUsePassword={() => setSignInWith('password')}
              onWaitingChange={setSsoWaiting}
            />
          ) : (
            <SignInForm key={`${prefill.server}|${prefill.email}|${prefill.tenantId ?? ''}`} prefill={prefill} accounts={known} onUnlockOffline={unlockOffline} onUseSso={switchToSso} />
          )}
          {!ssoWaiting && (
            <button type="button" className="link-button" onClick={() => setEnrolling(true)}>
              {authT('enrol.open')}
            </button>
          )}
          {account && !needsOnline && !ssoWaiting && (
            <button
              type="button"
              className="link-button"
              onClick={() => {
                setHandoverError(null);
                setPreferSignIn(false);
              }}
            >
              {authT('backToUnlock')}
            </button>
          )}
        </>
      )}
    </AuthLayout>
  );
}
