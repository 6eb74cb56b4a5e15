import { useId, useState, type FormEvent } from 'react';
import type { SessionStatus } from '../../../../../shared/contract';
import { formatDateTime } from '../../../i18n/format';
import { useLocaleStore } from '../../../i18n/i18n';
import { useUnlock } from '../api/queries';
import type { AccountRef } from '../hooks/auth-ui';
import { useAuthT } from '../messages';
import { AuthError, errorCodeOf } from './auth-error';
import { ForgottenPassphrase } from './ForgottenPassphrase';
export interface UnlockAccount extends AccountRef {
  email: string;
  displayName: string;
  tenantName: string;
}
/** Unlock errors that only an online sign-in can get past. */
export const needsOnlineCodes = new Set(['session_revoked', 'session_expired', 'unauthenticated', 'grant_expired', 'vault_not_found', 'device_secret_missing', 'grant_invalid']);
/** The workstation's own zone: the offline window is about this workstation, not a site. */
/**
 * Offline unlock: the password opens the local copy, no server needed. Says whose copy it is,
 * why it is locked, and until when offline work is allowed. A single sign-on account opens it
 * with the local passphrase chosen at its first SSO sign-in here, and the words say so.
 */
export function UnlockForm(props: {
  account: UnlockAccount;
  lockReason: SessionStatus['lockReason'];
  grantNotAfter: string | null;
  /** The site's zone as this workstation last saw it; UTC before it ever has (never the workstation's). */
  timeZone: string;
  onSignInOnline: (error: unknown) => void;
  signInMethod?: 'password' | 'sso';
  /** This account's data may be removed from here (a forgotten passphrase's way out). */
  canWipe?: boolean;
  onWiped?: () => void;
}) {
  const sso = props.signInMethod === 'sso';
  const t = useAuthT();
  const id = useId();
  const locale = useLocaleStore((state) => state.locale);
  const unlock = useUnlock();
  const [password, setPassword] = useState('');
  function submit(event: FormEvent) {
    event.preventDefault();
    if (unlock.isPending) return;
    const { server, userId, tenantId } = props.account;
    unlock.mutate(
      { password, account: { server, userId, tenantId } },
      {
        onError: (error) => {
          setPassword('');
          if (needsOnlineCodes.has(errorCodeOf(error))) props.onSignInOnline(error);
        },
      },
    );
  }
  return (
    <>
      <form className="auth-form" onSubmit={submit} aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>{t('unlockTitle')}</h2>
        {props.lockReason ? (
          <p className="auth-notice" data-lock-reason={props.lockReason}>
            {sso && (props.lockReason === 'idle' || props.lockReason === 'manual') ? t(`lockReasonSso.${props.lockReason}`) : t(`lockReason.${props.lockReason}`)}
          </p>
        ) : (
          <p className="auth-lede">{sso ? t('unlockLedeSso') : t('unlockLede')}</p>
        )}
        <dl className="facts">
          <dt>{t('account')}</dt>
          <dd>
            {props.account.displayName}
            <span className="auth-email">{props.account.email}</span>
          </dd>
          <dt>{t('organisation')}</dt>
          <dd>{props.account.tenantName}</dd>
          <dt>{t('server')}</dt>
          <dd className="auth-server">{props.account.server}</dd>
          <dt>{t('offlineUntil')}</dt>
          <dd data-testid="offline-until">{props.grantNotAfter ? formatDateTime(props.grantNotAfter, locale, props.timeZone) : t('offlineUntilUnknown')}</dd>
        </dl>
        <label htmlFor={`${id}-password`}>{sso ? t('sso.passphraseLabel') : t('passwordLabel')}</label>
        <input id={`${id}-password`} name="password" type="password" autoComplete="current-password" required autoFocus value={password} onChange={(event) => setPassword(event.target.value)} />
        <AuthError error={unlock.error} secondsLeft={0} secret={sso ? 'passphrase' : 'password'} />
        <button type="submit" className="primary" disabled={unlock.isPending}>
          {unlock.isPending ? t('unlocking') : t('submitUnlock')}
        </button>
        <button type="button" className="link-button" onClick={() => props.onSignInOnline(null)}>
          {sso ? t('sso.unlockInstead') : t('useOnlineSignIn')}
        </button>
      </form>
      {/* Outside the form: the removal is a form of its own. */}
      {sso && <ForgottenPassphrase key={errorCodeOf(unlock.error)} open={errorCodeOf(unlock.error) === 'wrong_passphrase'} canWipe={props.canWipe ?? false} onWiped={props.onWiped} />}
    </>
  );
}
