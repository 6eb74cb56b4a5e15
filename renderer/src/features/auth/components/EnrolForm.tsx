import { useId, useState, type FormEvent } from 'react';
import { useEnrolmentComplete, useEnrolmentStart } from '../api/queries';
import { useAuthT } from '../messages';
import { AuthError } from './auth-error';

/** The key in groups of four, as authenticator apps show it, so it can be typed without slips. */
const grouped = (secret: string) => secret.replace(/=+$/, '').replace(/(.{4})/g, '$1 ').trim();

/**
 * A first sign-in from an enrolment link (people own their factors): the link the admin gave
 * is read, the person sees the authenticator key meant for them alone, chooses their password
 * and confirms with a code from the authenticator. Then they are signed in as after any
 * sign-in, and the local copy is made.
 */
export function EnrolForm(props: { onCancel(): void }) {
  const t = useAuthT();
  const id = useId();
  const start = useEnrolmentStart();
  const complete = useEnrolmentComplete();
  const [link, setLink] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [code, setCode] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const enrolment = start.data;

  function readLink(event: FormEvent) {
    event.preventDefault();
    if (!start.isPending) start.mutate(link.trim());
  }

  function finish(event: FormEvent) {
    event.preventDefault();
    if (password !== repeat) return setMismatch(true);
    setMismatch(false);
    complete.mutate({ link: link.trim(), password, totpCode: code }, { onSettled: () => setCode('') });
  }

  if (!enrolment) {
    return (
      <form className="auth-form" onSubmit={readLink} aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>{t('enrol.title')}</h2>
        <p className="auth-lede">{t('enrol.lede')}</p>
        <label htmlFor={`${id}-link`}>{t('enrol.linkLabel')}</label>
        <input id={`${id}-link`} name="enrolmentLink" type="text" spellCheck={false} autoComplete="off" required autoFocus value={link} onChange={(event) => setLink(event.target.value)} />
        <AuthError error={start.error} secondsLeft={0} />
        <button type="submit" className="primary" disabled={start.isPending || link.trim() === ''}>
          {t('enrol.readLink')}
        </button>
        <button type="button" className="link-button" onClick={props.onCancel}>
          {t('enrol.cancel')}
        </button>
      </form>
    );
  }

  return (
    <form className="auth-form" onSubmit={finish} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('enrol.title')}</h2>
      <p className="auth-lede" data-testid="enrol-who">
        {t('enrol.who', { name: enrolment.displayName, email: enrolment.email, tenant: enrolment.tenantName })}
      </p>
      <section className="auth-notice" aria-labelledby={`${id}-key-title`}>
        <h3 id={`${id}-key-title`}>{t('enrol.keyTitle')}</h3>
        <p>{t('enrol.keyHelp')}</p>
        <p>
          <code className="enrol-key" data-testid="enrol-totp-secret" data-secret={enrolment.totpSecret}>
            {grouped(enrolment.totpSecret)}
          </code>
        </p>
        <p className="auth-hint">
          {t('enrol.uriLabel')} <code className="enrol-uri">{enrolment.otpauthUri}</code>
        </p>
      </section>
      <label htmlFor={`${id}-password`}>{t('enrol.passwordLabel')}</label>
      <input id={`${id}-password`} name="newPassword" type="password" autoComplete="new-password" required minLength={12} aria-describedby={`${id}-password-hint`} value={password} onChange={(event) => setPassword(event.target.value)} />
      <p id={`${id}-password-hint`} className="auth-hint">
        {t('enrol.passwordHint')}
      </p>
      <label htmlFor={`${id}-repeat`}>{t('enrol.repeatLabel')}</label>
      <input id={`${id}-repeat`} name="repeatPassword" type="password" autoComplete="new-password" required value={repeat} onChange={(event) => setRepeat(event.target.value)} />
      {mismatch && (
        <p role="alert" className="auth-error">
          {t('enrol.mismatch')}
        </p>
      )}
      <label htmlFor={`${id}-code`}>{t('enrol.codeLabel')}</label>
      <input
        id={`${id}-code`}
        name="totpCode"
        type="text"
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9]{6}"
        maxLength={6}
        required
        value={code}
        onChange={(event) => setCode(event.target.value.replace(/\D/g, '').slice(0, 6))}
      />
      <AuthError error={complete.error} secondsLeft={0} />
      <button type="submit" className="primary" disabled={complete.isPending}>
        {t('enrol.finish')}
      </button>
      <button type="button" className="link-button" onClick={props.onCancel}>
        {t('enrol.cancel')}
      </button>
    </form>
  );
}
