import { useId, useState, type FormEvent } from 'react';
import { Dialog } from '../../../components/Dialog';
import { useChangePassphrase } from '../api/queries';
import { useAuthT } from '../messages';
import { AuthError } from './auth-error';

/**
 * A single sign-on account changes its local unlock passphrase: the core re-wraps this
 * workstation's cache key under the new one. Nothing goes to the server, so it works offline.
 */
export function ChangePassphraseDialog(props: { open: boolean; onClose(): void }) {
  const t = useAuthT();
  const id = useId();
  const change = useChangePassphrase();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const close = () => {
    setCurrent('');
    setNext('');
    setRepeat('');
    setMismatch(false);
    change.reset();
    props.onClose();
  };
  function submit(event: FormEvent) {
    event.preventDefault();
    if (next !== repeat) return setMismatch(true);
    setMismatch(false);
    change.mutate({ currentPassphrase: current, newPassphrase: next }, { onSuccess: () => setCurrent('') });
  }
  return (
    <Dialog open={props.open} title={t('passphrase.title')} description={t('passphrase.lede')} onClose={close}>
      {change.isSuccess ? (
        <>
          <p role="status" data-testid="passphrase-changed">
            {t('passphrase.done')}
          </p>
          <button type="button" className="primary" onClick={close} autoFocus>
            {t('password.close')}
          </button>
        </>
      ) : (
        <form className="auth-form" onSubmit={submit}>
          <label htmlFor={`${id}-current`}>{t('passphrase.current')}</label>
          <input id={`${id}-current`} type="password" autoComplete="current-password" required value={current} onChange={(event) => setCurrent(event.target.value)} />
          <label htmlFor={`${id}-next`}>{t('passphrase.new')}</label>
          <input
            id={`${id}-next`}
            type="password"
            autoComplete="new-password"
            required
            minLength={12}
            maxLength={128}
            aria-describedby={`${id}-hint`}
            value={next}
            onChange={(event) => setNext(event.target.value)}
          />
          <p id={`${id}-hint`} className="auth-hint">
            {t('sso.newPassphraseHint')}
          </p>
          <label htmlFor={`${id}-repeat`}>{t('sso.repeatLabel')}</label>
          <input id={`${id}-repeat`} type="password" autoComplete="new-password" required value={repeat} onChange={(event) => setRepeat(event.target.value)} />
          {mismatch && (
            <p role="alert" className="auth-error">
              {t('sso.mismatch')}
            </p>
          )}
          <AuthError error={change.error} secondsLeft={0} secret="passphrase" />
          <button type="submit" className="primary" disabled={change.isPending}>
            {t('passphrase.submit')}
          </button>
        </form>
      )}
    </Dialog>
  );
}
