import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { CallResponse, EventPayload } from '../../../../../shared/contract';
import { PlantdeskError } from '../../../../../shared/errors';
import { withScheme } from '../../../../../shared/server-address';
import { invoke, subscribe } from '../../../lib/api';
import { useSsoCancel, useSsoProviders, useSsoSignIn } from '../api/queries';
import { useAuthT } from '../messages';
import { AuthError, errorCodeOf } from './auth-error';
import { ServerAddressField } from './ServerAddressField';
import { ForgottenPassphrase } from './ForgottenPassphrase';

type Provider = CallResponse<'auth.ssoProviders'>['providers'][number];
type Waiting = Extract<EventPayload<'sso.waiting'>, { flow: 'browser' }>;

export interface SsoPrefill {
  server: string;
  email: string;
}

/** Seconds until an instant, ticking once a second (0 once it has passed). */
function secondsUntil(instant: string | null): number {
  return instant ? Math.max(0, Math.ceil((Date.parse(instant) - Date.now()) / 1000)) : 0;
}

function useSecondsUntil(instant: string | null): number {
  const [seconds, setSeconds] = useState(() => secondsUntil(instant));
  useEffect(() => {
    setSeconds(secondsUntil(instant));
    if (!instant) return;
    const timer = setInterval(() => setSeconds(secondsUntil(instant)), 1000);
    return () => clearInterval(timer);
  }, [instant]);
  return seconds;
}

/** Only the provider's address is shown: enough to check where the browser went, without the request's codes. */
function providerAddress(authorizationUrl: string): string {
  try {
    const url = new URL(authorizationUrl);
    return `${url.origin}${url.pathname}`;
  } catch {
    return authorizationUrl;
  }
}

/**
 * Single sign-on in the system browser, in three steps: where (server and work email, then the
 * organisation when the email's domain belongs to several), the local passphrase (a new one twice
 * without a local copy, else the one chosen then), and waiting for the browser with the
 * provider's address, the time left and a way to cancel.
 */
export function SsoSignInForm(props: {
  prefill: SsoPrefill;
  onUsePassword: () => void;
  /** The locked account on this workstation, whose data a forgotten passphrase may remove. */
  wipeable: { server: string; tenantId: string; email: string } | null;
  /** While the browser is out, the screen offers nothing that would leave this form. */
  onWaitingChange?: (waiting: boolean) => void;
}) {
  const t = useAuthT();
  const id = useId();
  const lookup = useSsoProviders();
  const signIn = useSsoSignIn();
  const cancel = useSsoCancel();
  const [server, setServer] = useState(props.prefill.server);
  const completedServer = withScheme(server);
  const [email, setEmail] = useState(props.prefill.email);
  const [providers, setProviders] = useState<Provider[] | null>(null);
  const [tenantId, setTenantId] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const [waiting, setWaiting] = useState<Waiting | null>(null);
  const [noneFound, setNoneFound] = useState(false);
  const secondsLeft = useSecondsUntil(signIn.isPending ? (waiting?.expiresAt ?? null) : null);

  useEffect(() => subscribe('sso.waiting', (payload) => (payload.flow === 'browser' ? setWaiting(payload) : undefined)), []);
  const { onWaitingChange } = props;
  const pending = signIn.isPending;
  const pendingRef = useRef(false);
  useEffect(() => {
    pendingRef.current = pending;
    onWaitingChange?.(pending);
  }, [pending, onWaitingChange]);
  // A form that goes away while the browser is out must not leave the core waiting for it.
  useEffect(
    () => () => {
      if (pendingRef.current) void invoke('auth.ssoCancel', {}).catch(() => undefined);
    },
    [],
  );

  const provider = providers?.find((candidate) => candidate.tenantId === tenantId) ?? null;
  const newPassphrase = provider !== null && !provider.localCopy;

  function find(event: FormEvent) {
    event.preventDefault();
    if (lookup.isPending) return;
    signIn.reset();
    setNoneFound(false);
    lookup.mutate(
      { server: server.trim(), email: email.trim() },
      {
        onSuccess: (answer) => {
          setNoneFound(answer.providers.length === 0);
          setProviders(answer.providers);
          setTenantId(answer.providers.length === 1 ? answer.providers[0].tenantId : '');
        },
      },
    );
  }

  function start(event: FormEvent) {
    event.preventDefault();
    if (!provider || signIn.isPending) return;
    if (newPassphrase && passphrase !== repeat) return setMismatch(true);
    setMismatch(false);
    setWaiting(null);
    signIn.mutate(
      { server: server.trim(), email: email.trim(), tenantId: provider.tenantId, passphrase, flow: 'browser' },
      {
        onError: (error) => {
          const code = errorCodeOf(error);
          if (code === 'wrong_passphrase') setPassphrase('');
          // The server knows the organisations better now: ask again which one.
          const organisations = code === 'sso_choose_organisation' ? (error as { details?: { organisations?: Provider[] } }).details?.organisations : undefined;
          if (organisations) {
            setProviders(organisations.map((organisation) => ({ ...organisation, ssoRequired: false, localCopy: provider.localCopy })));
            setTenantId('');
          }
        },
      },
    );
  }

  function startOver() {
    setProviders(null);
    setTenantId('');
    setPassphrase('');
    setRepeat('');
    setMismatch(false);
    lookup.reset();
    signIn.reset();
  }

  if (signIn.isPending) {
    return (
      <div className="auth-form" role="group" aria-labelledby={`${id}-waiting`} data-testid="sso-waiting">
        <h2 id={`${id}-waiting`}>{t('sso.waitingTitle')}</h2>
        {waiting ? (
          <>
              <p className="auth-lede">{t('sso.waitingText')}</p>
              <dl className="facts">
                <dt>{t('sso.provider')}</dt>
                <dd className="auth-server" data-testid="sso-provider-address">
                  {providerAddress(waiting.authorizationUrl)}
                </dd>
                <dt>{t('sso.timeLeft')}</dt>
                <dd data-testid="sso-time-left">{t('sso.timeLeftValue', { time: `${Math.floor(secondsLeft / 60)}:${String(secondsLeft % 60).padStart(2, '0')}` })}</dd>
              </dl>
          </>
        ) : (
          <p className="auth-lede" role="status">
            {t('sso.opening')}
          </p>
        )}
        <button type="button" onClick={() => cancel.mutate()} disabled={cancel.isPending}>
          {t('sso.cancel')}
        </button>
        <AuthError error={cancel.error} secondsLeft={0} />
      </div>
    );
  }

  if (providers && providers.length > 0) {
    return (
      <>
        <form className="auth-form" onSubmit={start} aria-labelledby={`${id}-title`}>
          <h2 id={`${id}-title`}>{t('sso.title')}</h2>
          {provider && providers.length === 1 ? (
            <p className="auth-lede" data-testid="sso-target">
              {t('sso.for', { email: email.trim(), tenant: provider.tenantName })}
            </p>
          ) : (
            <>
              <p className="auth-lede">{t('sso.chooseOrganisation')}</p>
              <label htmlFor={`${id}-tenant`}>{t('tenantLabel')}</label>
              <select id={`${id}-tenant`} name="tenant" required value={tenantId} onChange={(event) => setTenantId(event.target.value)}>
                <option value="" disabled />
                {providers.map((candidate) => (
                  <option key={candidate.tenantId} value={candidate.tenantId}>
                    {candidate.tenantName}
                  </option>
                ))}
              </select>
            </>
          )}

          {provider &&
            (newPassphrase ? (
              <>
                <label htmlFor={`${id}-passphrase`}>{t('sso.newPassphraseLabel')}</label>
                <input
                  id={`${id}-passphrase`}
                  name="passphrase"
                  type="password"
                  autoComplete="new-password"
                  required
                  minLength={12}
                  maxLength={128}
                  autoFocus
                  aria-describedby={`${id}-passphrase-hint`}
                  value={passphrase}
                  onChange={(event) => setPassphrase(event.target.value)}
                />
                <p id={`${id}-passphrase-hint`} className="auth-hint">
                  {t('sso.newPassphraseHint')}
                </p>
                <label htmlFor={`${id}-repeat`}>{t('sso.repeatLabel')}</label>
                <input id={`${id}-repeat`} name="repeat" type="password" autoComplete="new-password" required value={repeat} onChange={(event) => setRepeat(event.target.value)} />
              </>
            ) : (
              <>
                <label htmlFor={`${id}-passphrase`}>{t('sso.passphraseLabel')}</label>
                <input
                  id={`${id}-passphrase`}
                  name="passphrase"
                  type="password"
                  autoComplete="current-password"
                  required
                  autoFocus
                  aria-describedby={`${id}-passphrase-hint`}
                  value={passphrase}
                  onChange={(event) => setPassphrase(event.target.value)}
                />
                <p id={`${id}-passphrase-hint`} className="auth-hint">
                  {t('sso.passphraseHint')}
                </p>
              </>
            ))}

          {mismatch && (
            <p role="alert" className="auth-error">
              {t('sso.mismatch')}
            </p>
          )}
          <AuthError error={signIn.error} secondsLeft={0} secret="passphrase" />

          <button type="submit" className="primary" disabled={!provider}>
            {t('sso.start')}
          </button>
          <button type="button" className="link-button" onClick={startOver}>
            {t('sso.change')}
          </button>
          <button type="button" className="link-button" onClick={props.onUsePassword}>
            {t('sso.usePassword')}
          </button>
        </form>
        {/* Outside the form: the removal is a form of its own. */}
        {provider && !newPassphrase && errorCodeOf(signIn.error) === 'wrong_passphrase' && (
          <ForgottenPassphrase
            open
            canWipe={
              props.wipeable !== null &&
              props.wipeable.tenantId === provider.tenantId &&
              props.wipeable.server === completedServer.replace(/\/+$/, '') &&
              props.wipeable.email.toLowerCase() === email.trim().toLowerCase()
            }
          />
        )}
      </>
    );
  }

  return (
    <form className="auth-form" onSubmit={find} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('sso.title')}</h2>
      <p className="auth-lede">{t('sso.lede')}</p>

      <ServerAddressField id={id} value={server} onChange={setServer} autoFocus={!props.prefill.server} />

      <label htmlFor={`${id}-email`}>{t('sso.emailLabel')}</label>
      <input
        id={`${id}-email`}
        name="email"
        type="email"
        autoComplete="username"
        spellCheck={false}
        required
        autoFocus={!!props.prefill.server}
        value={email}
        onChange={(event) => setEmail(event.target.value)}
      />

      {/* A cancelled or failed sign-in comes back here when the organisation was looked up again. */}
      <AuthError error={lookup.error ?? signIn.error ?? (noneFound ? new PlantdeskError('sso_not_configured') : null)} secondsLeft={0} secret="passphrase" />

      <button type="submit" className="primary" disabled={lookup.isPending}>
        {lookup.isPending ? t('sso.finding') : t('sso.continue')}
      </button>
      <button type="button" className="link-button" onClick={props.onUsePassword}>
        {t('sso.usePassword')}
      </button>
    </form>
  );
}
