import { useId, useState, type FormEvent } from 'react';
import type { KnownAccount } from '../../../../../shared/contract';
import { useSignIn } from '../api/queries';
import { useRetryCountdown } from '../hooks/use-retry-countdown';
import { useAuthT } from '../messages';
import { AuthError, errorCodeOf } from './auth-error';
import { ServerAddressField } from './ServerAddressField';

const otherTenant = '__other';

export interface SignInPrefill {
  server: string;
  email: string;
  tenantId: string | null;
}

/**
 * Online sign-in: server, email, password, authenticator code, and the organisation for people
 * in several. Each typed error gets its own sentence; a server-imposed wait counts down and
 * keeps the button disabled; a password changed elsewhere asks for the previous one.
 */
export function SignInForm(props: {
  prefill: SignInPrefill;
  accounts: KnownAccount[];
  /** Offered when the server cannot be reached and this workstation holds that account. */
  onUnlockOffline: (account: KnownAccount) => void;
  /** Switches to single sign-on, carrying over the server and email typed so far. */
  onUseSso: (prefill: { server: string; email: string }) => void;
}) {
  const t = useAuthT();
  const id = useId();
  const signIn = useSignIn();
  const [server, setServer] = useState(props.prefill.server);
  const [email, setEmail] = useState(props.prefill.email);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [tenantChoice, setTenantChoice] = useState(props.prefill.tenantId ?? '');
  const [otherTenantId, setOtherTenantId] = useState('');
  const [previousPassword, setPreviousPassword] = useState('');
  const secondsLeft = useRetryCountdown(signIn.error);
  const errorCode = signIn.error ? errorCodeOf(signIn.error) : null;
  // The first field still to fill gets the focus: after a lock that is the password.
  const [firstEmpty] = useState(() => (!props.prefill.server ? 'server' : !props.prefill.email ? 'email' : 'password'));
  const askPrevious = errorCode === 'previous_password_needed' || previousPassword !== '';

  const normalizedEmail = email.trim().toLowerCase();
  const sameServer = (account: KnownAccount) => account.server.replace(/\/+$/, '') === server.trim().replace(/\/+$/, '');
  const tenantsOfEmail = props.accounts.filter((account) => sameServer(account) && account.email.toLowerCase() === normalizedEmail);
  const tenantId = tenantChoice === otherTenant ? otherTenantId.trim() : tenantChoice;
  const offline = errorCode === 'server_unreachable' ? (tenantsOfEmail.find((account) => !tenantId || account.tenantId === tenantId) ?? null) : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (signIn.isPending || secondsLeft > 0) return;
    signIn.mutate(
      {
        server: server.trim(),
        email: email.trim(),
        password,
        totpCode: code,
        ...(tenantId ? { tenantId } : {}),
        ...(askPrevious && previousPassword ? { previousPassword } : {}),
      },
      {
        // A code is spent (or wrong) once tried; the next attempt needs the next one.
        onSettled: () => setCode(''),
      },
    );
  }

  return (
    <form className="auth-form" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('signInTitle')}</h2>
      <p className="auth-lede">{t('signInLede')}</p>

      <ServerAddressField id={id} value={server} onChange={setServer} autoFocus={firstEmpty === 'server'} />

      <label htmlFor={`${id}-email`}>{t('emailLabel')}</label>
      <input id={`${id}-email`} name="email" type="email" autoComplete="username" spellCheck={false} required autoFocus={firstEmpty === 'email'} value={email} onChange={(event) => setEmail(event.target.value)} />

      <label htmlFor={`${id}-password`}>{t('passwordLabel')}</label>
      <input id={`${id}-password`} name="password" type="password" autoComplete="current-password" required autoFocus={firstEmpty === 'password'} value={password} onChange={(event) => setPassword(event.target.value)} />

      <label htmlFor={`${id}-code`}>{t('codeLabel')}</label>
      <input
        id={`${id}-code`}
        name="totpCode"
        type="text"
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9]{6}"
        maxLength={6}
        required
        aria-describedby={`${id}-code-hint`}
        value={code}
        onChange={(event) => setCode(event.target.value.replace(/\D/g, '').slice(0, 6))}
      />
      <p id={`${id}-code-hint`} className="auth-hint">
        {t('codeHint')}
      </p>

      <label htmlFor={`${id}-tenant`}>{t('tenantLabel')}</label>
      <select id={`${id}-tenant`} name="tenant" value={tenantChoice} onChange={(event) => setTenantChoice(event.target.value)}>
        <option value="">{t('tenantDefault')}</option>
        {tenantsOfEmail.map((account) => (
          <option key={account.tenantId} value={account.tenantId}>
            {account.tenantName}
          </option>
        ))}
        {tenantChoice !== '' && tenantChoice !== otherTenant && !tenantsOfEmail.some((account) => account.tenantId === tenantChoice) && (
          <option value={tenantChoice}>{tenantChoice}</option>
        )}
        <option value={otherTenant}>{t('tenantOther')}</option>
      </select>
      {tenantChoice === otherTenant && (
        <>
          <label htmlFor={`${id}-tenant-id`}>{t('tenantIdLabel')}</label>
          <input id={`${id}-tenant-id`} name="tenantId" type="text" spellCheck={false} required value={otherTenantId} onChange={(event) => setOtherTenantId(event.target.value)} />
        </>
      )}

      {askPrevious && (
        <>
          <label htmlFor={`${id}-previous`}>{t('previousPasswordLabel')}</label>
          <input
            id={`${id}-previous`}
            name="previousPassword"
            type="password"
            autoComplete="off"
            required
            aria-describedby={`${id}-previous-hint`}
            value={previousPassword}
            onChange={(event) => setPreviousPassword(event.target.value)}
          />
          <p id={`${id}-previous-hint`} className="auth-hint">
            {t('previousPasswordHint')}
          </p>
        </>
      )}

      <AuthError error={signIn.error} secondsLeft={secondsLeft} />

      <button type="submit" className="primary" disabled={signIn.isPending || secondsLeft > 0}>
        {signIn.isPending ? t('signingIn') : t('submitSignIn')}
      </button>
      {/* Where the organisation refuses passwords, single sign-on is the way on: it gets the weight. */}
      <button
        type="button"
        className={errorCode === 'sso_required' ? 'primary auth-sso' : 'auth-sso'}
        data-testid="use-sso"
        onClick={() => props.onUseSso({ server: server.trim(), email: email.trim() })}
      >
        {t('sso.open')}
      </button>

      {offline && (
        <div className="auth-offer">
          <p>{t(offline.signInMethod === 'sso' ? 'offerUnlockPassphrase' : 'offerUnlock', { tenant: offline.tenantName })}</p>
          <button type="button" onClick={() => props.onUnlockOffline(offline)}>
            {t('backToUnlock')}
          </button>
        </div>
      )}
    </form>
  );
}
