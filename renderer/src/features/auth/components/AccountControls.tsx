import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { SessionStatus } from '../../../../../shared/contract';
import { knownAccountsQuery, useLock, useSignOut } from '../api/queries';
import { sameAccount, useAuthUi } from '../hooks/auth-ui';
import { useAuthT } from '../messages';
import { AuthError } from './auth-error';
import { ChangeSecretDialog } from './ChangeSecretDialog';
import { LocaleSwitch } from './LocaleSwitch';
import '../auth.css';

/**
 * The frame's account corner: who is signed in where, switching to another organisation known on
 * this workstation (lock, then unlock or sign in for that account), language, lock and sign out.
 */
export function AccountControls({ status }: { status: SessionStatus }) {
  const t = useAuthT();
  const id = useId();
  const accounts = useQuery(knownAccountsQuery());
  const lock = useLock();
  const [changingPassword, setChangingPassword] = useState(false);
  const signOut = useSignOut();
  const chooseAccount = useAuthUi((state) => state.chooseAccount);
  const current = status.user && status.server && status.tenantId ? { server: status.server, userId: status.user.id, tenantId: status.tenantId } : null;
  const others = (accounts.data ?? []).filter((account) => !sameAccount(account, current));
  const currentKey = current ? `${current.server}|${current.userId}|${current.tenantId}` : '';
  // A single sign-on account has no Plantdesk password here, only the local unlock passphrase.
  const sso = (accounts.data ?? []).find((account) => sameAccount(account, current))?.signInMethod === 'sso';

  function switchTo(key: string) {
    const next = others.find((account) => `${account.server}|${account.userId}|${account.tenantId}` === key);
    if (!next) return;
    chooseAccount({ server: next.server, userId: next.userId, tenantId: next.tenantId });
    lock.mutate(undefined);
  }

  return (
    <div className="frame-account">
      <p className="frame-user" data-testid="signed-in-user">
        <span className="visually-hidden">{t('signedInAs')} </span>
        
        <strong>{status.user?.displayName}</strong>
        <span className="muted"> · {status.tenantName}</span>
      </p>
      {others.length > 0 && (
        <span className="frame-control">
          <label htmlFor={`${id}-tenant`} className="visually-hidden">
            {t('switchTenant')}
          </label>
          <select id={`${id}-tenant`} value={currentKey} onChange={(event) => switchTo(event.target.value)}>
            <option value={currentKey}>{t('switchTenantCurrent', { tenant: status.tenantName ?? '' })}</option>
            {others.map((account) => (
              <option key={`${account.server}|${account.userId}|${account.tenantId}`} value={`${account.server}|${account.userId}|${account.tenantId}`}>
                {account.tenantName} · {account.email}
              </option>
            ))}
          </select>
        </span>
      )}
      <LocaleSwitch />
      <button type="button" onClick={() => lock.mutate(undefined)} disabled={lock.isPending}>
        
        {t('lock')}
      </button>
      <button type="button" onClick={() => setChangingPassword(true)}>
        {sso ? t('passphrase.open') : t('password.open')}
      </button>
      <button type="button" onClick={() => signOut.mutate(undefined)} disabled={signOut.isPending}>
        {t('signOut')}
      </button>
      <ChangeSecretDialog kind={sso ? 'passphrase' : 'password'} open={changingPassword} onClose={() => setChangingPassword(false)} />
      <AuthError error={lock.error ?? signOut.error} secondsLeft={0} />
    </div>
  );
}
